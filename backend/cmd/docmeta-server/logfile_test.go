package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLogFileReopensOnSIGHUP plays logrotate without copytruncate: rename
// the file, send SIGHUP, and new lines must land in a new file at the
// configured path.
func TestLogFileReopensOnSIGHUP(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docmeta.log")
	s := start(t, env(t, map[string]string{"DOCMETA_LOG_FILE": path}))
	rotated := path + ".1"
	if err := os.Rename(path, rotated); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitForFile(t, path, `"msg":"log file reopened"`)
	s.request("GET", "/status", "", nil, "")
	waitForFile(t, path, `"path":"/status"`)
	s.stop()

	old, _ := os.ReadFile(rotated)
	if !strings.Contains(string(old), `"msg":"listening"`) || strings.Contains(string(old), `"path":"/status"`) {
		t.Fatalf("rotated file:\n%s", old)
	}
	if !strings.Contains(s.out.String(), `"path":"/status"`) {
		t.Fatalf("stdout lacks the access line:\n%s", s.out)
	}
}

// waitForFile polls until the file contains want; lines are flushed every
// logFlushInterval.
func waitForFile(t *testing.T, path, want string) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for {
		b, _ := os.ReadFile(path)
		if strings.Contains(string(b), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never contained %s; it holds:\n%s", path, want, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
