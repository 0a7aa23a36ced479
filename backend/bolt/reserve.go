package bolt

import (
	"context"
	"errors"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/docmeta/docmeta/backend"
)

// errGivenBack settles a write that gave its ID back before it was
// logged (the ID was stored already, or its Put stopped waiting), so a Put
// of the same ID waiting for it checks again.
var errGivenBack = errors.New("bolt store: write given up before logging")

// reserve claims w's ID for it unless bbolt or another logged, not yet
// applied write has it (ECONFLICT).
//
// The ID is claimed in ids first and looked up in bbolt after, without
// the lock: the applier releases an ID only once bbolt holds it, so the
// lookup cannot miss a document, and no lock is held while the read waits
// behind a remap or a stalled disk. That read is bounded by ctx like the
// store's other reads.
//
// A write of the same ID still on its way to the log is waited for: it
// may fail, and ECONFLICT says the document exists, so a read that starts
// after it must find the document.
func (s *Store) reserve(ctx context.Context, w *logWrite) error {
	id := w.rec.id
	for {
		other := s.claimID(w)
		if other == nil {
			return s.requireNotStored(ctx, w)
		}
		select {
		case <-other.settled:
		case <-ctx.Done():
			return backend.WrapError(backend.EUNAVAILABLE,
				"another upload of this document ID is still being stored (disk stalled or overloaded); retry later", ctx.Err())
		}
		if other.err == nil {
			return backend.Errorf(backend.ECONFLICT, "document %s already exists", id)
		}
		// The other write failed or gave the ID back: try again.
	}
}

// claimID enters w in ids under its ID, unless a write of the same ID is
// there: that one is returned.
func (s *Store) claimID(w *logWrite) (other *logWrite) {
	s.idsMu.Lock()
	defer s.idsMu.Unlock()
	if other, ok := s.ids[string(w.rec.id)]; ok {
		return other
	}
	s.ids[string(w.rec.id)] = w
	return nil
}

// requireNotStored gives w's ID back and returns ECONFLICT if bbolt holds
// the document, or EUNAVAILABLE if ctx ends first (the lookup then gives
// the ID back when it returns).
func (s *Store) requireNotStored(ctx context.Context, w *logWrite) error {
	var stored bool
	err := s.viewWithin(ctx, func(tx *bbolt.Tx) error {
		stored = tx.Bucket(docsBucket).Get(w.rec.id) != nil
		return nil
	}, func() { s.giveBack(w) })
	switch {
	case err == nil && !stored:
		return nil
	case errors.Is(err, ctx.Err()) && ctx.Err() != nil:
		return err // abandoned: the lookup gives the ID back
	}
	s.giveBack(w)
	var closed *backend.Error // viewWithin's only domain error here
	switch {
	case errors.As(err, &closed):
		return err
	case err != nil:
		return fmt.Errorf("bolt store: put %s: %w", w.rec.id, err)
	}
	return backend.Errorf(backend.ECONFLICT, "document %s already exists", w.rec.id)
}

// giveBack releases w's claim on its ID and settles it, for a write that
// will not be logged.
func (s *Store) giveBack(w *logWrite) {
	s.release([]*logRecord{&w.rec})
	w.settle(errGivenBack)
}

// pending is the number of documents accepted but not yet in bbolt.
func (s *Store) pending() int {
	s.idsMu.Lock()
	defer s.idsMu.Unlock()
	return len(s.ids)
}

// release forgets the reservations of records that bbolt now holds, whose
// log write failed, or that were given back.
func (s *Store) release(recs []*logRecord) {
	s.idsMu.Lock()
	for _, r := range recs {
		delete(s.ids, string(r.id))
	}
	s.idsMu.Unlock()
}
