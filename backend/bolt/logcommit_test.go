package bolt

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
)

// TestLonePutsSyncOneByOne: with no other write in progress, each Put is a
// log batch of its own, written at once (no waiting for company).
func TestLonePutsSyncOneByOne(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	gen := &backend.IDGenerator{}
	for i := 0; i < 10; i++ {
		id, at := gen.Next()
		if err := s.Put(context.Background(), backend.Document{ID: id, Filename: "a.txt", UploadedAt: at}); err != nil {
			t.Fatalf("Put %d: %v", i, err)
		}
	}
	if n := s.logged.syncs.Load(); n != 10 {
		t.Fatalf("10 sequential Puts used %d log syncs, want 10", n)
	}
}

// TestWritesArrivingDuringASyncShareTheNext: while one log sync is stuck
// (a stalled disk), every Put that arrives queues; when the sync returns,
// all of them go into one batch and one sync.
func TestWritesArrivingDuringASyncShareTheNext(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	release := stallLog(t, s)
	ctx := context.Background()
	gen := &backend.IDGenerator{}
	id, at := gen.Next()
	first := make(chan error, 1)
	go func() { first <- s.Put(ctx, backend.Document{ID: id, Filename: "first.txt", UploadedAt: at}) }()
	waitFor(t, "the first Put to start its sync", func() bool { return s.logged.syncs.Load() == 1 })

	const n = 32
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range errs {
		id, at := gen.Next()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Put(ctx, backend.Document{ID: id, Filename: "queued.txt", UploadedAt: at})
		}()
	}
	waitFor(t, "all Puts to queue", func() bool {
		s.logged.mu.Lock()
		defer s.logged.mu.Unlock()
		return len(s.logged.pending) == n
	})
	release()
	wg.Wait()
	if err := <-first; err != nil {
		t.Fatalf("first Put: %v", err)
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Put %d: %v", i, err)
		}
	}
	if got := s.logged.syncs.Load(); got != 2 {
		t.Fatalf("%d log syncs for %d Puts (1 syncing, %d queued), want 2", got, n+1, n)
	}
	page, err := s.List(ctx, backend.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Documents) != n+1 {
		t.Fatalf("listed %d documents, want %d", len(page.Documents), n+1)
	}
}

// TestOversizedIDIsRefusedBeforeLogging: a document bbolt could never
// store must not be acknowledged; it fails alone and the store goes on.
func TestOversizedIDIsRefusedBeforeLogging(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	ctx := context.Background()
	_, at := (&backend.IDGenerator{}).Next()
	err := s.Put(ctx, backend.Document{ID: strings.Repeat("x", 40000), Filename: "big.txt", UploadedAt: at})
	if backend.ErrorCode(err) != backend.EINVALID {
		t.Fatalf("Put of a 40,000-byte ID: %v, want EINVALID", err)
	}
	if n := s.logged.syncs.Load(); n != 0 {
		t.Fatalf("the refused document was logged (%d syncs)", n)
	}
	id, at := (&backend.IDGenerator{}).Next()
	if err := s.Put(ctx, backend.Document{ID: id, Filename: "next.txt", UploadedAt: at}); err != nil {
		t.Fatalf("Put after the refused one: %v", err)
	}
}

// TestFailedLogSyncAcknowledgesNothingAndLeavesNoGap: when a log sync
// fails, its Puts fail, their IDs are free again, and the next batch
// reuses the same place in the log, so every later acknowledged document
// is found by a recovery.
func TestFailedLogSyncAcknowledgesNothingAndLeavesNoGap(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	t.Cleanup(func() { s.Close() }) // after stopApplier's release
	ctx := context.Background()
	gen := &backend.IDGenerator{}
	scriptLogSync(t, s, func(n int) (bool, error) {
		if n == 1 {
			return false, os.ErrDeadlineExceeded // any error: the disk refused
		}
		return false, nil
	})
	id, at := gen.Next()
	doc := backend.Document{ID: id, Filename: "failed.txt", UploadedAt: at}
	err := s.Put(ctx, doc)
	if backend.ErrorCode(err) != backend.EUNAVAILABLE || !strings.Contains(backend.ErrorMessage(err), "DOCMETA_DATA_DIR") {
		t.Fatalf("Put whose log sync failed: %v, want EUNAVAILABLE naming DOCMETA_DATA_DIR", err)
	}
	if err := s.Put(ctx, doc); err != nil {
		t.Fatalf("retrying the same document after a failed sync: %v", err)
	}
	acked := []string{id}
	stopApplier(t, s)
	for i := 0; i < 5; i++ {
		id, at := gen.Next()
		if err := s.Put(ctx, backend.Document{ID: id, Filename: "later.txt", UploadedAt: at}); err != nil {
			t.Fatal(err)
		}
		acked = append(acked, id)
	}
	crashed := copyStoreFiles(t, dir)
	r := openAt(t, crashed)
	defer r.Close()
	for _, id := range acked {
		if _, err := r.Get(ctx, id); err != nil {
			t.Fatalf("acknowledged %s not recovered: %v", id, err)
		}
	}
}

// stallLog makes the store's log syncs block until the returned function
// is called (a stalled disk). Calling it again does nothing.
func stallLog(t *testing.T, s *Store) (release func()) {
	t.Helper()
	return scriptLogSync(t, s, func(int) (bool, error) { return true, nil })
}

