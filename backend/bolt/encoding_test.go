package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/docmeta/docmeta/backend"
)

// TestStoredValueIsTheDocumentJSON: Put writes doc.MarshalJSON() and not
// json.Marshal(doc); the stored bytes must be exactly what json.Marshal
// wrote before, so files of earlier versions and new ones hold one format.
// The documents carry what json.Marshal treats specially: HTML characters
// (escaped), U+2028/U+2029 (escaped), invalid UTF-8 (replaced), quotes,
// backslashes and control characters.
func TestStoredValueIsTheDocumentJSON(t *testing.T) {
	s := openTemp(t)
	t.Cleanup(func() { s.Close() })
	gen := &backend.IDGenerator{}
	docs := []backend.Document{
		{Filename: "test.txt", SizeBytes: 6, SHA256: "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
			ContentType: "text/plain; charset=utf-8", DeclaredContentType: "text/plain"},
		{Filename: "<script>&amp;\u2028\u2029.html", SizeBytes: 1 << 40, ContentType: "text/html; charset=utf-8",
			DeclaredContentType: "a\"b\\c\x01\x7f\xff\xfe"},
		{Filename: "é日本語🙂.pdf"},
	}
	for i, d := range docs {
		d.ID, d.UploadedAt = gen.Next()
		if i == 2 {
			d.UploadedAt = time.Date(2026, 11, 27, 7, 16, 1, 40313000, time.FixedZone("x", 3600))
		}
		if err := s.Put(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		var stored []byte
		if err := s.view(context.Background(), func(tx *bbolt.Tx) error {
			stored = bytes.Clone(tx.Bucket(docsBucket).Get([]byte(d.ID)))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(stored, want) {
			t.Errorf("document %d stored as\n%s\nwant json.Marshal's\n%s", i, stored, want)
		}
	}
}

// TestRecordBodyLenIsTheEncodedSize: the size Put checks against
// maxRecordBody is the size the log writes.
func TestRecordBodyLenIsTheEncodedSize(t *testing.T) {
	for _, r := range []logRecord{
		{seq: 1, id: []byte("a"), timeKey: []byte("t#a"), value: []byte("{}")},
		{seq: 1 << 40, id: bytes.Repeat([]byte("i"), 200), timeKey: bytes.Repeat([]byte("k"), 300), value: bytes.Repeat([]byte("v"), 70000)},
	} {
		if got, want := r.bodyLen(), len(appendRecord(nil, &r))-8; got != want {
			t.Errorf("bodyLen() = %d, encoded body is %d bytes", got, want)
		}
	}
}
