package bolt

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
)

// TestAcknowledgedWritesDoNotWaitForBbolt: with bbolt's writer stuck (a
// write transaction held open), Puts are still acknowledged from the log,
// a read waits for bbolt to catch up and gives up with EUNAVAILABLE when
// its context ends, and once bbolt moves the read finds the document.
func TestAcknowledgedWritesDoNotWaitForBbolt(t *testing.T) {
	s := openTemp(t)
	t.Cleanup(func() { s.Close() }) // after stopApplier's release
	ctx := context.Background()
	release := stopApplier(t, s)
	id, at := (&backend.IDGenerator{}).Next()
	if err := s.Put(ctx, backend.Document{ID: id, Filename: "a.txt", UploadedAt: at}); err != nil {
		t.Fatalf("Put with bbolt stuck: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := s.Get(short, id); backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Fatalf("Get before bbolt holds the document: %v, want EUNAVAILABLE", err)
	}
	release()
	if _, err := s.Get(ctx, id); err != nil {
		t.Fatalf("Get once bbolt moved: %v", err)
	}
}

// TestApplierCarriesManyDocumentsPerCommit: documents acknowledged while
// bbolt was stuck, and a claim queued behind them, reach bbolt in at most
// two transactions (the first may have started with the first document).
func TestApplierCarriesManyDocumentsPerCommit(t *testing.T) {
	s := openTemp(t)
	t.Cleanup(func() { s.Close() }) // after stopApplier's release
	ctx := context.Background()
	release := stopApplier(t, s)
	gen := &backend.IDGenerator{}
	var ids []string
	for i := 0; i < 20; i++ {
		id, at := gen.Next()
		if err := s.Put(ctx, backend.Document{ID: id, Filename: "q.txt", UploadedAt: at}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	// The delayed commit of the documents has started and waits for
	// bbolt, so the claim queues behind it.
	waitFor(t, "the applier to start", func() bool {
		s.applier.mu.Lock()
		defer s.applier.mu.Unlock()
		return s.applier.running
	})
	claimed := make(chan error, 1)
	go func() {
		_, at := gen.Next()
		rec := backend.IdempotencyRecord{Key: "k#1", DocumentID: ids[0], UploadedAt: at, SHA256: "00", Filename: "q.txt", ExpiresAt: at.Add(time.Hour)}
		_, ok, err := s.Claim(ctx, rec, at)
		if err == nil && !ok {
			err = errors.New("a new key was not claimed")
		}
		claimed <- err
	}()
	waitFor(t, "the claim to queue", func() bool {
		s.applier.mu.Lock()
		defer s.applier.mu.Unlock()
		return len(s.applier.queue) > 0 && s.applier.queue[len(s.applier.queue)-1].fn != nil
	})
	before := s.applier.transactions.Load()
	release()
	if err := <-claimed; err != nil {
		t.Fatal(err)
	}
	if n := s.applier.transactions.Load() - before; n > 2 {
		t.Fatalf("20 documents and a claim took %d more transactions, want at most 2", n)
	}
	for _, id := range ids {
		if _, err := s.Get(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBacklogBoundsUnappliedDocuments: when bbolt is stuck, Puts are
// acknowledged up to the backlog bound, then wait (and give up with
// EUNAVAILABLE when their context ends) until bbolt moves again.
func TestBacklogBoundsUnappliedDocuments(t *testing.T) {
	s := openTemp(t)
	t.Cleanup(func() { s.Close() }) // after stopApplier's release
	s.backlog = 4
	ctx := context.Background()
	release := stopApplier(t, s)
	gen := &backend.IDGenerator{}
	for i := 0; i < 4; i++ {
		id, at := gen.Next()
		if err := s.Put(ctx, backend.Document{ID: id, Filename: "b.txt", UploadedAt: at}); err != nil {
			t.Fatalf("Put %d within the backlog: %v", i, err)
		}
	}
	id, at := gen.Next()
	doc := backend.Document{ID: id, Filename: "over.txt", UploadedAt: at}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := s.Put(short, doc); backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Fatalf("Put over the backlog: %v, want EUNAVAILABLE", err)
	}
	release()
	if err := s.Put(ctx, doc); err != nil {
		t.Fatalf("Put once bbolt moved: %v", err)
	}
}

// TestFailingDatabaseRefusesPutsAndRecovers: while bbolt refuses commits
// (a full disk), the acknowledged documents wait in the log and are tried
// again, new Puts are refused with a message that names the data
// directory, and everything lands once bbolt accepts writes again.
func TestFailingDatabaseRefusesPutsAndRecovers(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	ctx := context.Background()
	var mu sync.Mutex
	refuse := errors.New("no space left on device")
	s.applier.inject = func() error { mu.Lock(); defer mu.Unlock(); return refuse }
	gen := &backend.IDGenerator{}
	id, at := gen.Next()
	if err := s.Put(ctx, backend.Document{ID: id, Filename: "first.txt", UploadedAt: at}); err != nil {
		t.Fatalf("Put while bbolt fails (the log still works): %v", err)
	}
	waitFor(t, "the applier to report the failure", func() bool { return s.applier.failing() != nil })
	id2, at2 := gen.Next()
	err := s.Put(ctx, backend.Document{ID: id2, Filename: "second.txt", UploadedAt: at2})
	if backend.ErrorCode(err) != backend.EUNAVAILABLE || !strings.Contains(backend.ErrorMessage(err), "DOCMETA_DATA_DIR") {
		t.Fatalf("Put while bbolt fails: %v, want EUNAVAILABLE naming DOCMETA_DATA_DIR", err)
	}
	mu.Lock()
	refuse = nil
	mu.Unlock()
	if _, err := s.Get(ctx, id); err != nil {
		t.Fatalf("Get after bbolt recovered: %v", err)
	}
	if err := s.Put(ctx, backend.Document{ID: id2, Filename: "second.txt", UploadedAt: at2}); err != nil {
		t.Fatalf("Put after bbolt recovered: %v", err)
	}
}

// TestPutAfterCloseFails: Close waits for queued writes, later ones fail,
// as 503s (EUNAVAILABLE): a server shutting down, not a server error.
func TestPutAfterCloseFails(t *testing.T) {
	s := openTemp(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	id, at := (&backend.IDGenerator{}).Next()
	if err := s.Put(context.Background(), backend.Document{ID: id, UploadedAt: at}); backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Fatalf("Put after Close: %v, want EUNAVAILABLE (a server shutting down)", err)
	}
	if _, err := s.Get(context.Background(), id); backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Fatalf("Get after Close: %v, want EUNAVAILABLE (a server shutting down)", err)
	}
	rec := backend.IdempotencyRecord{Key: "k#1", DocumentID: id, UploadedAt: at, SHA256: "00", Filename: "c.txt", ExpiresAt: at.Add(time.Hour)}
	if _, _, err := s.Claim(context.Background(), rec, at); backend.ErrorCode(err) != backend.EUNAVAILABLE {
		t.Fatalf("Claim after Close: %v, want EUNAVAILABLE (a server shutting down)", err)
	}
}

// TestCloseDuringPutsKeepsEveryAcknowledgedWrite: Puts racing with Close
// either succeed, and are then in the file, or fail; Close neither hangs
// nor loses an acknowledged write.
func TestCloseDuringPutsKeepsEveryAcknowledgedWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docmeta.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	gen := &backend.IDGenerator{}
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				id, at := gen.Next()
				if err := s.Put(context.Background(), backend.Document{ID: id, Filename: "c.txt", UploadedAt: at}); err != nil {
					return
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		}()
	}
	waitFor(t, "some writes to be acknowledged", func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 32 })
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wg.Wait()
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, id := range acked {
		if _, err := s.Get(context.Background(), id); err != nil {
			t.Fatalf("acknowledged %s is not in the file after Close: %v", id, err)
		}
	}
	t.Logf("%d writes acknowledged before and during Close, all present after reopening", len(acked))
}

// TestClaimQueuedWhileClosingAFailingStoreReturns: a claim that waits in
// the applier's queue when Close gives up on a failing database file must
// get an answer, not wait for ever (with the request's goroutine).
func TestClaimQueuedWhileClosingAFailingStoreReturns(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	inTx := make(chan struct{}, 16)
	unblock := make(chan struct{})
	s.applier.inject = func() error {
		inTx <- struct{}{}
		<-unblock
		return errors.New("no space left on device")
	}
	gen := &backend.IDGenerator{}
	putNew(t, s, gen)
	<-inTx // the document's commit is under way (and will fail)
	claimed := make(chan error, 1)
	go func() {
		_, at := gen.Next()
		rec := backend.IdempotencyRecord{Key: "k#1", DocumentID: "d", UploadedAt: at, SHA256: "00", Filename: "c.txt", ExpiresAt: at.Add(time.Hour)}
		_, _, err := s.Claim(ctx, rec, at)
		claimed <- err
	}()
	waitFor(t, "the claim to queue", func() bool {
		s.applier.mu.Lock()
		defer s.applier.mu.Unlock()
		return s.applier.fns == 1
	})
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	waitFor(t, "Close to start", func() bool {
		s.applier.mu.Lock()
		defer s.applier.mu.Unlock()
		return s.applier.closed
	})
	close(unblock)
	select {
	case err := <-claimed:
		if err == nil {
			t.Fatal("the claim succeeded although no commit could be written")
		}
		t.Log(err)
	case <-time.After(30 * time.Second):
		t.Fatal("Claim still waiting 30 s after Close gave up on the failing database")
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
}

// TestReadAfterClosingAFailingStoreReturns: when Close leaves documents
// in the log because bbolt refuses commits, a later read cannot be
// served; it must fail, not wait for a commit that nothing will make.
func TestReadAfterClosingAFailingStoreReturns(t *testing.T) {
	s := openTemp(t)
	s.applier.inject = func() error { return errors.New("no space left on device") }
	id := putNew(t, s, &backend.IDGenerator{})
	waitFor(t, "the applier to report the failure", func() bool { return s.applier.failing() != nil })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	read := make(chan error, 1)
	go func() { _, err := s.Get(context.Background(), id); read <- err }()
	select {
	case err := <-read:
		if err == nil {
			t.Fatal("Get after Close found a document bbolt never received")
		}
		t.Log(err)
	case <-time.After(30 * time.Second):
		t.Fatal("Get still waiting 30 s after Close")
	}
}

// TestCloseDuringPutsReadsAndClaimsReturnsEveryCall: Puts, reads and
// claims racing with Close each return (none waits for ever) and every
// acknowledged document is in the file afterwards.
func TestCloseDuringPutsReadsAndClaimsReturnsEveryCall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docmeta.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	gen := &backend.IDGenerator{}
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	for w := 0; w < 24; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				id, at := gen.Next()
				var err error
				switch w % 3 {
				case 0:
					if err = s.Put(ctx, backend.Document{ID: id, Filename: "c.txt", UploadedAt: at}); err == nil {
						mu.Lock()
						acked = append(acked, id)
						mu.Unlock()
					}
				case 1:
					_, err = s.List(ctx, backend.ListOptions{Limit: 5})
				case 2:
					rec := backend.IdempotencyRecord{Key: "k#" + id, DocumentID: id, UploadedAt: at, SHA256: "00", Filename: "c.txt", ExpiresAt: at.Add(time.Hour)}
					_, _, err = s.Claim(ctx, rec, at)
				}
				if err != nil {
					if backend.ErrorCode(err) != backend.EUNAVAILABLE {
						t.Errorf("call racing with Close: %v, want EUNAVAILABLE", err)
					}
					return
				}
			}
		}()
	}
	waitFor(t, "some writes to be acknowledged", func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 32 })
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		t.Fatal("calls still running 30 s after Close")
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, id := range acked {
		if _, err := r.Get(ctx, id); err != nil {
			t.Fatalf("acknowledged %s is not in the file after Close: %v", id, err)
		}
	}
}