// scriptLogSync replaces the store's log sync (a disk that stalls or
// fails on cue): sync number n (from 1) first waits until release is
// called if step(n) says so, then returns step's error, or syncs when it
// is nil. Calling release again does nothing.
func scriptLogSync(t *testing.T, s *Store, step func(n int) (wait bool, err error)) (release func()) {
	t.Helper()
	gate := make(chan struct{})
	disk := s.log.sync
	n := 0 // only the committer syncs, one call at a time
	s.log.sync = func(f *os.File) error {
		n++
		wait, err := step(n)
		if wait {
			<-gate
		}
		if err != nil {
			return err
		}
		return disk(f)
	}
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release)
	return release
}

func openAt(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(filepath.Join(dir, "docmeta.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
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

// TestConflictIsOnlyReportedForAStoredDocument: a Put of an ID whose first
// write is still in its log sync must not answer ECONFLICT ("already
// exists") before that write is durable: the write may fail, and a read
// that starts after the ECONFLICT must find the document.
func TestConflictIsOnlyReportedForAStoredDocument(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	ctx := context.Background()
	open := scriptLogSync(t, s, func(n int) (bool, error) {
		if n == 1 {
			return true, os.ErrDeadlineExceeded // the disk refuses the first batch, late
		}
		return false, nil
	})
	id, at := (&backend.IDGenerator{}).Next()
	doc := backend.Document{ID: id, Filename: "twice.txt", UploadedAt: at}
	first := make(chan error, 1)
	go func() { first <- s.Put(ctx, doc) }()
	waitFor(t, "the first Put to start its sync", func() bool { return s.logged.syncs.Load() == 1 })
	second := make(chan error, 1)
	go func() { second <- s.Put(ctx, doc) }()
	select {
	case err := <-second:
		if backend.ErrorCode(err) == backend.ECONFLICT {
			open()
			<-first
			if _, gerr := s.Get(ctx, id); gerr != nil {
				t.Fatalf("Put answered %v while the first write was not durable; a read after it: %v", err, gerr)
			}
			return
		}
	case <-time.After(200 * time.Millisecond):
		// Still waiting for the first write's outcome: right. (A slow
		// machine can only make this test pass, never fail, here.)
	}
	open()
	if err := <-first; err == nil {
		t.Fatal("the first Put succeeded although its sync failed")
	}
	if err := <-second; err != nil {
		t.Fatalf("second Put after the first failed: %v", err)
	}
	if _, err := s.Get(ctx, id); err != nil {
		t.Fatalf("Get after the second Put succeeded: %v", err)
	}
}

// TestFailedBatchIsNotReplayedBehindALaterOne: records of a batch whose
// sync failed stay in the segment after the place the next batch reuses.
// When that batch is shorter, the failed records behind it continue its
// chain (their sequence numbers follow on), so the next Open stored
// documents whose Put had failed and whose IDs had been given back.
func TestFailedBatchIsNotReplayedBehindALaterOne(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	gen := &backend.IDGenerator{}
	failed := failBatchOfThree(t, s, gen)
	putNew(t, s, gen) // one record where the failed three begin
	requireNotReplayed(t, s, dir, failed)
}

// TestFailedBatchIsNotReplayedAfterASegmentSwitch: when the batch after a
// failed one does not fit in the segment and goes to the other, the failed
// records stay complete at the end of the first segment's chain, and the
// next Open stored them.
func TestFailedBatchIsNotReplayedAfterASegmentSwitch(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	gen := &backend.IDGenerator{}
	failed := failBatchOfThree(t, s, gen)
	seg := s.log.segs[s.log.active]
	seg.size = seg.off // the segment is full where the failed batch began
	putNew(t, s, gen)
	if s.log.active != 1 {
		t.Fatal("the write after the failed batch did not go to the other segment")
	}
	requireNotReplayed(t, s, dir, failed)
}

// failBatchOfThree makes the log's second sync fail for a batch of three
// Puts, and returns their IDs. Their records are the size putNew's are.
func failBatchOfThree(t *testing.T, s *Store, gen *backend.IDGenerator) (failed []string) {
	t.Helper()
	ctx := context.Background()
	open := scriptLogSync(t, s, func(n int) (bool, error) {
		switch n {
		case 1:
			return true, nil // the first batch waits while three Puts queue behind it
		case 2:
			return false, os.ErrDeadlineExceeded // the disk refuses the three
		}
		return false, nil
	})
	defer open()
	put := func(id string, at time.Time) error {
		return s.Put(ctx, backend.Document{ID: id, Filename: "w.txt", SHA256: "00", UploadedAt: at}) // as putNew
	}
	id, at := gen.Next()
	first := make(chan error, 1)
	go func() { first <- put(id, at) }()
	waitFor(t, "the first Put to start its sync", func() bool { return s.logged.syncs.Load() == 1 })
	failed = make([]string, 3)
	errs := make(chan error, len(failed))
	for i := range failed {
		id, at := gen.Next()
		failed[i] = id
		go func() { errs <- put(id, at) }()
	}
	waitFor(t, "three Puts to queue", func() bool {
		s.logged.mu.Lock()
		defer s.logged.mu.Unlock()
		return len(s.logged.pending) == len(failed)
	})
	open()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for range failed {
		if err := <-errs; err == nil {
			t.Fatal("a Put succeeded although its log sync failed")
		}
	}
	return failed
}

// requireNotReplayed closes s, opens the store at dir again and fails if
// any of the failed IDs is stored.
func requireNotReplayed(t *testing.T, s *Store, dir string, failed []string) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r := openAt(t, dir)
	defer r.Close()
	for _, id := range failed {
		if _, err := r.Get(context.Background(), id); err == nil {
			t.Fatalf("document %s, whose Put failed, is stored after reopening (%d replayed)", id, r.Recovered())
		}
	}
}
