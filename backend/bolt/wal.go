package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// The write-ahead log makes a Put durable with one fdatasync. bbolt needs
// two per commit (its pages, then its meta page) and writes several pages
// besides, so acknowledging a document only after its bbolt commit cost
// about twice the disk time of the log. Documents are acknowledged once
// their log batch is synced; the applier (applier.go) copies them into
// bbolt behind the log, and Open replays whatever a crash left unapplied.
//
// The log is two segment files beside the database, "<db>.wal.0" and
// "<db>.wal.1". Writes go to the active segment from offset 0; when it is
// full and every record of the other one is in bbolt, the other becomes
// active and is overwritten from its start. Segments are filled with
// written zeros ahead of use: overwriting allocated blocks lets fdatasync
// skip the file-system metadata that appending or filling a hole would
// need (measured here: 188 µs against 370 µs per write and sync).
//
// A record is
//
//	length  uint32 LE  bytes of body
//	crc     uint32 LE  CRC-32C of body
//	body    seq uint64 LE | uvarint len(id) | id | uvarint len(timeKey) | timeKey | value
//
// Sequence numbers rise by one per record across both segments; bbolt
// stores the highest applied one. A segment's valid records are the chain
// from offset 0 while each CRC holds and each seq is the previous plus one:
// a torn write fails its CRC, and stale records behind new ones (a reused
// segment) have lower sequence numbers, so both end the chain. Each batch
// is written with an empty header after it (the next batch overwrites
// it): records of a batch whose sync failed do follow on in sequence from
// the batch that reuses their place, and must not be read as its
// continuation.

// segmentBytes is how much of each segment is zero-filled ahead of use,
// and the step by which a segment grows when the other still holds
// unapplied records (the applier is stalled or far behind).
const segmentBytes = 1 << 20

// maxRecordBody bounds a record's body when reading the log back, so a
// damaged length cannot ask for an absurd allocation, and so Put refuses
// a larger document: the reader would stop at its record, and a crash
// would lose it and every later one. Documents are a few hundred bytes.
const maxRecordBody = 1 << 20

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// logRecord is one document as logged and then applied to bbolt.
type logRecord struct {
	seq                uint64
	id, timeKey, value []byte
}

// segment is one log file and where the next record goes.
type segment struct {
	f       *os.File
	off     int64  // next write offset
	size    int64  // bytes allocated (written) in the file
	lastSeq uint64 // last record written since the segment was (re)started; 0 if none
}

// writeLog is the two-segment log. Only the log committer calls append;
// it is not safe for concurrent use.
type writeLog struct {
	segs   [2]*segment
	active int
	next   uint64 // seq of the next record

	// applied reports the highest seq that bbolt holds, to decide whether
	// the inactive segment may be reused.
	applied func() uint64
	// sync makes a segment's writes durable (fdatasync). Tests replace it
	// to stand in for a stalled or failing disk.
	sync func(*os.File) error
	buf  []byte
}

// openLog opens (creating and zero-filling) the two segments of the store
// at dbPath and returns the log with the records found in them. The
// caller applies those with seq > its applied seq, then calls start.
func openLog(dbPath string) (*writeLog, []logRecord, error) {
	w := &writeLog{sync: fdatasync}
	var found []logRecord
	created := false
	for i := range w.segs {
		path := fmt.Sprintf("%s.wal.%d", dbPath, i)
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			w.close()
			return nil, nil, fmt.Errorf("open write-ahead log %s: %w", path, err)
		}
		w.segs[i] = &segment{f: f}
		data, err := io.ReadAll(f)
		if err != nil {
			w.close()
			return nil, nil, fmt.Errorf("read write-ahead log %s: %w", path, err)
		}
		created = created || len(data) == 0
		found = append(found, scanSegment(data)...)
		w.segs[i].size = int64(len(data))
		if err := w.fill(w.segs[i], segmentBytes); err != nil {
			w.close()
			return nil, nil, err
		}
	}
	if created {
		// A new file's name must survive a crash too, or the records
		// acknowledged from it are lost with it.
		if err := syncDir(filepath.Dir(dbPath)); err != nil {
			w.close()
			return nil, nil, err
		}
	}
	slices.SortFunc(found, func(a, b logRecord) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
	return w, found, nil
}

// start makes the log writable once every record in it is in bbolt:
// writing begins at the start of segment 0 with seq applied+1. Both
// segments then hold only applied records, so either may be overwritten.
func (w *writeLog) start(applied func() uint64) {
	w.applied = applied
	w.next = applied() + 1
	w.active = 0
	for _, s := range w.segs {
		s.off, s.lastSeq = 0, 0
	}
}

