package bolt

import (
	"context"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
)

// TestPutGivesUpWhenItsContextEnds: while the disk is stalled (here: a
// write transaction held open, so no batch can commit), Put returns
// EUNAVAILABLE when its context ends instead of hanging the request. The
// abandoned write stays queued and commits once the disk moves again: an
// item may exist without its 201, never a 201 without its item.
func TestPutGivesUpWhenItsContextEnds(t *testing.T) {
	s := openTemp(t)
	stall, err := s.db.Begin(true)
	if err != nil {
		t.Fatal(err)
	}
	var ids backend.IDGenerator
	doc := backend.Document{Filename: "stalled.txt", SHA256: "00", ContentType: "text/plain"}
	doc.ID, doc.UploadedAt = ids.Next()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Put(ctx, doc) }()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		_ = stall.Rollback()
		t.Fatal("Put still waiting 10 s after its context ended")
	}
	if backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Fatalf("Put with a stalled disk returned %v (code %s), want EUNAVAILABLE", err, backend.ErrorCode(err))
	}
	t.Log(err)

	if err := stall.Rollback(); err != nil {
		t.Fatal(err)
	}
	// The write was not cancelled, only no longer awaited: it lands.
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := s.Get(context.Background(), doc.ID)
		if err == nil {
			if got.Filename != doc.Filename {
				t.Fatalf("stored %+v", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the abandoned write never committed: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
