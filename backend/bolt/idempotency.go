package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/docmeta/docmeta/backend"
)

// Idempotency records live in their own buckets, created on first use:
// "idempotency" maps the scoped key to the record's JSON, and
// "idempotency_expiry" maps "<expires_at>#<key>" to nothing, so expired
// records can be found oldest first and deleted a few at a time.
var (
	idemBucket       = []byte("idempotency")
	idemExpiryBucket = []byte("idempotency_expiry")
)

// maxSweep is how many expired records one Claim deletes: enough to keep
// up with the claims that create them, small enough not to slow a commit.
const maxSweep = 16

var _ backend.IdempotencyStore = (*Store)(nil)

// idemRecord is the stored form of a backend.IdempotencyRecord.
type idemRecord struct {
	DocumentID string `json:"d"`
	UploadedAt string `json:"t"`
	SHA256     string `json:"s"`
	Filename   string `json:"f"`
	ExpiresAt  string `json:"e"`
}

// Claim stores rec unless an unexpired record with its key exists (see
// backend.IdempotencyStore). Unlike Put, which is acknowledged from the
// write-ahead log, it waits for its bbolt commit (it must read the
// records there), or returns EUNAVAILABLE when ctx ends first (the claim
// may still commit; a retry then finds it and stores the document under
// the claimed ID).
func (s *Store) Claim(ctx context.Context, rec backend.IdempotencyRecord, now time.Time) (backend.IdempotencyRecord, bool, error) {
	if err := ctx.Err(); err != nil {
		return backend.IdempotencyRecord{}, false, backend.WrapError(backend.EUNAVAILABLE, "request cancelled before the idempotency key was recorded", err)
	}
	value, err := json.Marshal(idemRecord{
		DocumentID: rec.DocumentID, UploadedAt: rec.UploadedAt.UTC().Format(backend.TimeLayout),
		SHA256: rec.SHA256, Filename: rec.Filename, ExpiresAt: rec.ExpiresAt.UTC().Format(backend.TimeLayout),
	})
	if err != nil {
		return backend.IdempotencyRecord{}, false, fmt.Errorf("bolt store: encode idempotency record: %w", err)
	}
	// Bounded like Put's backlog: the goroutine below outlives a caller
	// whose context ended, so retries would otherwise queue claims
	// without limit while bbolt is stalled.
	if err := s.applier.wait(ctx, func() bool { return s.applier.fns < s.backlog }); err != nil {
		return backend.IdempotencyRecord{}, false, backend.WrapError(backend.EUNAVAILABLE,
			"the store is too far behind with its database writes (disk stalled or overloaded); retry later", err)
	}
	key := []byte(rec.Key)
	type result struct {
		existing backend.IdempotencyRecord
		claimed  bool
		err      error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		// The claim rides in the applier's next commit, which it
		// starts at once, after the documents queued before it; the
		// function may run more than once, and each run sets r.
		r.err = s.applier.do(func(tx *bbolt.Tx) error {
			r = result{}
			recs, err := tx.CreateBucketIfNotExists(idemBucket)
			if err != nil {
				return err
			}
			expiry, err := tx.CreateBucketIfNotExists(idemExpiryBucket)
			if err != nil {
				return err
			}
			if err := sweepExpired(recs, expiry, now); err != nil {
				return err
			}
			if v := recs.Get(key); v != nil {
				old, err := decodeIdemRecord(rec.Key, v)
				if err != nil {
					return err
				}
				if old.ExpiresAt.After(now) {
					r.existing, r.claimed = old, old.DocumentID == rec.DocumentID
					return nil
				}
				if err := expiry.Delete(expiryKey(old)); err != nil {
					return err
				}
			}
			if err := recs.Put(key, value); err != nil {
				return err
			}
			r.claimed = true
			return expiry.Put(expiryKey(rec), nil)
		})
		done <- r
	}()
	select {
	case r := <-done:
		switch {
		case isClosed(r.err):
			return backend.IdempotencyRecord{}, false, closedError(r.err)
		case r.err != nil:
			return backend.IdempotencyRecord{}, false, fmt.Errorf("bolt store: claim idempotency key: %w", r.err)
		}
		return r.existing, r.claimed, nil
	case <-ctx.Done():
		return backend.IdempotencyRecord{}, false, backend.WrapError(backend.EUNAVAILABLE,
			"the store did not record the idempotency key in time (disk stalled or overloaded); retry later", ctx.Err())
	}
}

// sweepExpired deletes up to maxSweep records that expired before now,
// oldest first.
func sweepExpired(recs, expiry *bbolt.Bucket, now time.Time) error {
	limit := []byte(now.UTC().Format(backend.TimeLayout))
	var gone [][]byte
	c := expiry.Cursor()
	for k, _ := c.First(); k != nil && len(gone) < maxSweep && bytes.Compare(k, limit) < 0; k, _ = c.Next() {
		gone = append(gone, bytes.Clone(k))
	}
	for _, k := range gone {
		if i := bytes.IndexByte(k, '#'); i >= 0 {
			if err := recs.Delete(k[i+1:]); err != nil {
				return err
			}
		}
		if err := expiry.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

func expiryKey(r backend.IdempotencyRecord) []byte {
	return sortKey(r.ExpiresAt.UTC().Format(backend.TimeLayout), r.Key)
}

func decodeIdemRecord(key string, v []byte) (backend.IdempotencyRecord, error) {
	var s idemRecord
	if err := json.Unmarshal(v, &s); err != nil {
		return backend.IdempotencyRecord{}, fmt.Errorf("bolt store: decode idempotency record: %w", err)
	}
	at, err := backend.ParseTime(s.UploadedAt)
	if err != nil {
		return backend.IdempotencyRecord{}, fmt.Errorf("bolt store: idempotency record: %w", err)
	}
	exp, err := backend.ParseTime(s.ExpiresAt)
	if err != nil {
		return backend.IdempotencyRecord{}, fmt.Errorf("bolt store: idempotency record: %w", err)
	}
	return backend.IdempotencyRecord{Key: key, DocumentID: s.DocumentID, UploadedAt: at, SHA256: s.SHA256, Filename: s.Filename, ExpiresAt: exp}, nil
}
