package httpapi

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/docmeta/docmeta/backend"
)

// memStore is an in-memory backend.Store for handler tests. It counts
// calls, so tests can prove a request never reached the store, and can be
// told to fail.
type memStore struct {
	mu    sync.Mutex
	docs  map[string]backend.Document
	calls int
	// putErr, when set, is returned by Put instead of storing.
	putErr error
	idem   map[string]backend.IdempotencyRecord
}

func newMemStore() *memStore {
	return &memStore{docs: map[string]backend.Document{}, idem: map[string]backend.IdempotencyRecord{}}
}

// Claim keeps idempotency records in memory with the contract's rules.
func (s *memStore) Claim(_ context.Context, rec backend.IdempotencyRecord, now time.Time) (backend.IdempotencyRecord, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if old, ok := s.idem[rec.Key]; ok && old.ExpiresAt.After(now) {
		return old, old.DocumentID == rec.DocumentID, nil
	}
	s.idem[rec.Key] = rec
	return rec, true, nil
}

func (s *memStore) Put(_ context.Context, d backend.Document) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.putErr != nil {
		return s.putErr
	}
	if _, ok := s.docs[d.ID]; ok {
		return backend.Errorf(backend.ECONFLICT, "document %s exists", d.ID)
	}
	s.docs[d.ID] = d
	return nil
}

func (s *memStore) Get(_ context.Context, id string) (backend.Document, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	d, ok := s.docs[id]
	if !ok {
		return d, backend.Errorf(backend.ENOTFOUND, "no document %s", id)
	}
	return d, nil
}

// List pages newest first; the cursor is the ID of the last document of the
// previous page.
func (s *memStore) List(_ context.Context, o backend.ListOptions) (backend.Page, error) {
	if err := o.Validate(); err != nil {
		return backend.Page{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	all := make([]backend.Document, 0, len(s.docs))
	for _, d := range s.docs {
		all = append(all, d)
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].UploadedAt.Equal(all[j].UploadedAt) {
			return all[i].UploadedAt.After(all[j].UploadedAt)
		}
		return all[i].ID > all[j].ID
	})
	start := 0
	if o.Cursor != "" {
		start = -1
		for i, d := range all {
			if d.ID == o.Cursor {
				start = i + 1
			}
		}
		if start < 0 {
			return backend.Page{}, backend.Errorf(backend.EINVALID, "bad cursor")
		}
	}
	end := min(start+o.Limit, len(all))
	p := backend.Page{Documents: all[start:end]}
	if end < len(all) {
		p.NextCursor = all[end-1].ID
	}
	return p, nil
}

func (s *memStore) Close() error { return nil }

func (s *memStore) state() (n, calls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.docs), s.calls
}
