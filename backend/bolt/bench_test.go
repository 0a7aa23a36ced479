package bolt

import (
	"context"
	"runtime"
	"testing"

	"github.com/docmeta/docmeta/backend"
)

// BenchmarkPutParallel measures Put throughput with 64 concurrent writers,
// the upload benchmark's client count, each Put fsynced through group
// commit: go test -run '^$' -bench PutParallel ./backend/bolt/
func BenchmarkPutParallel(b *testing.B) {
	s, err := Open(b.TempDir() + "/docmeta.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	gen := &backend.IDGenerator{}
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id, at := gen.Next()
			doc := backend.Document{ID: id, Filename: "bench.txt", SizeBytes: 1024, UploadedAt: at,
				SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", ContentType: "text/plain; charset=utf-8"}
			if err := s.Put(context.Background(), doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
}
