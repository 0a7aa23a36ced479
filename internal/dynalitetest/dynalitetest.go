// Package dynalitetest starts dynalite, a local DynamoDB-compatible server,
// for tests in any package: on a free loopback port, with its LevelDB files
// in the test's temporary directory, stopped when the test ends.
//
// dynalite is installed from the lock file in tools/dynalite by `make tools`.
// A missing installation fails the test with a message naming that command;
// it is never a reason to skip, because a skipped store test proves nothing.
package dynalitetest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/docmeta/docmeta/internal/testenv"
)

// startTimeout bounds how long Start and Restart wait for dynalite to answer
// HTTP. Node starts it in well under a second; the margin is for a loaded
// 2-core CI machine.
const startTimeout = 10 * time.Second

// Server is one running dynalite process.
type Server struct {
	// Endpoint is the base URL for the DynamoDB client, e.g.
	// "http://127.0.0.1:41234".
	Endpoint string

	tb     testing.TB
	script string // tools/dynalite/node_modules/dynalite/cli.js (via .bin)
	dir    string // LevelDB directory, kept across Restart
	port   int

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has been waited for
	output *testenv.LockedBuffer
}

// Start runs dynalite on a free 127.0.0.1 port and waits until it answers.
// The process is killed when the test (or benchmark) ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	script, err := dynaliteScript()
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{tb: tb, script: script, dir: tb.TempDir()}
	tb.Cleanup(s.Stop)

	// A free port is found by binding port 0 and closing the listener, so
	// another process may take it before dynalite binds it. Retrying with a
	// fresh port makes that race harmless.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		addr, err := testenv.FreeAddr()
		if err != nil {
			tb.Fatalf("dynalitetest: %v", err)
		}
		_, port, _ := net.SplitHostPort(addr)
		s.port, _ = strconv.Atoi(port)
		s.Endpoint = "http://" + addr
		if lastErr = s.start(); lastErr == nil {
			return s
		}
	}
	tb.Fatalf("dynalitetest: %v", lastErr)
	return nil
}

// Stop kills dynalite (its whole process group) and waits for it to exit.
// The data directory is kept, so Restart brings the tables back. Stopping a
// stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

// Restart stops dynalite if it runs and starts it again on the same port and
// data directory, so clients configured with Endpoint reconnect and find
// their tables and items. It fails the test if dynalite does not come back.
func (s *Server) Restart() {
	s.tb.Helper()
	s.mu.Lock()
	s.stopLocked()
	s.mu.Unlock()
	if err := s.start(); err != nil {
		s.tb.Fatalf("dynalitetest: restart on port %d: %v", s.port, err)
	}
}

// start launches the process and waits until it answers HTTP.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &testenv.LockedBuffer{}
	cmd := exec.Command("node", s.script,
		"--host", "127.0.0.1",
		"--port", strconv.Itoa(s.port),
		"--path", s.dir,
		// Tables are ACTIVE at once: tests create a fresh table per
		// subtest and should not sleep for the emulated 500 ms.
		"--createTableMs", "0",
		"--deleteTableMs", "0",
	)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("node is not installed (dynalite needs Node.js 20+): install nodejs, then run `make tools`: %w", err)
		}
		return fmt.Errorf("start dynalite: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	s.cmd, s.exited, s.output = cmd, exited, out

	if err := waitReady(s.Endpoint, exited); err != nil {
		s.stopLocked()
		return fmt.Errorf("dynalite on %s: %w; its output:\n%s", s.Endpoint, err, out.String())
	}
	return nil
}

// stopLocked kills the process group and waits; s.mu must be held.
func (s *Server) stopLocked() {
	if s.cmd == nil {
		return
	}
	// SIGKILL, not SIGTERM: tests use Stop to simulate a store outage, and
	// a killed process is the harsher, more honest case. LevelDB keeps
	// what it wrote to its log, so Restart still finds the tables.
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.exited
	s.cmd = nil
}

// waitReady polls the endpoint until dynalite answers any HTTP response, the
// process exits, or startTimeout passes.
func waitReady(endpoint string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: 500 * time.Millisecond}
	deadline := time.Now().Add(startTimeout)
	for {
		resp, err := client.Get(endpoint)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-exited:
			return errors.New("exited before answering")
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer within %s: %w", startTimeout, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// dynaliteScript finds the installed dynalite CLI under the repository root.
func dynaliteScript() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	return scriptIn(root)
}

// scriptIn finds the dynalite CLI installed by `make tools` under root.
func scriptIn(root string) (string, error) {
	bin := filepath.Join(root, "tools", "dynalite", "node_modules", ".bin", "dynalite")
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("dynalite is not installed at %s: run `make tools` (npm ci in tools/dynalite) first: %v", bin, err)
	}
	return bin, nil
}

// repoRoot walks up from the working directory (the package under test) to
// the directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("dynalitetest: working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("dynalitetest: no go.mod above the working directory; run tests from inside the repository")
		}
		dir = parent
	}
}
