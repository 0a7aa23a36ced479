package bolt

import (
	"testing"

	"github.com/docmeta/docmeta/backend/storetest"
)

// BenchmarkPutParallel measures Put throughput with 64 concurrent writers,
// each Put fsynced through group commit:
// go test -run '^$' -bench PutParallel ./backend/bolt/
func BenchmarkPutParallel(b *testing.B) {
	s, err := Open(b.TempDir() + "/docmeta.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchmarkPutParallel(b, s)
}