// append writes recs as one batch and syncs it, setting each record's seq.
// On error nothing is taken as written: the next batch reuses the same
// offset and sequence numbers, so the chain has no gap.
func (w *writeLog) append(recs []*logRecord) error {
	w.buf = w.buf[:0]
	for i, r := range recs {
		r.seq = w.next + uint64(i)
		w.buf = appendRecord(w.buf, r)
	}
	written := int64(len(w.buf))
	w.buf = append(w.buf, endOfChain[:]...)
	s := w.segs[w.active]
	if s.off+int64(len(w.buf)) > s.size {
		if other := w.segs[1-w.active]; other.lastSeq <= w.applied() {
			w.active = 1 - w.active
			s = other
			s.off, s.lastSeq = 0, 0
		}
		if need := s.off + int64(len(w.buf)); need > s.size {
			if err := w.fill(s, (need/segmentBytes+1)*segmentBytes); err != nil {
				return err
			}
		}
	}
	if _, err := s.f.WriteAt(w.buf, s.off); err != nil {
		w.forget(s)
		return fmt.Errorf("write-ahead log write: %w", err)
	}
	if err := w.sync(s.f); err != nil {
		w.forget(s)
		return fmt.Errorf("write-ahead log sync: %w", err)
	}
	s.off += written
	s.lastSeq = recs[len(recs)-1].seq
	w.next += uint64(len(recs))
	return nil
}

// endOfChain is an empty record header: a length of 0 ends the chain.
var endOfChain [8]byte

// forget hides a batch whose write or sync failed, by writing an empty
// header where it begins: the next batch may go to the other segment
// and leave it there, complete, its sequence numbers following the
// records before it. Its Puts failed, so it must not be replayed. Not
// synced (the disk just failed a sync, and the batch itself may be on the
// disk anyway); best effort for a restart without a crash.
func (w *writeLog) forget(s *segment) {
	_, _ = s.f.WriteAt(endOfChain[:], s.off)
}

// fill zero-fills s up to size bytes (if it is shorter) and syncs, so later
// writes overwrite allocated blocks.
func (w *writeLog) fill(s *segment, size int64) error {
	if s.size >= size {
		return nil
	}
	zeros := make([]byte, 64<<10)
	for off := s.size; off < size; off += int64(len(zeros)) {
		n := min(int64(len(zeros)), size-off)
		if _, err := s.f.WriteAt(zeros[:n], off); err != nil {
			return fmt.Errorf("extend write-ahead log %s (is the disk full?): %w", s.f.Name(), err)
		}
	}
	if err := w.sync(s.f); err != nil {
		return fmt.Errorf("extend write-ahead log %s: %w", s.f.Name(), err)
	}
	s.size = size
	return nil
}

// close closes the segment files; closing again does nothing, like
// bbolt's own Close.
func (w *writeLog) close() error {
	var errs []error
	for i, s := range w.segs {
		if s != nil {
			errs = append(errs, s.f.Close())
			w.segs[i] = nil
		}
	}
	return errors.Join(errs...)
}

// bodyLen is the size of r's encoded body.
func (r *logRecord) bodyLen() int {
	return 8 + uvarintLen(len(r.id)) + len(r.id) + uvarintLen(len(r.timeKey)) + len(r.timeKey) + len(r.value)
}

func uvarintLen(n int) int {
	return len(binary.AppendUvarint(nil, uint64(n)))
}

// appendRecord appends r's encoding to buf.
func appendRecord(buf []byte, r *logRecord) []byte {
	start := len(buf)
	buf = append(buf, make([]byte, 8)...) // length and CRC, set below
	buf = binary.LittleEndian.AppendUint64(buf, r.seq)
	buf = binary.AppendUvarint(buf, uint64(len(r.id)))
	buf = append(buf, r.id...)
	buf = binary.AppendUvarint(buf, uint64(len(r.timeKey)))
	buf = append(buf, r.timeKey...)
	buf = append(buf, r.value...)
	body := buf[start+8:]
	binary.LittleEndian.PutUint32(buf[start:], uint32(len(body)))
	binary.LittleEndian.PutUint32(buf[start+4:], crc32.Checksum(body, castagnoli))
	return buf
}

// scanSegment returns the chain of valid records at the start of data.
func scanSegment(data []byte) []logRecord {
	var recs []logRecord
	for off := 0; off+8 <= len(data); {
		n := int(binary.LittleEndian.Uint32(data[off:]))
		if n == 0 || n > maxRecordBody || n > len(data)-off-8 {
			break
		}
		body := data[off+8 : off+8+n]
		if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(data[off+4:]) {
			break
		}
		r, ok := decodeRecord(body)
		if !ok || (len(recs) > 0 && r.seq != recs[len(recs)-1].seq+1) {
			break
		}
		recs = append(recs, r)
		off += 8 + n
	}
	return recs
}

func decodeRecord(body []byte) (logRecord, bool) {
	if len(body) < 8 {
		return logRecord{}, false
	}
	r := logRecord{seq: binary.LittleEndian.Uint64(body)}
	rest := body[8:]
	var ok bool
	if r.id, rest, ok = cutField(rest); !ok {
		return logRecord{}, false
	}
	if r.timeKey, rest, ok = cutField(rest); !ok {
		return logRecord{}, false
	}
	r.value = rest
	return r, r.seq > 0 && len(r.id) > 0
}

// cutField splits a uvarint-length-prefixed field off b.
func cutField(b []byte) (field, rest []byte, ok bool) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return nil, nil, false
	}
	return b[k : k+int(n)], b[k+int(n):], true
}

// syncDir makes the directory's entries (new file names) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open data directory %s to sync it: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync data directory %s: %w", dir, err)
	}
	return nil
}
