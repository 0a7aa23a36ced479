package dynalitetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend/dynamo"
)

// Region is the region tests sign requests for; dynalite accepts any.
const Region = "us-east-1"

var tableSeq atomic.Int64

// Config returns the dynamo.Config for a table on this server.
func (s *Server) Config(table string) dynamo.Config {
	return dynamo.Config{Region: Region, Table: table, Endpoint: s.Endpoint}
}

// NewTable creates a docmeta table with a name unique in this test process
// (so subtests sharing one server start empty) and returns its config.
func (s *Server) NewTable(tb testing.TB) dynamo.Config {
	tb.Helper()
	cfg := s.Config(fmt.Sprintf("docmeta-test-%d", tableSeq.Add(1)))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := dynamo.CreateTable(ctx, cfg); err != nil {
		tb.Fatalf("dynalitetest: %v", err)
	}
	return cfg
}
