package httpapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
)

// stalledStore is a store whose disk or network has stopped answering:
// every call blocks until its context ends and then fails with the
// context's error, wrapped as a store would wrap an I/O error (no backend
// code, so only the deadline tells the handler what happened).
type stalledStore struct {
	calls atomic.Int32
}

func (s *stalledStore) wait(ctx context.Context, op string) error {
	s.calls.Add(1)
	select {
	case <-ctx.Done():
		return fmt.Errorf("stalled store: %s: %w", op, ctx.Err())
	case <-time.After(time.Minute):
		return fmt.Errorf("stalled store: %s: the handler passed no deadline", op)
	}
}

func (s *stalledStore) Put(ctx context.Context, _ backend.Document) error { return s.wait(ctx, "put") }
func (s *stalledStore) Get(ctx context.Context, _ string) (backend.Document, error) {
	return backend.Document{}, s.wait(ctx, "get")
}
func (s *stalledStore) List(ctx context.Context, _ backend.ListOptions) (backend.Page, error) {
	return backend.Page{}, s.wait(ctx, "list")
}
func (s *stalledStore) Close() error { return nil }

// TestStalledStoreIs503: a store call that outlives StoreTimeout is
// answered 503 with Retry-After (the store is unavailable, the client may
// retry), never 500 and never a hang, for uploads and reads alike.
func TestStalledStoreIs503(t *testing.T) {
	store := &stalledStore{}
	ts := startServer(t, func(c *Config) {
		c.Store = store
		c.StoreTimeout = 50 * time.Millisecond
	})
	ct, body := multipartBody(t, [3]string{"file", "a.txt", "hello"})
	for _, req := range []struct {
		method, path, ctype string
		body                io.Reader
	}{
		{"POST", "/upload", ct, body},
		{"GET", "/documents", "", nil},
		{"GET", "/documents/0192f3a0-0000-7000-8000-000000000000", "", nil},
	} {
		resp := ts.do(req.method, req.path, req.ctype, req.body, "")
		if resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s: 503 without Retry-After", req.method, req.path)
		}
		msg := wantError(t, resp, http.StatusServiceUnavailable, backend.EUNAVAILABLE)
		t.Logf("%s %s: %s", req.method, req.path, msg)
	}
	if n := store.calls.Load(); n != 3 {
		t.Fatalf("%d store calls, want 3 (each request must reach the store)", n)
	}
}
