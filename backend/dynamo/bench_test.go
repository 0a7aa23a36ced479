package dynamo_test

import (
	"context"
	"testing"

	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/backend/storetest"
	"github.com/docmeta/docmeta/internal/dynalitetest"
)

// BenchmarkPutParallel measures Put throughput against dynalite with 64
// concurrent writers: go test -run '^$' -bench PutParallel ./backend/dynamo/
func BenchmarkPutParallel(b *testing.B) {
	srv := dynalitetest.Start(b)
	s, err := dynamo.Open(context.Background(), srv.NewTable(b))
	if err != nil {
		b.Fatal(err)
	}
	storetest.BenchmarkPutParallel(b, s)
}
