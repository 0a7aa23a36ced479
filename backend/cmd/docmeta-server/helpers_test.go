package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"

	"github.com/docmeta/docmeta/internal/testenv"
)

// testTimeout bounds every wait in these tests, so a hang fails instead of
// blocking the suite.
const testTimeout = 30 * time.Second

// logBuffer is run's stdout: it keeps the lines and reports the address of
// the "listening" line, the way scripts and operators find a port-0 server.
type logBuffer struct {
	mu        sync.Mutex
	b         bytes.Buffer
	listening chan string
	found     bool
}

func newLogBuffer() *logBuffer { return &logBuffer{listening: make(chan string, 1)} }

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Write(p)
	for _, line := range strings.Split(string(p), "\n") {
		var m struct{ Msg, Addr string }
		if !l.found && json.Unmarshal([]byte(line), &m) == nil && m.Msg == "listening" {
			l.found = true
			l.listening <- m.Addr
		}
	}
	return len(p), nil
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// server is run() started in this process.
type server struct {
	t      *testing.T
	url    string
	cancel context.CancelFunc
	done   chan error
	out    *logBuffer
	key    string
}

// env builds a getenv from pairs; DOCMETA_ADDR defaults to a free loopback
// port and DOCMETA_DATA_DIR to a fresh directory.
func env(t *testing.T, kv map[string]string) func(string) string {
	m := map[string]string{"DOCMETA_ADDR": "127.0.0.1:0", "DOCMETA_DATA_DIR": t.TempDir()}
	for k, v := range kv {
		m[k] = v
	}
	return testenv.Getenv(m)
}

// start runs the server until the test ends (or stop is called) and waits
// for its "listening" line.
func start(t *testing.T, getenv func(string) string, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{t: t, cancel: cancel, done: make(chan error, 1), out: newLogBuffer(), key: strings.Split(getenv("DOCMETA_API_KEYS"), ",")[0]}
	var stderr bytes.Buffer
	go func() { s.done <- run(ctx, args, getenv, s.out, &stderr) }()
	select {
	case addr := <-s.out.listening:
		s.url = "http://" + addr
	case err := <-s.done:
		cancel()
		t.Fatalf("run returned before listening: %v\nstdout:\n%s", err, s.out)
	case <-time.After(testTimeout):
		cancel()
		t.Fatalf("no listening line within %s:\n%s", testTimeout, s.out)
	}
	t.Cleanup(func() {
		if s.done != nil {
			s.stop()
		}
	})
	return s
}

// stop cancels run's context, as SIGTERM does, and requires a clean exit.
func (s *server) stop() {
	s.t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil {
			s.t.Errorf("run returned %v on shutdown", err)
		}
	case <-time.After(testTimeout):
		s.t.Errorf("run did not return within %s of shutdown", testTimeout)
	}
	s.done = nil
}

// runError runs the server expecting it to refuse to start, and returns
// the error message.
func runError(t *testing.T, getenv func(string) string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	out := newLogBuffer()
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, getenv, out, io.Discard) }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("run returned nil; want a startup error\n%s", out)
		}
		return err.Error()
	case addr := <-out.listening:
		cancel()
		<-done
		t.Fatalf("the server started on %s; want a startup error", addr)
	}
	return ""
}

var client = &http.Client{Timeout: testTimeout}

func (s *server) request(method, path, contentType string, body io.Reader, key string) (int, []byte) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp.StatusCode, b
}

func (s *server) upload(name, content string) backend.Document {
	s.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, _ := w.CreateFormFile("file", name)
	io.WriteString(fw, content)
	w.Close()
	status, body := s.request("POST", "/upload", w.FormDataContentType(), &b, s.key)
	if status != http.StatusCreated {
		s.t.Fatalf("upload %s: status %d: %s", name, status, body)
	}
	var d backend.Document
	if err := json.Unmarshal(body, &d); err != nil {
		s.t.Fatal(err)
	}
	return d
}

func (s *server) list(query string) backend.Page {
	s.t.Helper()
	status, body := s.request("GET", "/documents"+query, "", nil, s.key)
	if status != http.StatusOK {
		s.t.Fatalf("list: status %d: %s", status, body)
	}
	var p backend.Page
	if err := json.Unmarshal(body, &p); err != nil {
		s.t.Fatal(err)
	}
	return p
}

func ids(docs []backend.Document) string {
	var b strings.Builder
	for _, d := range docs {
		fmt.Fprintf(&b, "%s ", d.ID)
	}
	return b.String()
}
