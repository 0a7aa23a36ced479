package bolt

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/docmeta/docmeta/backend"
)

// TestLonePutsCommitOneByOne: with no other write in progress, each Put is
// its own transaction, started at once (no waiting for company).
func TestLonePutsCommitOneByOne(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	gen := &backend.IDGenerator{}
	for i := 0; i < 10; i++ {
		id, at := gen.Next()
		if err := s.Put(context.Background(), backend.Document{ID: id, Filename: "a.txt", UploadedAt: at}); err != nil {
			t.Fatalf("Put %d: %v", i, err)
		}
	}
	if n := s.commits.transactions.Load(); n != 10 {
		t.Fatalf("10 sequential Puts used %d transactions, want 10", n)
	}
}

// TestWritesArrivingDuringACommitShareTheNext: while one commit is stuck
// (a write transaction held open stands in for a slow fsync), every Put
// that arrives queues; when the commit returns, all of them go into one
// transaction. A write bbolt refuses (a key over its size limit) fails
// alone and the rest of its batch is stored.
func TestWritesArrivingDuringACommitShareTheNext(t *testing.T) {
	s, stall := stalledStore(t)
	defer s.Close()
	ctx := context.Background()
	gen := &backend.IDGenerator{}
	id, at := gen.Next()
	first := make(chan error, 1)
	go func() { first <- s.Put(ctx, backend.Document{ID: id, Filename: "first.txt", UploadedAt: at}) }()
	waitFor(t, "the first Put to start its commit", func() bool { return s.commits.transactions.Load() == 1 })

	const n = 32
	docs := make([]backend.Document, n)
	for i := range docs {
		id, at := gen.Next()
		docs[i] = backend.Document{ID: id, Filename: "queued.txt", UploadedAt: at}
	}
	docs[7].ID = strings.Repeat("x", 40000) // over bbolt's 32 KiB key limit
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range docs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = s.Put(ctx, docs[i]) }()
	}
	waitFor(t, "all Puts to queue", func() bool {
		s.commits.mu.Lock()
		defer s.commits.mu.Unlock()
		return len(s.commits.pending) == n
	})
	if err := stall.Rollback(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatalf("first Put: %v", err)
	}
	for i, err := range errs {
		if (err != nil) != (i == 7) {
			t.Fatalf("Put %d: err %v; want an error only for the oversized ID", i, err)
		}
	}
	// 1 (first) + 1 (the failed shared batch) + n retried alone.
	if got, want := s.commits.transactions.Load(), int64(2+n); got != want {
		t.Fatalf("%d transactions, want %d", got, want)
	}
	page, err := s.List(ctx, backend.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Documents) != n {
		t.Fatalf("listed %d documents, want %d", len(page.Documents), n)
	}
}

// TestQueuedWritesShareOneTransaction: the same queueing without a failing
// write costs exactly one more transaction for the whole queue.
func TestQueuedWritesShareOneTransaction(t *testing.T) {
	s, stall := stalledStore(t)
	defer s.Close()
	ctx := context.Background()
	gen := &backend.IDGenerator{}
	const n = 33
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		id, at := gen.Next()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Put(ctx, backend.Document{ID: id, Filename: "q.txt", UploadedAt: at})
		}()
	}
	waitFor(t, "one commit running and the rest queued", func() bool {
		s.commits.mu.Lock()
		defer s.commits.mu.Unlock()
		return s.commits.transactions.Load() == 1 && len(s.commits.pending) == n-1
	})
	if err := stall.Rollback(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Put %d: %v", i, err)
		}
	}
	if got := s.commits.transactions.Load(); got != 2 {
		t.Fatalf("%d transactions for %d Puts (1 running, %d queued), want 2", got, n, n-1)
	}
}

// TestPutAfterCloseFails: Close waits for queued writes, later ones fail.
func TestPutAfterCloseFails(t *testing.T) {
	s := openTemp(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	id, at := (&backend.IDGenerator{}).Next()
	if err := s.Put(context.Background(), backend.Document{ID: id, UploadedAt: at}); err == nil {
		t.Fatal("Put after Close succeeded")
	}
}

// stalledStore opens a store whose commits cannot proceed: a write
// transaction held open stands in for a slow fsync until the test rolls
// it back.
func stalledStore(t *testing.T) (*Store, *bbolt.Tx) {
	t.Helper()
	s := openTemp(t)
	stall, err := s.db.Begin(true)
	if err != nil {
		t.Fatal(err)
	}
	return s, stall
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
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

// TestClaimSharesTheGroupCommit: an idempotency claim queued while a
// commit runs goes into the same next transaction as the queued Put, with
// no batch timer of its own.
func TestClaimSharesTheGroupCommit(t *testing.T) {
	s, stall := stalledStore(t)
	defer s.Close()
	ctx := context.Background()
	gen := &backend.IDGenerator{}
	id1, at1 := gen.Next()
	id2, at2 := gen.Next()
	errs := make(chan error, 3)
	go func() { errs <- s.Put(ctx, backend.Document{ID: id1, Filename: "a.txt", UploadedAt: at1}) }()
	waitFor(t, "the first commit to start", func() bool { return s.commits.transactions.Load() == 1 })
	go func() { errs <- s.Put(ctx, backend.Document{ID: id2, Filename: "b.txt", UploadedAt: at2}) }()
	go func() {
		rec := backend.IdempotencyRecord{Key: "k#1", DocumentID: id2, UploadedAt: at2, SHA256: "00", Filename: "b.txt", ExpiresAt: at2.Add(time.Hour)}
		_, claimed, err := s.Claim(ctx, rec, at2)
		if err == nil && !claimed {
			err = errors.New("claim of a new key not claimed")
		}
		errs <- err
	}()
	waitFor(t, "the Put and the claim to queue", func() bool {
		s.commits.mu.Lock()
		defer s.commits.mu.Unlock()
		return len(s.commits.pending) == 2
	})
	if err := stall.Rollback(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := s.commits.transactions.Load(); got != 2 {
		t.Fatalf("%d transactions, want 2 (the first Put, then the queued Put and claim together)", got)
	}
}
