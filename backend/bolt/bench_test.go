package bolt

import (
	"testing"

	"github.com/docmeta/docmeta/backend/storetest"
)

// BenchmarkPutParallel measures Put throughput with 64 concurrent writers,
// each Put synced in a shared write-ahead log batch:
// go test -run '^$' -bench PutParallel ./backend/bolt/
func BenchmarkPutParallel(b *testing.B) {
	s, err := Open(b.TempDir() + "/docmeta.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchmarkPutParallel(b, s)
}

// BenchmarkPutSerial measures one writer's Put latency (one client
// uploading files one at a time): each Put is a log batch of its own, so
// this is about one write and fdatasync:
// go test -run '^$' -bench PutSerial ./backend/bolt/
func BenchmarkPutSerial(b *testing.B) {
	s, err := Open(b.TempDir() + "/docmeta.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchmarkPutSerial(b, s)
}
