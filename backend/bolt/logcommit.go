package bolt

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// logCommit makes documents durable in shared log batches, without a
// timer.
//
// A Put that finds no batch being written starts one at once, holding only
// itself: a lone client pays one write and one fdatasync. Puts that arrive
// while a batch syncs queue up, and the committer takes all of them into
// the next batch as soon as the current one returns. So the batch size
// follows the load: 1 at one connection, about the number of waiting
// clients under load, and no write ever waits for a clock. (bbolt's own
// db.Batch instead waits up to MaxBatchDelay for company, which at low
// concurrency is pure latency.)
//
// A write is settled only after the fdatasync that covers it, and after
// its record was handed to the applier, so a read that starts after the
// acknowledgement can wait for it to reach bbolt.
type logCommit struct {
	log *writeLog
	// synced receives each synced batch, in order; failed each batch
	// whose write or sync failed.
	synced, failed func([]*logRecord)

	mu      sync.Mutex
	pending []*logWrite
	running bool // a committer goroutine owns the queue
	closed  bool
	idle    sync.Cond // signalled when running becomes false

	syncs   atomic.Int64  // batches written, for tests
	durable atomic.Uint64 // highest seq synced and handed to the applier
}

// logWrite is one document waiting for its log batch.
type logWrite struct {
	rec logRecord
	// settled is closed once err holds the outcome. A channel that is
	// closed, not sent on, so the committer never blocks on a Put that
	// stopped waiting (its context ended), and a Put of the same ID can
	// wait for the outcome too (Store.reserve).
	settled chan struct{}
	err     error
}

func newLogWrite(rec logRecord) *logWrite {
	return &logWrite{rec: rec, settled: make(chan struct{})}
}

// settle records the outcome and wakes whoever waits for it.
func (w *logWrite) settle(err error) {
	w.err = err
	close(w.settled)
}

func newLogCommit(log *writeLog, synced, failed func([]*logRecord)) *logCommit {
	c := &logCommit{log: log, synced: synced, failed: failed}
	c.idle.L = &c.mu
	c.durable.Store(log.next - 1)
	return c
}

// submit queues w and starts a committer if none runs. w is settled
// with the outcome.
func (c *logCommit) submit(w *logWrite) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		w.settle(errStoreClosed)
		return
	}
	c.pending = append(c.pending, w)
	start := !c.running
	c.running = true
	c.mu.Unlock()
	if start {
		// Its own goroutine, not the caller's: a Put whose context ends
		// during a stalled fsync must be able to return.
		go c.run()
	}
}

// run writes batches until the queue is empty.
func (c *logCommit) run() {
	var spare []*logWrite
	var recs []*logRecord
	for {
		c.mu.Lock()
		batch := c.pending
		if len(batch) == 0 {
			c.running = false
			c.idle.Broadcast()
			c.mu.Unlock()
			return
		}
		c.pending = spare[:0]
		c.mu.Unlock()

		recs = recs[:0]
		for _, w := range batch {
			recs = append(recs, &w.rec)
		}
		c.syncs.Add(1)
		err := c.log.append(recs)
		if err == nil {
			c.synced(recs)
			c.durable.Store(recs[len(recs)-1].seq)
		} else {
			c.failed(recs)
		}
		for _, w := range batch {
			w.settle(err)
		}
		clear(batch) // drop references to delivered writes
		spare = batch
		// Let the writers this batch just woke queue their next write
		// before the next batch is taken; otherwise, on few cores, the
		// next fsync often carries one or two writes and the rest wait
		// a whole fsync more. A yield, not a timer: with nothing else
		// runnable it returns at once.
		runtime.Gosched()
	}
}

// close refuses new writes and waits until the queued ones are written.
func (c *logCommit) close() {
	c.mu.Lock()
	c.closed = true
	for c.running {
		c.idle.Wait()
	}
	c.mu.Unlock()
}
