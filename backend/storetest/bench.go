package storetest

import (
	"context"
	"runtime"
	"testing"

	"github.com/docmeta/docmeta/backend"
)

// BenchmarkPutParallel measures s.Put throughput with 64 concurrent writers,
// the upload benchmark's client count, and reports puts/s. Each store's
// BenchmarkPutParallel calls it, so both measure the same workload.
func BenchmarkPutParallel(b *testing.B, s backend.Store) {
	gen := &backend.IDGenerator{}
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.Put(context.Background(), benchDoc(gen)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
}

// BenchmarkPutSerial measures s.Put from a single writer, the latency one
// client uploading a folder file by file sees, and reports puts/s.
func BenchmarkPutSerial(b *testing.B, s backend.Store) {
	gen := &backend.IDGenerator{}
	for i := 0; i < b.N; i++ {
		if err := s.Put(context.Background(), benchDoc(gen)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "puts/s")
}

// benchDoc is a new document as a 1 KiB text upload stores it.
func benchDoc(gen *backend.IDGenerator) backend.Document {
	id, at := gen.Next()
	return backend.Document{ID: id, Filename: "bench.txt", SizeBytes: 1024, UploadedAt: at,
		SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", ContentType: "text/plain; charset=utf-8"}
}
