package bolt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/docmeta/docmeta/backend"
)

// TestRecoveryReplaysAcknowledgedDocuments: documents acknowledged from the
// log but not yet in bbolt when the process died are in the store after it
// opens again, in listing order, once each.
func TestRecoveryReplaysAcknowledgedDocuments(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	gen := &backend.IDGenerator{}
	var acked []string
	for i := 0; i < 10; i++ { // these reach bbolt: a read waits for them
		acked = append(acked, putNew(t, s, gen))
	}
	if _, err := s.Get(ctx, acked[9]); err != nil {
		t.Fatal(err)
	}
	stopApplier(t, s)
	for i := 0; i < 50; i++ { // these only the log holds
		acked = append(acked, putNew(t, s, gen))
	}
	r := openAt(t, copyStoreFiles(t, dir))
	defer r.Close()
	if r.Recovered() != 50 {
		t.Errorf("Recovered() = %d, want the 50 documents only the log held", r.Recovered())
	}
	page, err := r.List(ctx, backend.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Documents) != len(acked) {
		t.Fatalf("after the crash %d documents listed, want %d", len(page.Documents), len(acked))
	}
	for i, d := range page.Documents {
		if want := acked[len(acked)-1-i]; d.ID != want {
			t.Fatalf("listing[%d] = %s, want %s (newest first)", i, d.ID, want)
		}
	}
	// The recovered store writes on: its log starts after the replay.
	id := putNew(t, r, gen)
	if _, err := r.Get(ctx, id); err != nil {
		t.Fatal(err)
	}
}

// TestLogSegmentsAreReusedAndGrowOnlyWhenBehind: with bbolt keeping up,
// the two segments are overwritten in turn and keep their size; with bbolt
// stuck, the active segment grows rather than overwrite documents bbolt
// does not hold, and a crash then loses none of them.
func TestLogSegmentsAreReusedAndGrowOnlyWhenBehind(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	t.Cleanup(func() { s.Close() })
	gen := &backend.IDGenerator{}
	// About 300 bytes a record: 12,000 documents fill the two 1 MiB
	// segments almost twice over.
	putConcurrently(t, s, gen, 12000)
	for i, seg := range s.log.segs {
		if seg.size != segmentBytes {
			t.Fatalf("segment %d grew to %d bytes while bbolt kept up, want %d", i, seg.size, segmentBytes)
		}
	}
	stopApplier(t, s)
	acked := putConcurrently(t, s, gen, 5000) // 1.5 MB: more than a segment
	if s.log.segs[s.log.active].size <= segmentBytes {
		t.Fatalf("5,000 documents unapplied, yet the active segment has %d bytes", s.log.segs[s.log.active].size)
	}
	r := openAt(t, copyStoreFiles(t, dir))
	defer r.Close()
	for _, id := range acked {
		if _, err := r.Get(context.Background(), id); err != nil {
			t.Fatalf("acknowledged %s lost: %v", id, err)
		}
	}
}