// TestCloseWithAFailingDatabaseKeepsDocumentsInTheLog: documents
// acknowledged while bbolt refuses commits are still in the log when
// Close gives up on them, and the next Open stores them.
func TestCloseWithAFailingDatabaseKeepsDocumentsInTheLog(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	s.applier.inject = func() error { return errors.New("no space left on device") }
	gen := &backend.IDGenerator{}
	id := putNew(t, s, gen)
	waitFor(t, "the applier to report the failure", func() bool { return s.applier.failing() != nil })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r := openAt(t, dir)
	defer r.Close()
	if r.Recovered() != 1 {
		t.Errorf("Recovered() = %d, want the 1 document bbolt refused", r.Recovered())
	}
	if _, err := r.Get(context.Background(), id); err != nil {
		t.Fatalf("acknowledged %s lost when Close met a failing database: %v", id, err)
	}
}

// stopApplier holds a bbolt write transaction open, so the applier cannot
// commit, until the returned function (also run at cleanup) rolls it back.
func stopApplier(t *testing.T, s *Store) (release func()) {
	t.Helper()
	held, err := s.db.Begin(true)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() { once.Do(func() { _ = held.Rollback() }) }
	t.Cleanup(release)
	return release
}

// TestEveryReadSeesTheWritesAcknowledgedBeforeIt: under concurrent
// writers, a Get that starts after a Put returned finds the document,
// though bbolt receives it up to applyDelay later.
func TestEveryReadSeesTheWritesAcknowledgedBeforeIt(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	ctx := context.Background()
	gen := &backend.IDGenerator{}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				id, at := gen.Next()
				if err := s.Put(ctx, backend.Document{ID: id, Filename: "r.txt", UploadedAt: at}); err != nil {
					errs <- err
					return
				}
				if _, err := s.Get(ctx, id); err != nil {
					errs <- fmt.Errorf("Get right after its Put returned: %w", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestConcurrentClosesCloseOnce: Close called from several goroutines at
// once returns for all of them, with one outcome, and closes the files once.
func TestConcurrentClosesCloseOnce(t *testing.T) {
	s := openTemp(t)
	putNew(t, s, &backend.IDGenerator{})
	errs := make([]error, 8)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = s.Close() }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Close %d: %v", i, err)
		}
	}
}
