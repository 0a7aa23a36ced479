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
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// serverBin is the docmeta-server binary built for this test run.
var serverBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "docmeta-reliability-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	serverBin = filepath.Join(dir, "docmeta-server")
	build := exec.Command("go", "build", "-o", serverBin, "github.com/docmeta/docmeta/backend/cmd/docmeta-server")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "reliability: building the server failed (needs the go tool on PATH): %v\n", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
