// Package bolt is docmeta's embedded store: document metadata in a
// go.etcd.io/bbolt file, durable before Put returns. A Put is durable once
// its record is synced in a write-ahead log beside the file (wal.go; one
// fdatasync per batch of concurrent Puts, logcommit.go); the applier
// (applier.go) copies documents into bbolt behind it, reads wait until
// bbolt holds every acknowledged document, and Open replays what a crash
// left in the log only.
//
// Layout: bucket "docs" maps ID -> the document's JSON; bucket "by_time"
// maps "<uploaded_at>#<ID>" -> nothing. uploaded_at is written with
// backend.TimeLayout (fixed width), so byte order of by_time keys is the
// contract's listing order (UploadedAt, then ID) and newest-first listing is
// a reverse cursor walk. IDs from backend.IDGenerator are time-ordered too,
// but the index makes the order hold for any document, as the contract says.
package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/docmeta/docmeta/backend"
)

var (
	docsBucket   = []byte("docs")
	byTimeBucket = []byte("by_time")
)

// lockTimeout bounds the wait for bbolt's exclusive file lock, so a second
// server on the same data directory fails at start instead of hanging.
const lockTimeout = time.Second

// Store is a backend.Store on one bbolt file and its write-ahead log. It
// is safe for concurrent use.
type Store struct {
	db      *bbolt.DB
	log     *writeLog
	logged  *logCommit
	applier *applier

	// ids holds the writes of documents logged (or being logged) but not
	// yet in bbolt, by ID, so a duplicate is refused before it is
	// acknowledged.
	idsMu sync.Mutex
	ids   map[string]*logWrite

	closeOnce sync.Once
	closeErr  error

	backlog   int // maxBacklog; tests lower it
	recovered int // documents replayed from the log by Open
}

// maxBacklog bounds the documents accepted but not yet in bbolt: those
// acknowledged from the log and those still waiting for their log sync
// (including the writes of Puts whose context ended). When bbolt or the
// log falls that far behind (a stalled disk), Put waits, so memory and the
// log stay bounded: about 10 MiB of documents, records and bookkeeping. It bounds the claims queued
// for bbolt too.
const maxBacklog = 16384

var _ backend.Store = (*Store)(nil)

// Open opens (creating if needed) the store file at path, usually
// "<DOCMETA_DATA_DIR>/docmeta.db", creating the parent directory too.
// Errors say what to fix: an unwritable directory or a file locked by
// another process.
func Open(path string) (*Store, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("bolt store: cannot create data directory %s (set DOCMETA_DATA_DIR to a writable directory): %w", dir, err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout: lockTimeout,
		// The hashmap freelist keeps allocation O(1) as the file grows;
		// not syncing the freelist saves a page write per commit and is
		// safe: bbolt rebuilds it from the pages on open.
		FreelistType:   bbolt.FreelistMapType,
		NoFreelistSync: true,
	})
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("bolt store: %s is locked by another process (is another docmeta-server using the same DOCMETA_DATA_DIR?); stop it or set DOCMETA_DATA_DIR to another directory", path)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("bolt store: cannot open %s: permission denied; set DOCMETA_DATA_DIR to a directory this user can write: %w", path, err)
	case err != nil:
		return nil, fmt.Errorf("bolt store: cannot open %s (check DOCMETA_DATA_DIR; the file may be damaged or not a docmeta store): %w", path, err)
	}
	log, found, err := openLog(path)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("bolt store: cannot open the write-ahead log of %s (is the disk full or read-only? check DOCMETA_DATA_DIR): %w", path, err)
	}
	applied, err := initDatabase(db, found)
	if err != nil {
		log.close()
		db.Close()
		return nil, fmt.Errorf("bolt store: cannot initialise %s (is the disk full or read-only? check DOCMETA_DATA_DIR): %w", path, err)
	}
	s := &Store{db: db, ids: map[string]*logWrite{}, backlog: maxBacklog}
	s.applier = newApplier(db, applied, s.release)
	if err := s.replay(found); err != nil {
		log.close()
		db.Close()
		return nil, fmt.Errorf("bolt store: cannot recover %s from its write-ahead log (is the disk full or read-only? check DOCMETA_DATA_DIR): %w", path, err)
	}
	s.log = log
	s.log.start(s.applier.applied.Load)
	s.logged = newLogCommit(s.log, s.applier.enqueue, s.release)
	return s, nil
}

