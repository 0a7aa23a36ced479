package bolt

import (
	"context"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/docmeta/docmeta/backend"
)

// TestPutGivesUpWhenItsContextEnds: while the disk is stalled (here: the
// log's fdatasync blocks, so no batch can be acknowledged), Put returns
// EUNAVAILABLE when its context ends instead of hanging the request. The
// abandoned write stays queued and commits once the disk moves again: an
// item may exist without its 201, never a 201 without its item.
func TestPutGivesUpWhenItsContextEnds(t *testing.T) {
	s := openTemp(t)
	release := stallLog(t, s)
	var ids backend.IDGenerator
	doc := backend.Document{Filename: "stalled.txt", SHA256: "00", ContentType: "text/plain"}
	doc.ID, doc.UploadedAt = ids.Next()

	err := putWithShortDeadline(t, s, doc, release)
	if backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Fatalf("Put with a stalled disk returned %v (code %s), want EUNAVAILABLE", err, backend.ErrorCode(err))
	}
	t.Log(err)

	release()
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

// TestReadsGiveUpWhenTheirContextEnds: a commit that grows the file must
// remap it, which waits for every open read transaction, and new reads
// queue behind the remap. With a read held open and such a commit waiting,
// Get and List must return EUNAVAILABLE when their context ends instead of
// hanging the request.
func TestReadsGiveUpWhenTheirContextEnds(t *testing.T) {
	s := openTemp(t)
	t.Cleanup(func() { s.Close() }) // after stallRemap's release
	var ids backend.IDGenerator
	doc := backend.Document{Filename: "a.txt", SHA256: "00", ContentType: "text/plain"}
	doc.ID, doc.UploadedAt = ids.Next()
	if err := s.Put(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	release := stallRemap(t, s)

	for name, read := range map[string]func(context.Context) error{
		"Get":  func(ctx context.Context) error { _, err := s.Get(ctx, doc.ID); return err },
		"List": func(ctx context.Context) error { _, err := s.List(ctx, backend.ListOptions{}); return err },
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		done := make(chan error, 1)
		go func() { done <- read(ctx) }()
		var err error
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			cancel()
			release()
			t.Fatalf("%s still waiting 10 s after its context ended", name)
		}
		cancel()
		if backend.ErrorCode(err) != backend.EUNAVAILABLE {
			t.Fatalf("%s during a stalled remap returned %v (code %s), want EUNAVAILABLE", name, err, backend.ErrorCode(err))
		}
	}
	release()
	if _, err := s.Get(context.Background(), doc.ID); err != nil {
		t.Fatalf("Get after the stall: %v", err)
	}
}

// TestPutGivesUpWhenTheRemapStalls: Put's duplicate check reads bbolt,
// and that read queues behind a remap (a commit that grows the file waits
// for an open read). Put must return EUNAVAILABLE when its context ends,
// not hold the request until the remap is done.
func TestPutGivesUpWhenTheRemapStalls(t *testing.T) {
	s := openTemp(t)
	t.Cleanup(func() { s.Close() }) // after stallRemap's release
	release := stallRemap(t, s)
	var ids backend.IDGenerator
	doc := backend.Document{Filename: "a.txt", SHA256: "00", ContentType: "text/plain"}
	doc.ID, doc.UploadedAt = ids.Next()
	if err := putWithShortDeadline(t, s, doc, release); backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Fatalf("Put during a stalled remap returned %v, want EUNAVAILABLE", err)
	}
	release()
	// The abandoned Put gave its ID back: storing it again works.
	if err := s.Put(context.Background(), doc); err != nil {
		t.Fatalf("Put after the stall: %v", err)
	}
	if _, err := s.Get(context.Background(), doc.ID); err != nil {
		t.Fatalf("Get after the stall: %v", err)
	}
}

// putWithShortDeadline returns the outcome of Put with a 50 ms deadline.
// If Put is still waiting 10 s later, it calls release (to unblock the
// store) and fails the test.
func putWithShortDeadline(t *testing.T, s *Store, doc backend.Document, release func()) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Put(ctx, doc) }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		release()
		t.Fatal("Put still waiting 10 s after its context ended")
		return nil
	}
}

