//go:build reliability

// Package reliability proves that docmeta never loses an acknowledged
// upload: under load, through a store outage, through a graceful shutdown,
// and against slow and hostile clients. Every test runs the real server
// binary as its own process on a loopback port (so it can get real signals
// and its memory is its own), built once by TestMain.
//
// Run with `make test-reliability` (part of `make test`), or
// go test -tags reliability ./test/reliability/
// Counts and waits are bounded; nothing here asserts on timing.
package reliability

import (
	"testing"

	"github.com/docmeta/docmeta/internal/gobuild"
)

// serverBin is the docmeta-server binary built for this test run.
var serverBin string

func TestMain(m *testing.M) {
	gobuild.RunWithBinary(m, "reliability", "github.com/docmeta/docmeta/backend/cmd/docmeta-server", &serverBin)
}