// initDatabase creates the buckets if needed and returns the highest log
// sequence number bbolt holds. found is the log as Open read it.
func initDatabase(db *bbolt.DB, found []logRecord) (applied uint64, err error) {
	err = db.Update(func(tx *bbolt.Tx) error {
		// A database without the log bucket is new: a log beside it
		// belongs to one that was deleted (someone removed docmeta.db
		// to start afresh), and replaying it would bring the deleted
		// documents back. Its records count as applied from the
		// commit that creates the bucket, so none is replayed, even
		// after a crash, whatever the directory kept.
		fresh := tx.Bucket(logBucket) == nil
		for _, name := range [][]byte{docsBucket, byTimeBucket, logBucket} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		if fresh && len(found) > 0 {
			applied = found[len(found)-1].seq
			return tx.Bucket(logBucket).Put(appliedKey, binary.BigEndian.AppendUint64(nil, applied))
		}
		if v := tx.Bucket(logBucket).Get(appliedKey); len(v) == 8 {
			applied = binary.BigEndian.Uint64(v)
		}
		return nil
	})
	return applied, err
}

// replay applies the logged documents that bbolt does not hold yet: those
// acknowledged before a crash. Afterwards bbolt holds every record in the
// log, so the log may be overwritten.
func (s *Store) replay(found []logRecord) error {
	var items []*applyItem
	for i := range found {
		if found[i].seq > s.applier.applied.Load() {
			items = append(items, &applyItem{rec: &found[i]})
		}
	}
	if len(items) == 0 {
		return nil
	}
	if err := s.applier.update(items); err != nil {
		return err
	}
	s.applier.applied.Store(items[len(items)-1].rec.seq)
	s.recovered = len(items)
	return nil
}

// Recovered is the number of documents Open found in the write-ahead log
// but not in the database: uploads acknowledged just before the process
// stopped uncleanly, now stored.
func (s *Store) Recovered() int { return s.recovered }

// Close closes the store. Puts already queued for the log are written and
// every logged document is applied to bbolt first (unless bbolt keeps
// failing: those stay in the log for the next Open); later calls fail.
func (s *Store) Close() error {
	// Once: a second Close, even a concurrent one, waits for the first
	// and returns its outcome instead of closing the files again.
	s.closeOnce.Do(func() {
		s.logged.close()
		s.applier.close()
		if err := errors.Join(s.log.close(), s.db.Close()); err != nil {
			s.closeErr = fmt.Errorf("bolt store: close: %w", err)
		}
	})
	return s.closeErr
}

// Put stores doc durably, or returns ECONFLICT if its ID exists (after
// waiting for a Put of the same ID still on its way to the log). It
// returns once the document's record is synced in the write-ahead log;
// bbolt receives it shortly after, and reads wait for that.
//
// If ctx ends while the write waits for its log batch or for its
// duplicate check in bbolt (a stalled or very slow disk), Put returns
// EUNAVAILABLE at once instead of holding the request. A write that was
// queued is not withdrawn: it stays queued (a write under way
// cannot be cancelled either), so it may still be stored later. An upload
// that was not acknowledged may therefore exist in the store; that is
// allowed (the rule is never a 201 without a stored item, not the
// converse), and its ID was never given to the client, so a retry stores a
// second, distinct item.
func (s *Store) Put(ctx context.Context, doc backend.Document) error {
	if err := ctx.Err(); err != nil {
		return backend.WrapError(backend.EUNAVAILABLE, "request cancelled before the document was stored", err)
	}
	if doc.ID == "" {
		return backend.Errorf(backend.EINVALID, "document has no ID")
	}
	// MarshalJSON directly: json.Marshal(doc) would reach the same method
	// through reflection, then scan and copy its output again (the bytes
	// are identical; TestStoredValueIsTheDocumentJSON holds them so).
	value, err := doc.MarshalJSON()
	if err != nil {
		return fmt.Errorf("bolt store: encode document %s: %w", doc.ID, err)
	}
	id := []byte(doc.ID)
	timeKey := sortKey(doc.UploadedAtString(), doc.ID)
	// Checked before logging: a record bbolt would refuse could never be
	// applied, yet it would have been acknowledged.
	if len(timeKey) > bbolt.MaxKeySize {
		return backend.Errorf(backend.EINVALID, "document ID of %d bytes is over the store's key limit of %d", len(id), bbolt.MaxKeySize-len(timeKey)+len(id))
	}
	rec := logRecord{id: id, timeKey: timeKey, value: value}
	if n := rec.bodyLen(); n > maxRecordBody {
		return backend.Errorf(backend.EINVALID, "document %s is %d bytes encoded, over the store's limit of %d; shorten its filename or content type", doc.ID, n, maxRecordBody)
	}
	if err := s.admit(ctx); err != nil {
		return err
	}
	w := newLogWrite(rec)
	if err := s.reserve(ctx, w); err != nil {
		return err
	}

	// Queued for the next log batch (logcommit.go); Put waits for its
	// fdatasync or for ctx, whichever comes first.
	s.logged.submit(w)
	select {
	case <-w.settled:
		err = w.err
	case <-ctx.Done():
		return backend.WrapError(backend.EUNAVAILABLE,
			"the store did not commit the document in time (disk stalled or overloaded); retry later", ctx.Err())
	}
	switch {
	case err == nil:
		return nil
	case isClosed(err):
		return closedError(err)
	}
	// The log could not be written or synced: a disk problem, so the
	// client may retry (the ID was given back).
	return backend.WrapError(backend.EUNAVAILABLE,
		"the store cannot write its write-ahead log (check free space and permissions in DOCMETA_DATA_DIR); retry later",
		fmt.Errorf("bolt store: put %s: %w", doc.ID, err))
}

