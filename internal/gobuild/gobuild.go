// Package gobuild builds this module's commands for tests that run the real
// process (exit codes, signals, peak memory, a terminal), so every such test
// builds the same way and says the same thing when it cannot.
package gobuild

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
)

// Binary builds the command pkg (an import path) into dir and returns the
// executable's path, named after the package's last element.
func Binary(dir, pkg string) (string, error) {
	out := filepath.Join(dir, path.Base(pkg))
	cmd := exec.Command("go", "build", "-o", out, pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s (needs the go tool on PATH): %v\n%s", pkg, err, b)
	}
	return out, nil
}

// TempBinary builds pkg into a new temporary directory; cleanup removes it.
// It suits TestMain, which has no testing.TB to clean up after it.
func TempBinary(pkg string) (bin string, cleanup func(), err error) {
	dir, err := os.MkdirTemp("", "docmeta-build-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	if bin, err = Binary(dir, pkg); err != nil {
		cleanup()
		return "", nil, err
	}
	return bin, cleanup, nil
}

// RunWithBinary is a TestMain body: it builds pkg into *bin, runs the
// tests and exits with their status, removing the binary first. A build
// failure exits 1 with a line starting with label.
func RunWithBinary(m interface{ Run() int }, label, pkg string, bin *string) {
	b, cleanup, err := TempBinary(pkg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: building %s failed: %v\n", label, path.Base(pkg), err)
		os.Exit(1)
	}
	*bin = b
	code := m.Run()
	cleanup()
	os.Exit(code)
}
