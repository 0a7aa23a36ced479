package bolt

import (
	"context"

	bbolt "go.etcd.io/bbolt"

	"github.com/docmeta/docmeta/backend"
)

// view runs fn in a read transaction and waits for it at most until ctx
// ends, then returns EUNAVAILABLE. It first waits until bbolt holds every
// document acknowledged so far (a waiting read makes the applier commit at
// once), so a read sees every upload answered before it started.
func (s *Store) view(ctx context.Context, fn func(*bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return backend.WrapError(backend.EUNAVAILABLE, "request cancelled before the store was read", err)
	}
	if err := s.applier.waitApplied(ctx, s.logged.durable.Load()); isClosed(err) {
		return closedError(err)
	} else if err != nil {
		return backend.WrapError(backend.EUNAVAILABLE, "the store did not catch up with its write-ahead log in time (disk stalled or overloaded); retry later", err)
	}
	return s.viewWithin(ctx, fn, nil)
}

// viewWithin runs fn in a read transaction and waits for it at most until
// ctx ends, then returns EUNAVAILABLE (errors.Is ctx.Err()). A read can
// stall: a commit that grows the file remaps it and waits for open reads,
// and new reads queue behind that remap (or behind a stalled disk's page
// faults). fn keeps running in its goroutine after viewWithin gave up, so
// the caller must not use what fn writes unless viewWithin returned nil;
// late, when set, runs once such an abandoned fn has returned.
func (s *Store) viewWithin(ctx context.Context, fn func(*bbolt.Tx) error, late func()) error {
	done := make(chan error) // unbuffered: a result nobody takes is abandoned
	abandoned := make(chan struct{})
	go func() {
		err := s.db.View(fn)
		select {
		case done <- err:
		case <-abandoned:
			if late != nil {
				late()
			}
		}
	}()
	select {
	case err := <-done:
		if isClosed(err) {
			return closedError(err)
		}
		return err
	case <-ctx.Done():
		close(abandoned)
		return backend.WrapError(backend.EUNAVAILABLE, "the store did not answer in time (disk stalled or overloaded); retry later", ctx.Err())
	}
}