// isClosed reports whether err says the store was closed: by the store
// itself, or by bbolt for a read that came after Close.
func isClosed(err error) bool {
	return errors.Is(err, errStoreClosed) || errors.Is(err, bolterrors.ErrDatabaseNotOpen)
}

// closedError is what a call that came after Close returns.
func closedError(err error) error {
	return backend.WrapError(backend.EUNAVAILABLE, "the store is closed (the server is shutting down); retry against a running server", err)
}

// admit refuses a Put while bbolt cannot be written (the document could
// not be read back), and waits while the backlog of documents not yet in
// bbolt is full.
func (s *Store) admit(ctx context.Context) error {
	if err := s.applier.failing(); err != nil {
		return backend.WrapError(backend.EUNAVAILABLE,
			"the store cannot write its database file (check free space and permissions in DOCMETA_DATA_DIR); retry later", err)
	}
	err := s.applier.wait(ctx, func() bool { return s.pending() < s.backlog })
	if err != nil {
		return backend.WrapError(backend.EUNAVAILABLE,
			"the store is too far behind its write-ahead log (disk stalled or overloaded); retry later", err)
	}
	return nil
}

// Get returns the document with the given ID, or ENOTFOUND; EUNAVAILABLE
// when ctx ends before the read does.
func (s *Store) Get(ctx context.Context, id string) (backend.Document, error) {
	var doc backend.Document
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket(docsBucket).Get([]byte(id))
		if v == nil {
			return backend.Errorf(backend.ENOTFOUND, "document %s not found", id)
		}
		return decodeDoc(v, &doc)
	})
	if err != nil {
		return backend.Document{}, err
	}
	return doc, nil
}

// List returns one page of documents, newest first; EUNAVAILABLE when ctx
// ends before the read does.
func (s *Store) List(ctx context.Context, opts backend.ListOptions) (backend.Page, error) {
	if err := opts.Validate(); err != nil {
		return backend.Page{}, err
	}
	var after []byte // exclusive upper bound of this page's keys
	if opts.Cursor != "" {
		key, err := decodeCursor(opts.Cursor)
		if err != nil {
			return backend.Page{}, err
		}
		after = key
	}
	page := backend.Page{Documents: make([]backend.Document, 0, min(opts.Limit, 64))}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		docs := tx.Bucket(docsBucket)
		c := tx.Bucket(byTimeBucket).Cursor()
		var k []byte
		if after == nil {
			k, _ = c.Last()
		} else {
			// Seek lands on the first key >= after; step back past it so
			// the page starts strictly below the cursor.
			k, _ = c.Seek(after)
			if k == nil {
				k, _ = c.Last()
			}
			for k != nil && bytes.Compare(k, after) >= 0 {
				k, _ = c.Prev()
			}
		}
		for ; k != nil; k, _ = c.Prev() {
			if len(page.Documents) == opts.Limit {
				// One more key exists, so there is a next page.
				page.NextCursor = encodeCursor(page.Documents[len(page.Documents)-1])
				return nil
			}
			id, ok := idFromSortKey(k)
			if !ok {
				return fmt.Errorf("bolt store: malformed index key %q", k)
			}
			v := docs.Get(id)
			if v == nil {
				return fmt.Errorf("bolt store: index entry %q has no document", k)
			}
			var doc backend.Document
			if err := decodeDoc(v, &doc); err != nil {
				return err
			}
			page.Documents = append(page.Documents, doc)
		}
		return nil
	})
	if err != nil {
		return backend.Page{}, err
	}
	return page, nil
}

// sortKey is the by_time key: "<uploaded_at in TimeLayout>#<id>".
func sortKey(uploadedAt, id string) []byte {
	k := make([]byte, 0, len(uploadedAt)+1+len(id))
	k = append(k, uploadedAt...)
	k = append(k, '#')
	return append(k, id...)
}

// idFromSortKey returns the ID part of a by_time key. TimeLayout contains no
// '#', so the first '#' is the separator.
func idFromSortKey(k []byte) ([]byte, bool) {
	i := bytes.IndexByte(k, '#')
	if i < 0 || i == len(k)-1 {
		return nil, false
	}
	return k[i+1:], true
}

func decodeDoc(v []byte, doc *backend.Document) error {
	if err := json.Unmarshal(v, doc); err != nil {
		return fmt.Errorf("bolt store: decode document: %w", err)
	}
	return nil
}