// stallRemap holds a read open while a commit that grows the file waits
// to remap it, so new reads queue, until the returned function (also run
// at cleanup) lets both finish.
func stallRemap(t *testing.T, s *Store) (release func()) {
	t.Helper()
	held, err := s.db.Begin(false)
	if err != nil {
		t.Fatal(err)
	}
	grown := make(chan error, 1)
	go func() {
		// 64 MiB in one commit is past the file's mapping: remap.
		grown <- s.db.Update(func(tx *bbolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists([]byte("scratch"))
			if err != nil {
				return err
			}
			return b.Put([]byte("big"), make([]byte, 64<<20))
		})
	}()
	waitBlocked(t, func() { _ = s.db.View(func(*bbolt.Tx) error { return nil }) })
	var once sync.Once
	release = func() {
		once.Do(func() {
			_ = held.Rollback()
			if err := <-grown; err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(release)
	return release
}

// waitBlocked waits until fn, run in a goroutine, has not returned for
// 100 ms; it fails the test if fn keeps returning for 10 s.
func waitBlocked(t *testing.T, fn func()) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		done := make(chan struct{})
		go func() { fn(); close(done) }()
		select {
		case <-done:
			time.Sleep(5 * time.Millisecond)
		case <-time.After(100 * time.Millisecond):
			return
		}
	}
	t.Fatal("the read never blocked: the remap did not start")
}

// TestBacklogCountsWritesTheLogHasNotSynced: with the disk stalled in the
// log's fdatasync, Puts that give up (their context ends) leave their
// writes queued; the backlog bound must count those too, or every retry
// of a timed-out upload queues one more record, in memory and then in the
// log, without limit.
func TestBacklogCountsWritesTheLogHasNotSynced(t *testing.T) {
	s := openTemp(t)
	t.Cleanup(func() { s.Close() }) // after stallLog's release
	s.backlog = 4
	stallLog(t, s)
	gen := &backend.IDGenerator{}
	for i := 0; i < 12; i++ {
		id, at := gen.Next()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		err := s.Put(ctx, backend.Document{ID: id, Filename: "stalled.txt", UploadedAt: at})
		cancel()
		if backend.ErrorCode(err) != backend.EUNAVAILABLE {
			t.Fatalf("Put %d with the log stalled: %v, want EUNAVAILABLE", i, err)
		}
	}
	s.logged.mu.Lock()
	queued := len(s.logged.pending) + 1 // and the batch in its stalled sync
	s.logged.mu.Unlock()
	if queued > s.backlog {
		t.Fatalf("%d writes queued behind a stalled log, want at most the backlog of %d", queued, s.backlog)
	}
}

// TestClaimsWaitingForAStalledDatabaseAreBounded: a claim waits for its
// bbolt commit in a goroutine that outlives a caller whose context ended.
// With bbolt stuck, every retry of a timed-out idempotent upload would
// queue one more claim (and goroutine) without limit; the backlog bounds
// them as it bounds Puts.
func TestClaimsWaitingForAStalledDatabaseAreBounded(t *testing.T) {
	s := openTemp(t)
	t.Cleanup(func() { s.Close() }) // after stopApplier's release
	s.backlog = 4
	release := stopApplier(t, s)
	gen := &backend.IDGenerator{}
	for i := 0; i < 12; i++ {
		id, at := gen.Next()
		rec := backend.IdempotencyRecord{Key: "k#" + id, DocumentID: id, UploadedAt: at, SHA256: "00", Filename: "s.txt", ExpiresAt: at.Add(time.Hour)}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		_, _, err := s.Claim(ctx, rec, at)
		cancel()
		if backend.ErrorCode(err) != backend.EUNAVAILABLE {
			t.Fatalf("Claim %d with bbolt stuck: %v, want EUNAVAILABLE", i, err)
		}
	}
	s.applier.mu.Lock()
	queued := s.applier.fns
	s.applier.mu.Unlock()
	if queued > s.backlog {
		t.Fatalf("%d claims queued behind a stuck database, want at most the backlog of %d", queued, s.backlog)
	}
	release()
	id, at := gen.Next()
	rec := backend.IdempotencyRecord{Key: "k#after", DocumentID: id, UploadedAt: at, SHA256: "00", Filename: "s.txt", ExpiresAt: at.Add(time.Hour)}
	if _, ok, err := s.Claim(context.Background(), rec, at); err != nil || !ok {
		t.Fatalf("Claim once bbolt moved: claimed %v, %v", ok, err)
	}
}

// TestPutsWhoseContextEndsAnywhereLeaveNoReservation: Puts of a few
// shared IDs from many goroutines, each with a deadline that ends at a
// different stage (admission, waiting for a write of the same ID, the
// duplicate check, the log sync). Afterwards no ID stays reserved (a
// leaked reservation would refuse its ID and fill the backlog for ever),
// each acknowledged ID is stored, and each ID at most once.
func TestPutsWhoseContextEndsAnywhereLeaveNoReservation(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	gen := &backend.IDGenerator{}
	docs := make([]backend.Document, 40)
	for i := range docs {
		id, at := gen.Next()
		docs[i] = backend.Document{ID: id, Filename: "d.txt", UploadedAt: at}
	}
	var mu sync.Mutex
	acked := map[string]bool{}
	var wg sync.WaitGroup
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				doc := docs[(w*7+i)%len(docs)]
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration((w+i)%8)*100*time.Microsecond)
				err := s.Put(ctx, doc)
				cancel()
				switch backend.ErrorCode(err) {
				case "":
					mu.Lock()
					if acked[doc.ID] {
						t.Errorf("%s acknowledged twice", doc.ID)
					}
					acked[doc.ID] = true
					mu.Unlock()
				case backend.ECONFLICT, backend.EUNAVAILABLE:
				default:
					t.Errorf("Put: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	waitFor(t, "every reservation to be released", func() bool { return s.pending() == 0 })
	for id := range acked {
		if _, err := s.Get(context.Background(), id); err != nil {
			t.Fatalf("acknowledged %s: %v", id, err)
		}
	}
	t.Logf("%d of %d IDs acknowledged", len(acked), len(docs))
}
