package main

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/internal/testenv"
)

// In tmux, `y` must send the plain OSC 52 that `set-clipboard on` (what
// the README asks for) takes: tmux 3.3+ drops the DCS passthrough
// wrapping unless allow-passthrough is on, which is off by default.
func TestCopyInTmuxSendsPlainOSC52(t *testing.T) {
	listed := make(chan struct{}, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/documents" {
			defer func() { listed <- struct{}{} }()
			io.WriteString(w, `{"documents":[{"id":"doc-0001","filename":"report.pdf","size_bytes":10,`+
				`"uploaded_at":"2026-11-27T10:00:00Z","sha256":"ab","content_type":"application/pdf"}]}`)
			return
		}
		io.WriteString(w, `{"status":"ok","version":"test","store":"bolt"}`)
	}))
	defer srv.Close()
	getenv := testenv.Getenv(map[string]string{"TMUX": "/tmp/tmux-1000/default,1,0"})
	stdin, keys := io.Pipe()
	out := &testenv.LockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(t.Context(), []string{"--url", srv.URL, "--interval", "0"}, getenv, stdin, out, io.Discard)
	}()
	plain := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("doc-0001"))
	// No terminal: nothing is drawn, but the table holds the page once
	// the server answered it.
	select {
	case <-listed:
	case <-time.After(10 * time.Second):
		t.Error("the documents were never listed")
	}
	time.Sleep(200 * time.Millisecond) // the answer reaches the view
	keys.Write([]byte("y"))
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !strings.Contains(out.String(), "]52;c;"); {
		time.Sleep(50 * time.Millisecond)
	}
	keys.Write([]byte("q"))
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(out.String(), plain) || strings.Contains(out.String(), "\x1bPtmux;") {
		t.Errorf("copy in tmux: OSC 52 sent %v, wrapped in tmux passthrough %v",
			strings.Contains(out.String(), plain), strings.Contains(out.String(), "\x1bPtmux;"))
	}
}
