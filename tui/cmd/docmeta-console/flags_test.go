package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/internal/testenv"
)

func TestHelpListsKeysAndExamples(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"--help"}, testenv.Getenv(nil), strings.NewReader(""), io.Discard, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Keys:", "? ", "full help", "q, ctrl+c", "y            copy the selected ID (OSC 52)",
		"Examples:", "docmeta-console --outputs outputs.json", "-debug-log FILE", "-costs-interval", "-health-interval", "-version"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help lacks %q:\n%s", want, out.String())
		}
	}
}

func TestVersionPrintsTheBuild(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), []string{"--version"}, testenv.Getenv(nil), strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	// go test builds carry no VCS stamp: "dev".
	if got := out.String(); got != "docmeta-console dev\n" {
		t.Errorf("--version printed %q", got)
	}
}

func TestIntervalFlags(t *testing.T) {
	c, err := parseConfig([]string{"--costs-interval", "2h", "--health-interval", "0"}, testenv.Getenv(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.interval != 15*time.Second || c.costsInterval != 2*time.Hour || c.healthInterval != 0 {
		t.Errorf("intervals = %s, %s, %s", c.interval, c.costsInterval, c.healthInterval)
	}
	c, _ = parseConfig(nil, testenv.Getenv(nil), io.Discard)
	if c.costsInterval != time.Hour || c.healthInterval != time.Minute {
		t.Errorf("default intervals = costs %s, health %s; want 1h, 1m", c.costsInterval, c.healthInterval)
	}
	if _, err := parseConfig([]string{"--costs-interval", "10ms"}, testenv.Getenv(nil), io.Discard); err == nil ||
		!strings.Contains(err.Error(), "--costs-interval 10ms must be 0 (off) or at least 1s") {
		t.Errorf("10ms costs interval: %v", err)
	}
}

// --debug-log records every fetch with its view, duration and error: here a
// server that refuses connections, so each fetch fails.
func TestDebugLogRecordsEveryFetch(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close() // nothing listens there now: connection refused
	logPath := filepath.Join(t.TempDir(), "console.log")
	stdin, keys := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(t.Context(), []string{"--url", url, "--debug-log", logPath}, testenv.Getenv(nil), stdin, io.Discard, io.Discard)
	}()
	var lines []map[string]any
	deadline := time.Now().Add(30 * time.Second) // a bound against a hang on a loaded machine
	for len(lines) < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		lines = readLog(t, logPath)
	}
	keys.Write([]byte("q"))
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	lines = readLog(t, logPath)
	views := map[string]bool{}
	for _, l := range lines {
		if l["msg"] != "fetch" {
			continue
		}
		view := l["view"].(string)
		views[view] = true
		if view == "Costs" { // the local cost model needs no network
			continue
		}
		if l["duration"] == nil || l["problem"] != "unreachable" || !strings.Contains(l["error"].(string), "refused") {
			t.Errorf("fetch line lacks duration / problem / error: %v", l)
		}
	}
	if !views["Documents"] || !views["Fleet"] {
		t.Errorf("log has fetches of %v, want Documents and Fleet:\n%v", views, lines)
	}
}

func readLog(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}
