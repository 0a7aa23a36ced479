package bolt

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// applier copies logged documents into bbolt behind the write-ahead log,
// and runs the store's other writes (idempotency claims) in the same
// transactions, in the order they were queued: a claim queued after a
// document was acknowledged sees it.
//
// Documents are acknowledged before they get here, so nobody waits for a
// commit that only carries documents: such a commit starts applyDelay
// after the first of them arrived and carries all that came meanwhile.
// Fewer, larger bbolt commits (two fsyncs each) leave the disk to the log
// syncs that clients do wait for: at 16 connections a delay lifted the
// rate from 7,367 to 9,493 uploads/s (make bench, one round each, same
// machine load; README has the final figures). A commit starts at once
// when someone waits for it: a read (waitApplied: a read sees every
// document acknowledged before it started), a claim, Close, or a backlog
// of applyBatch documents.
type applier struct {
	db *bbolt.DB
	// released receives the records of each commit once bbolt holds them.
	released func([]*logRecord)

	mu      sync.Mutex
	queue   []*applyItem
	records int // records in queue
	fns     int // other writes in queue
	waiters int // reads waiting in waitApplied
	running bool
	closed  bool
	idle    sync.Cond
	timer   *time.Timer // the delayed start of a commit, if one is set
	// progress is closed and replaced after every commit, waking waiters.
	progress chan struct{}
	// failure is the error of the last commit while documents wait for a
	// retry; nil once a commit succeeds.
	failure error

	// inject, when set, is called in every transaction; an error it
	// returns fails the commit. Tests use it to stand in for a disk that
	// refuses writes.
	inject func() error

	applied      atomic.Uint64 // highest log seq that bbolt holds
	transactions atomic.Int64  // write transactions started, for tests
}

// applyItem is a logged document or another write (fn).
type applyItem struct {
	rec *logRecord
	// fn, when set, is the write instead of a document: it runs inside the
	// shared transaction and may run more than once (again alone when its
	// batch's transaction failed), so it must set its results afresh on
	// every run.
	fn   func(*bbolt.Tx) error
	done chan error // fn only; buffered
}

// applyDelay is how long documents may wait for company before a commit
// starts when nobody waits for them; applyBatch is the backlog that starts
// one at once. Documents already acknowledged are safe in the log, so the
// delay costs no client anything, and a crash replays at most a few
// milliseconds' worth.
const (
	applyDelay = 20 * time.Millisecond
	applyBatch = 1024
)

// retryPause is the wait before a failed commit of acknowledged documents
// is tried again (a full or failing disk); short enough to recover quickly
// once space is freed, long enough not to spin.
const retryPause = 100 * time.Millisecond

var (
	logBucket  = []byte("log")
	appliedKey = []byte("applied")
)

// errStoreClosed is the outcome of a write submitted after Close.
var errStoreClosed = errors.New("bolt store: closed")

func newApplier(db *bbolt.DB, applied uint64, released func([]*logRecord)) *applier {
	a := &applier{db: db, released: released, progress: make(chan struct{})}
	a.idle.L = &a.mu
	a.applied.Store(applied)
	return a
}

// enqueue hands synced records to the applier.
func (a *applier) enqueue(recs []*logRecord) {
	a.mu.Lock()
	for _, r := range recs {
		a.queue = append(a.queue, &applyItem{rec: r})
	}
	a.records += len(recs)
	a.scheduleLocked()
	a.mu.Unlock()
}

// do runs fn in the next commit and returns its outcome once that commit
// is durable; see applyItem.fn.
func (a *applier) do(fn func(*bbolt.Tx) error) error {
	it := &applyItem{fn: fn, done: make(chan error, 1)}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return errStoreClosed
	}
	a.queue = append(a.queue, it)
	a.fns++
	a.scheduleLocked()
	a.mu.Unlock()
	return <-it.done
}

// scheduleLocked starts a commit now if someone waits for one, or sets the
// timer that starts one after applyDelay.
func (a *applier) scheduleLocked() {
	switch {
	case a.running || len(a.queue) == 0:
	case a.urgentLocked():
		if a.timer != nil {
			a.timer.Stop()
			a.timer = nil
		}
		a.running = true
		go a.run()
	case a.timer == nil:
		a.timer = time.AfterFunc(applyDelay, a.fire)
	}
}

func (a *applier) urgentLocked() bool {
	return a.closed || a.fns > 0 || a.waiters > 0 || a.records >= applyBatch
}

// fire starts the delayed commit.
func (a *applier) fire() {
	a.mu.Lock()
	a.timer = nil
	if !a.running && len(a.queue) > 0 {
		a.running = true
		go a.run()
	}
	a.mu.Unlock()
}

// run commits batches: the queue as it is when run starts, then more for
// as long as someone waits for them.
func (a *applier) run() {
	for first := true; ; first = false {
		a.mu.Lock()
		batch := a.queue
		if len(batch) == 0 || (!first && !a.urgentLocked()) || (a.closed && a.failure != nil) {
			// Closing with a failing disk: the documents left stay in
			// the log and are applied when the store opens next; the
			// other writes have no log and nothing will run them, so
			// they fail now rather than leave their callers waiting.
			if a.closed && a.failure != nil {
				a.queue = a.failQueuedFnsLocked(a.failure)
			}
			a.running = false
			a.idle.Broadcast()
			if a.closed {
				// Waiters re-check and find the applier stopped.
				close(a.progress)
				a.progress = make(chan struct{})
			} else {
				a.scheduleLocked()
			}
			a.mu.Unlock()
			return
		}
		a.queue = nil
		a.fns = 0
		a.mu.Unlock()

		if left := a.commit(batch); len(left) > 0 {
			time.Sleep(retryPause)
			a.mu.Lock()
			a.queue = append(left, a.queue...)
			a.mu.Unlock()
		}
	}
}

