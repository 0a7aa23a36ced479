// Package memstore is an in-memory backend.Store for handler tests: it
// counts calls, so a test can prove a request never reached the store, and
// can be told to fail.
package memstore

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/docmeta/docmeta/backend"
)

// Store keeps documents in a map. The zero value is not ready; use New.
type Store struct {
	mu    sync.Mutex
	docs  map[string]backend.Document
	calls int
	// putErr, when set, is returned by Put instead of storing.
	putErr error
	idem   map[string]backend.IdempotencyRecord
}

// New returns an empty store.
func New() *Store {
	return &Store{docs: map[string]backend.Document{}, idem: map[string]backend.IdempotencyRecord{}}
}

// Claim keeps idempotency records in memory with the rules of
// backend.IdempotencyStore.
func (s *Store) Claim(_ context.Context, rec backend.IdempotencyRecord, now time.Time) (backend.IdempotencyRecord, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if old, ok := s.idem[rec.Key]; ok && old.ExpiresAt.After(now) {
		return old, old.DocumentID == rec.DocumentID, nil
	}
	s.idem[rec.Key] = rec
	return rec, true, nil
}

// Record returns the idempotency record of a scoped key, if any.
func (s *Store) Record(key string) (backend.IdempotencyRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.idem[key]
	return r, ok
}

// SetPutErr makes every later Put return err instead of storing (nil
// restores storing).
func (s *Store) SetPutErr(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putErr = err
}

// Put stores d; an existing ID is ECONFLICT.
func (s *Store) Put(_ context.Context, d backend.Document) error {
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

// Get returns the document with id, or ENOTFOUND.
func (s *Store) Get(_ context.Context, id string) (backend.Document, error) {
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
func (s *Store) List(_ context.Context, o backend.ListOptions) (backend.Page, error) {
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

// Close does nothing: there is nothing to release.
func (s *Store) Close() error { return nil }

// State returns the number of documents held and of calls made.
func (s *Store) State() (n, calls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.docs), s.calls
}
