package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// makeDryRun prints the recipe `make -n` would run for args in the
// repository root (nothing is executed).
func makeDryRun(t *testing.T, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatalf("make not found: install it (apt-get install make; .ci/run does)")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("make", append([]string{"-n", "--no-print-directory", "-C", root}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make -n %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// `make console` must leave the server to the binary: a forced --url would
// point an AWS-mode console (--outputs) at localhost.
func TestMakeConsoleDoesNotForceTheURL(t *testing.T) {
	out := makeDryRun(t, "console", "CONSOLE_FLAGS=--outputs outputs.json")
	if !strings.Contains(out, "bin/docmeta-console --outputs outputs.json") {
		t.Errorf("make console does not pass CONSOLE_FLAGS through:\n%s", out)
	}
	if strings.Contains(out, "--url") {
		t.Errorf("make console forces --url:\n%s", out)
	}
}

// `make test` runs the console tests once, through test-go's ./... .
func TestMakeTestRunsConsoleTestsOnce(t *testing.T) {
	out := makeDryRun(t, "test")
	if !strings.Contains(out, "test -count=1 ./...\n") {
		t.Errorf("make test no longer runs go test ./... (which holds ./tui/...):\n%s", out)
	}
	if strings.Contains(out, "./tui/...") {
		t.Errorf("make test runs ./tui/... a second time:\n%s", out)
	}
}