// TestRecoveryStopsAtATornRecord: a batch cut short by the crash (its sync
// never returned, so nothing in it was acknowledged) ends the log there.
func TestRecoveryStopsAtATornRecord(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	t.Cleanup(func() { s.Close() })
	gen := &backend.IDGenerator{}
	stopApplier(t, s)
	var acked []string
	for i := 0; i < 3; i++ {
		acked = append(acked, putNew(t, s, gen))
	}
	crashed := copyStoreFiles(t, dir)
	// Write half a fourth record after the three.
	id, at := gen.Next()
	torn := appendRecord(nil, &logRecord{seq: 4, id: []byte(id), timeKey: sortKey(at.Format(backend.TimeLayout), id), value: []byte(`{}`)})
	f, err := os.OpenFile(filepath.Join(crashed, "docmeta.db.wal.0"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(torn[:len(torn)/2], s.log.segs[0].off); err != nil {
		t.Fatal(err)
	}
	f.Close()
	r := openAt(t, crashed)
	defer r.Close()
	page, err := r.List(context.Background(), backend.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Documents) != 3 {
		t.Fatalf("%d documents recovered, want the 3 acknowledged", len(page.Documents))
	}
}

// TestScanSegmentChain: the valid records are the chain from the start;
// a bad CRC, a sequence gap, a stale (lower) sequence number, a zero
// length or a length past the end ends it.
func TestScanSegmentChain(t *testing.T) {
	rec := func(seq uint64) []byte {
		return appendRecord(nil, &logRecord{seq: seq, id: []byte("id"), timeKey: []byte("t#id"), value: []byte(`{"a":1}`)})
	}
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	badCRC := rec(6)
	badCRC[4] ^= 1
	for name, tc := range map[string]struct {
		data []byte
		want int
	}{
		"three then zeros":  {cat(rec(5), rec(6), rec(7), make([]byte, 64)), 3},
		"bad crc":           {cat(rec(5), badCRC, rec(7)), 1},
		"gap":               {cat(rec(5), rec(7)), 1},
		"stale after new":   {cat(rec(9), rec(10), rec(3), rec(4)), 2},
		"cut short":         {cat(rec(5), rec(6)[:10]), 1},
		"empty":             {nil, 0},
		"length past end":   {cat(rec(5), []byte{0xff, 0xff, 0, 0, 1, 2, 3, 4}), 1},
		"seq zero is empty": {rec(0), 0},
	} {
		if got := len(scanSegment(tc.data)); got != tc.want {
			t.Errorf("%s: %d records, want %d", name, got, tc.want)
		}
	}
	r := scanSegment(rec(5))[0]
	if r.seq != 5 || string(r.id) != "id" || string(r.timeKey) != "t#id" || string(r.value) != `{"a":1}` {
		t.Fatalf("decoded %+v", r)
	}
}

// copyStoreFiles copies the database and its log, as they are on disk
// now, into a new directory: the state a crash at this moment leaves.
func copyStoreFiles(t *testing.T, dir string) string {
	t.Helper()
	to := t.TempDir()
	for _, name := range []string{"docmeta.db", "docmeta.db.wal.0", "docmeta.db.wal.1"} {
		src, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.Create(filepath.Join(to, name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			t.Fatal(err)
		}
		src.Close()
		if err := dst.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return to
}

func putNew(t *testing.T, s *Store, gen *backend.IDGenerator) string {
	t.Helper()
	id, at := gen.Next()
	if err := s.Put(context.Background(), backend.Document{ID: id, Filename: "w.txt", SHA256: "00", UploadedAt: at}); err != nil {
		t.Fatal(err)
	}
	return id
}

// putConcurrently stores n documents from 32 goroutines and returns their
// IDs.
func putConcurrently(t *testing.T, s *Store, gen *backend.IDGenerator, n int) []string {
	t.Helper()
	ids := make([]string, n)
	errs := make([]error, 32)
	var wg sync.WaitGroup
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += len(errs) {
				id, at := gen.Next()
				if err := s.Put(context.Background(), backend.Document{ID: id, Filename: "report-2026-12.pdf", SizeBytes: 1024,
					SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", ContentType: "application/pdf", UploadedAt: at}); err != nil {
					errs[w] = err
					return
				}
				ids[i] = id
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// TestDeletedDatabaseStaysDeleted: removing docmeta.db (to start afresh)
// leaves its log behind; the new store must not replay it, now or after a
// later crash.
func TestDeletedDatabaseStaysDeleted(t *testing.T) {
	dir, gen := t.TempDir(), &backend.IDGenerator{}
	storeAndClose(t, dir, gen, 3)
	if err := os.Remove(filepath.Join(dir, "docmeta.db")); err != nil {
		t.Fatal(err)
	}
	s := openAt(t, dir)
	t.Cleanup(func() { s.Close() })
	if s.Recovered() != 0 {
		t.Fatalf("the new database replayed %d documents of the deleted one", s.Recovered())
	}
	id := putNew(t, s, gen)
	stopApplier(t, s)
	r := openAt(t, copyStoreFiles(t, dir))
	defer r.Close()
	page, err := r.List(context.Background(), backend.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Documents) != 1 || page.Documents[0].ID != id {
		t.Fatalf("after a crash the new store lists %d documents, want only its own %s", len(page.Documents), id)
	}
}

// TestRecordTooLargeToReplayIsRefused: the log reader stops at a record
// over maxRecordBody, so such a document must be refused, not
// acknowledged: a crash would lose it and every document logged after it
// in its segment.
func TestRecordTooLargeToReplayIsRefused(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	t.Cleanup(func() { s.Close() }) // after stopApplier's release
	ctx := context.Background()
	gen := &backend.IDGenerator{}
	stopApplier(t, s)
	id, at := gen.Next()
	big := backend.Document{ID: id, Filename: "big.txt", UploadedAt: at, DeclaredContentType: strings.Repeat("x", maxRecordBody)}
	err := s.Put(ctx, big)
	acked := []string{putNew(t, s, gen)}
	if err == nil {
		acked = append(acked, id)
	} else if backend.ErrorCode(err) != backend.EINVALID {
		t.Fatalf("Put of a %d-byte document: %v, want success or EINVALID", maxRecordBody, err)
	}
	r := openAt(t, copyStoreFiles(t, dir))
	defer r.Close()
	for _, id := range acked {
		if _, err := r.Get(ctx, id); err != nil {
			t.Fatalf("acknowledged %s lost in a crash: %v", id, err)
		}
	}
}

// TestDamagedLogYieldsAPrefix: a log cut short at any byte (the rest
// zeros, as in a pre-filled segment) or with any byte altered reads back
// as a prefix of what was written, never as a record that was not
// written.
func TestDamagedLogYieldsAPrefix(t *testing.T) {
	var data []byte
	var want []logRecord
	for seq := uint64(7); seq < 27; seq++ {
		r := logRecord{seq: seq, id: []byte(fmt.Sprintf("id-%d", seq)), timeKey: []byte(fmt.Sprintf("t#id-%d", seq)), value: []byte(fmt.Sprintf(`{"n":%d}`, seq))}
		data = appendRecord(data, &r)
		want = append(want, r)
	}
	data = append(data, endOfChain[:]...)
	requirePrefix := func(what string, got []logRecord) {
		t.Helper()
		if len(got) > len(want) {
			t.Fatalf("%s: %d records read, %d written", what, len(got), len(want))
		}
		for i, r := range got {
			w := want[i]
			if r.seq != w.seq || !bytes.Equal(r.id, w.id) || !bytes.Equal(r.timeKey, w.timeKey) || !bytes.Equal(r.value, w.value) {
				t.Fatalf("%s: record %d read as %+v, written as %+v", what, i, r, w)
			}
		}
	}
	requirePrefix("intact", scanSegment(data))
	if n := len(scanSegment(data)); n != len(want) {
		t.Fatalf("intact log: %d records read, want %d", n, len(want))
	}
	for cut := range data {
		damaged := append(bytes.Clone(data[:cut]), make([]byte, len(data)-cut)...)
		requirePrefix(fmt.Sprintf("cut at %d", cut), scanSegment(damaged))
	}
	for at := range data {
		for _, flip := range []byte{0x01, 0x80, 0xff} {
			damaged := bytes.Clone(data)
			damaged[at] ^= flip
			requirePrefix(fmt.Sprintf("byte %d ^ %#x", at, flip), scanSegment(damaged))
		}
	}
}

// TestDeletedDatabaseStaysDeletedAfterACrash: a crash can leave the new,
// empty database beside the deleted one's log, whatever was done to that
// log (a file's removal reaches the disk only with the directory's next
// sync, which may come after the new file's name did). Its documents must
// not come back.
func TestDeletedDatabaseStaysDeletedAfterACrash(t *testing.T) {
	dir, gen := t.TempDir(), &backend.IDGenerator{}
	storeAndClose(t, dir, gen, 3)
	oldLog := copyStoreFiles(t, dir)
	if err := os.Remove(filepath.Join(dir, "docmeta.db")); err != nil {
		t.Fatal(err)
	}
	s := openAt(t, dir) // the new database
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The crash kept the new database but the deleted one's log.
	for _, name := range []string{"docmeta.db.wal.0", "docmeta.db.wal.1"} {
		data, err := os.ReadFile(filepath.Join(oldLog, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := openAt(t, dir)
	defer r.Close()
	page, err := r.List(context.Background(), backend.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Documents) != 0 || r.Recovered() != 0 {
		t.Fatalf("the new database lists %d documents of the deleted one (%d replayed)", len(page.Documents), r.Recovered())
	}
}

// storeAndClose stores n documents in the store at dir and closes it.
func storeAndClose(t *testing.T, dir string, gen *backend.IDGenerator, n int) {
	t.Helper()
	s := openAt(t, dir)
	for i := 0; i < n; i++ {
		putNew(t, s, gen)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestCrashAfterAReplayAndMoreWrites: a store that replayed its log
// writes over that log from the start; a second crash before bbolt holds
// the new documents loses neither the replayed nor the new ones.
func TestCrashAfterAReplayAndMoreWrites(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	t.Cleanup(func() { s.Close() }) // after stopApplier's release
	gen := &backend.IDGenerator{}
	stopApplier(t, s)
	acked := putConcurrently(t, s, gen, 500)
	second := copyStoreFiles(t, dir)
	r := openAt(t, second)
	t.Cleanup(func() { r.Close() })
	if r.Recovered() != len(acked) {
		t.Fatalf("first replay: %d documents, want %d", r.Recovered(), len(acked))
	}
	stopApplier(t, r)
	acked = append(acked, putConcurrently(t, r, gen, 500)...)
	last := openAt(t, copyStoreFiles(t, second))
	defer last.Close()
	for _, id := range acked {
		if _, err := last.Get(context.Background(), id); err != nil {
			t.Fatalf("acknowledged %s lost in the second crash: %v", id, err)
		}
	}
}
