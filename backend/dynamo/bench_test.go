package dynamo_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/internal/dynalitetest"
)

// BenchmarkPutParallel measures Put throughput against dynalite with 64
// concurrent writers, the upload benchmark's client count:
// go test -run '^$' -bench PutParallel ./backend/dynamo/
func BenchmarkPutParallel(b *testing.B) {
	srv := dynalitetest.Start(b)
	s, err := dynamo.Open(context.Background(), srv.NewTable(b))
	if err != nil {
		b.Fatal(err)
	}
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
