package bolt

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	bbolt "go.etcd.io/bbolt"
)

// groupCommit writes documents in shared transactions without a timer.
//
// A write that finds no commit running starts one at once, holding only
// itself: a lone client pays one fsync and nothing more. Writes that arrive
// while a commit (its fsync) runs queue up, and the committer takes all of
// them into the next transaction as soon as the current one returns. So
// the batch size follows the load: 1 at one connection, about the number of
// waiting clients under load, and no write ever waits for a clock.
// bbolt's own db.Batch instead waits up to MaxBatchDelay for company, which
// at low concurrency is pure latency (2 ms against a 0.15 ms fsync).
//
// Durability is that of db.Update: a write's done channel is signalled only
// after the commit that holds it returned, that is after its fsync.
type groupCommit struct {
	db *bbolt.DB

	mu      sync.Mutex
	pending []*pendingWrite
	running bool // a committer goroutine owns the queue
	closed  bool
	idle    sync.Cond // signalled when running becomes false

	transactions atomic.Int64 // write transactions started, for tests
}

// pendingWrite is one document, or one other write (fn), waiting for its
// commit.
type pendingWrite struct {
	id, value, timeKey []byte
	// fn, when set, is the write instead of a document: it runs inside the
	// shared transaction and, as with db.Batch, may run more than once
	// (again alone when its batch's transaction failed), so it must set
	// its results afresh on every run.
	fn func(*bbolt.Tx) error
	// done receives the outcome once; buffered so the committer never
	// blocks on a Put that stopped waiting (its context ended).
	done chan writeResult
}

type writeResult struct {
	conflict bool // the ID existed; nothing was written
	err      error
}

// errStoreClosed is the outcome of a write submitted after Close.
var errStoreClosed = errors.New("bolt store: closed")

func newGroupCommit(db *bbolt.DB) *groupCommit {
	g := &groupCommit{db: db}
	g.idle.L = &g.mu
	return g
}

// submit queues w and starts a committer if none runs. The outcome arrives
// on w.done.
func (g *groupCommit) submit(w *pendingWrite) {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		w.done <- writeResult{err: errStoreClosed}
		return
	}
	g.pending = append(g.pending, w)
	start := !g.running
	g.running = true
	g.mu.Unlock()
	if start {
		// Its own goroutine, not the caller's: a Put whose context ends
		// during a stalled fsync must be able to return.
		go g.run()
	}
}

// run commits batches until the queue is empty.
func (g *groupCommit) run() {
	var spare []*pendingWrite
	for {
		g.mu.Lock()
		batch := g.pending
		if len(batch) == 0 {
			g.running = false
			g.idle.Broadcast()
			g.mu.Unlock()
			return
		}
		g.pending = spare[:0]
		g.mu.Unlock()

		g.commit(batch)
		clear(batch) // drop references to delivered writes
		spare = batch
		// Let the writers this commit just woke queue their next write
		// before the next batch is taken; otherwise, on few cores, the
		// next fsync often carries one or two writes and the rest wait
		// a whole fsync more. A yield, not a timer: with nothing else
		// runnable it returns at once.
		runtime.Gosched()
	}
}

// commit writes batch in one transaction. If that transaction fails (a
// write bbolt refuses, e.g. a key over its size limit), each write is
// retried alone so that only the bad one fails.
func (g *groupCommit) commit(batch []*pendingWrite) {
	conflicts := make([]bool, len(batch))
	g.transactions.Add(1)
	err := g.db.Update(func(tx *bbolt.Tx) error {
		docs, byTime := tx.Bucket(docsBucket), tx.Bucket(byTimeBucket)
		for i, w := range batch {
			if w.fn != nil {
				if err := w.fn(tx); err != nil {
					return err
				}
				continue
			}
			// Reported per write, not as the transaction's error,
			// which would roll back every other write of the batch.
			// A duplicate within the batch sees the first one here.
			conflicts[i] = docs.Get(w.id) != nil
			if conflicts[i] {
				continue
			}
			if err := docs.Put(w.id, w.value); err != nil {
				return fmt.Errorf("write document %s: %w", w.id, err)
			}
			if err := byTime.Put(w.timeKey, nil); err != nil {
				return fmt.Errorf("write index entry of %s: %w", w.id, err)
			}
		}
		return nil
	})
	if err == nil {
		for i, w := range batch {
			w.done <- writeResult{conflict: conflicts[i]}
		}
		return
	}
	if len(batch) == 1 {
		batch[0].done <- writeResult{err: err}
		return
	}
	for _, w := range batch {
		g.commit([]*pendingWrite{w})
	}
}

// do runs fn in the next group commit and returns its outcome once that
// commit is durable; see pendingWrite.fn.
func (g *groupCommit) do(fn func(*bbolt.Tx) error) error {
	w := &pendingWrite{fn: fn, done: make(chan writeResult, 1)}
	g.submit(w)
	return (<-w.done).err
}

// close refuses new writes and waits until the queued ones are committed.
func (g *groupCommit) close() {
	g.mu.Lock()
	g.closed = true
	for g.running {
		g.idle.Wait()
	}
	g.mu.Unlock()
}
