package bolt

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/backend/storetest"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "docmeta.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) backend.Store { return openTemp(t) })
}

func TestDocumentsSurviveReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "docmeta.db")
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	gen := &backend.IDGenerator{}
	var want []string
	for i := 0; i < 3; i++ {
		id, at := gen.Next()
		if err := s.Put(ctx, backend.Document{ID: id, Filename: "f.txt", UploadedAt: at}); err != nil {
			t.Fatalf("Put: %v", err)
		}
		want = append([]string{id}, want...)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s, err = Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	page, err := s.List(ctx, backend.ListOptions{})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var got []string
	for _, d := range page.Documents {
		got = append(got, d.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("after reopen listed %v, want %v (newest first)", got, want)
	}
}

// TestConflictInBatchSparesTheOthers sends 64 concurrent Puts that share
// log batches, a quarter of them duplicates of IDs in the same wave: each ID must be stored exactly once, every duplicate must get
// ECONFLICT, and no other Put of the batch may fail.
func TestConflictInBatchSparesTheOthers(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	defer s.Close()
	gen := &backend.IDGenerator{}
	const n = 64
	docs := make([]backend.Document, n)
	for i := range docs {
		if i%4 == 3 {
			docs[i] = docs[i-1] // same ID, different filename
			docs[i].Filename = "dup.txt"
			continue
		}
		id, at := gen.Next()
		docs[i] = backend.Document{ID: id, Filename: "orig.txt", UploadedAt: at}
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range docs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = s.Put(ctx, docs[i])
		}()
	}
	close(start)
	wg.Wait()

	stored := map[string]int{}
	for i, err := range errs {
		switch backend.ErrorCode(err) {
		case "":
			stored[docs[i].ID]++
		case backend.ECONFLICT:
		default:
			t.Fatalf("Put %d: %v", i, err)
		}
	}
	unique := n - n/4
	if len(stored) != unique {
		t.Fatalf("%d IDs stored, want %d", len(stored), unique)
	}
	for id, count := range stored {
		if count != 1 {
			t.Fatalf("ID %s acknowledged %d times", id, count)
		}
	}
	page, err := s.List(ctx, backend.ListOptions{Limit: n})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(page.Documents) != unique {
		t.Fatalf("listed %d documents, want %d", len(page.Documents), unique)
	}
}

func TestOpenErrorsNameTheFix(t *testing.T) {
	dir := t.TempDir()
	notADir := filepath.Join(dir, "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(filepath.Join(notADir, "data", "docmeta.db"))
	if err == nil || !strings.Contains(err.Error(), "DOCMETA_DATA_DIR") {
		t.Fatalf("Open under a regular file: err %v, want one naming DOCMETA_DATA_DIR", err)
	}

	path := filepath.Join(dir, "docmeta.db")
	first, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer first.Close()
	// bbolt's flock is per open file, so a second Open in this process
	// meets the lock just as another server process would.
	_, err = Open(path)
	if err == nil || !strings.Contains(err.Error(), "locked by another process") || !strings.Contains(err.Error(), "DOCMETA_DATA_DIR") {
		t.Fatalf("second Open of a locked file: err %v, want a lock error naming DOCMETA_DATA_DIR", err)
	}

	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, bytes.Repeat([]byte("not a bolt file "), 512), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(garbage); err == nil || !strings.Contains(err.Error(), "DOCMETA_DATA_DIR") {
		t.Fatalf("Open of a non-bolt file: err %v, want one naming DOCMETA_DATA_DIR", err)
	}
}

func TestCursorRoundTripAndTampering(t *testing.T) {
	gen := &backend.IDGenerator{}
	id, at := gen.Next()
	c := encodeCursor(backend.Document{ID: id, UploadedAt: at})
	key, err := decodeCursor(c)
	if err != nil {
		t.Fatalf("decodeCursor(encodeCursor(..)): %v", err)
	}
	if want := sortKey(at.Format(backend.TimeLayout), id); !bytes.Equal(key, want) {
		t.Fatalf("cursor key %q, want %q", key, want)
	}
	storetest.RequireDamagedCursorsRefused(t, c, func(s string) error { _, err := decodeCursor(s); return err })
}

func TestIdempotencyContract(t *testing.T) {
	storetest.RunIdempotency(t, func(t *testing.T) (storetest.IdempotentStore, func(*testing.T) storetest.IdempotentStore) {
		path := filepath.Join(t.TempDir(), "docmeta.db")
		s, err := Open(path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s, func(t *testing.T) storetest.IdempotentStore {
			r, err := Open(path)
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			return r
		}
	})
}