// failQueuedFnsLocked answers every queued other write with an error
// naming the cause and returns the queue without them.
func (a *applier) failQueuedFnsLocked(cause error) []*applyItem {
	kept := a.queue[:0]
	for _, it := range a.queue {
		if it.fn == nil {
			kept = append(kept, it)
			continue
		}
		it.done <- fmt.Errorf("%w before this write was committed (the database file cannot be written: %v; check free space and permissions in DOCMETA_DATA_DIR)", errStoreClosed, cause)
	}
	a.fns = 0
	return kept
}

// commit writes batch in one transaction. If that fails, the documents are
// tried again together and each other write alone, so only a bad write
// fails; documents that still cannot be written are returned, to be tried
// again (they are acknowledged: they must land).
func (a *applier) commit(batch []*applyItem) (left []*applyItem) {
	err := a.update(batch)
	if err == nil {
		a.finish(batch, nil)
		return nil
	}
	var docs, others []*applyItem
	for _, it := range batch {
		if it.fn == nil {
			docs = append(docs, it)
		} else {
			others = append(others, it)
		}
	}
	if len(docs) > 0 && len(others) > 0 {
		err = a.update(docs)
	}
	if len(docs) > 0 && err != nil {
		a.finish(nil, err)
		for _, it := range others {
			it.done <- err
		}
		return docs
	}
	a.finish(docs, nil)
	for _, it := range others {
		one := []*applyItem{it}
		if err := a.update(one); err != nil {
			it.done <- err
			continue
		}
		a.finish(one, nil)
	}
	return nil
}

// update runs one write transaction over items.
func (a *applier) update(items []*applyItem) error {
	a.transactions.Add(1)
	return a.db.Update(func(tx *bbolt.Tx) error {
		if a.inject != nil {
			if err := a.inject(); err != nil {
				return err
			}
		}
		docs, byTime := tx.Bucket(docsBucket), tx.Bucket(byTimeBucket)
		var last uint64
		for _, it := range items {
			if it.fn != nil {
				if err := it.fn(tx); err != nil {
					return err
				}
				continue
			}
			if err := putRecord(docs, byTime, it.rec); err != nil {
				return err
			}
			last = it.rec.seq
		}
		if last == 0 {
			return nil
		}
		return tx.Bucket(logBucket).Put(appliedKey, binary.BigEndian.AppendUint64(nil, last))
	})
}

// putRecord stores a logged document unless its ID is present: the store
// refused duplicates before logging, so one here is this record applied
// already (replayed after a crash).
func putRecord(docs, byTime *bbolt.Bucket, r *logRecord) error {
	if docs.Get(r.id) != nil {
		return nil
	}
	if err := docs.Put(r.id, r.value); err != nil {
		return fmt.Errorf("write document %s: %w", r.id, err)
	}
	if err := byTime.Put(r.timeKey, nil); err != nil {
		return fmt.Errorf("write index entry of %s: %w", r.id, err)
	}
	return nil
}

// finish records the outcome of a commit of items (nil items with err: a
// failed commit) and wakes whoever waits on progress. The records are
// released before the wake-up, so a Put waiting for room in the backlog
// (Store.admit) sees it.
func (a *applier) finish(items []*applyItem, err error) {
	var recs []*logRecord
	for _, it := range items {
		if it.fn != nil {
			it.done <- nil
		} else {
			recs = append(recs, it.rec)
		}
	}
	if len(recs) > 0 {
		a.released(recs)
	}
	a.mu.Lock()
	a.failure = err
	if len(recs) > 0 {
		a.applied.Store(recs[len(recs)-1].seq)
		a.records -= len(recs)
	}
	close(a.progress)
	a.progress = make(chan struct{})
	a.mu.Unlock()
}

// wait returns nil once ready() holds (checked under the applier's lock
// after each commit), or the error of ctx and the last commit failure, if
// any, when ctx ends first, or errStoreClosed when the applier is closed
// and stopped: no commit will come to make ready() hold.
func (a *applier) wait(ctx context.Context, ready func() bool) error {
	for {
		a.mu.Lock()
		ok, ch, failure := ready(), a.progress, a.failure
		stopped := a.closed && !a.running
		a.mu.Unlock()
		if ok {
			return nil
		}
		if stopped {
			return errStoreClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			if failure != nil {
				return fmt.Errorf("%w (the database file cannot be written: %v)", ctx.Err(), failure)
			}
			return ctx.Err()
		}
	}
}

// waitApplied waits until bbolt holds every record up to seq, starting a
// commit at once if none runs.
func (a *applier) waitApplied(ctx context.Context, seq uint64) error {
	if a.applied.Load() >= seq {
		return nil
	}
	a.mu.Lock()
	a.waiters++
	a.scheduleLocked()
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.waiters--
		a.mu.Unlock()
	}()
	return a.wait(ctx, func() bool { return a.applied.Load() >= seq })
}

// failing returns the last commit's error while documents wait for a retry.
func (a *applier) failing() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.failure
}

// close refuses new writes and waits until the queued ones are committed,
// or until a failing commit makes that impossible (they stay in the log).
func (a *applier) close() {
	a.mu.Lock()
	a.closed = true
	a.scheduleLocked()
	for a.running {
		a.idle.Wait()
	}
	if a.timer != nil {
		a.timer.Stop()
		a.timer = nil
	}
	a.mu.Unlock()
}
