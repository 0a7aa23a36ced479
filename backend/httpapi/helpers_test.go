package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/internal/memstore"
	"github.com/valyala/fasthttp/fasthttputil"

	"github.com/docmeta/docmeta/internal/testenv"
)

const testKey = "test-key-0123456789abcdef"

// testServer is the API served over an in-memory listener.
type testServer struct {
	t      *testing.T
	api    *API
	store  *memstore.Store
	ln     *fasthttputil.InmemoryListener // in-memory servers only
	addr   string                         // TCP servers only
	client *http.Client
	logs   *syncBuffer
}

// syncBuffer collects log output written from server goroutines.
type syncBuffer struct{ testenv.LockedBuffer }

func (s *syncBuffer) lines() []map[string]any {
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// startServer serves an API over an in-memory listener; edit adjusts the
// config (nil keeps the defaults: one API key, 1 MiB uploads).
func startServer(t *testing.T, edit func(*Config)) *testServer {
	t.Helper()
	ln := fasthttputil.NewInmemoryListener()
	ts := startServerOn(t, ln, edit)
	ts.ln = ln
	ts.client = &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) {
			return ln.Dial()
		}},
	}
	t.Cleanup(ts.client.CloseIdleConnections)
	return ts
}

// startTCPServer serves an API on a loopback TCP port, for tests of what
// only a real socket shows (half-close, resets); ts.addr is its address.
func startTCPServer(t *testing.T, edit func(*Config)) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := startServerOn(t, ln, edit)
	ts.addr = ln.Addr().String()
	return ts
}

// startServerOn serves an API on ln until the test ends.
func startServerOn(t *testing.T, ln net.Listener, edit func(*Config)) *testServer {
	t.Helper()
	ts := &testServer{t: t, store: memstore.New(), logs: &syncBuffer{}}
	cfg := Config{
		Store: ts.store, StoreName: "memory", Version: "test", APIKeys: []string{testKey},
		MaxUploadBytes: 1 << 20, Logger: slog.New(slog.NewJSONHandler(ts.logs, nil)),
	}
	if edit != nil {
		edit(&cfg)
	}
	api, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts.api = api
	srv := api.Server()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(api.Listener(ln)) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.ShutdownWithContext(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ts
}

// do sends a request with the test key unless auth is "none"; auth "" means
// the test key.
func (ts *testServer) do(method, path, contentType string, body io.Reader, auth string) *http.Response {
	ts.t.Helper()
	req, err := http.NewRequest(method, "http://docmeta.test"+path, body)
	if err != nil {
		ts.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	switch auth {
	case "":
		req.Header.Set("Authorization", "Bearer "+testKey)
	case "none":
	default:
		req.Header.Set("Authorization", auth)
	}
	resp, err := ts.client.Do(req)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

// raw writes a hand-made request on a fresh connection and reads one
// response.
func (ts *testServer) raw(request string) *http.Response {
	ts.t.Helper()
	c, err := ts.ln.Dial()
	if err != nil {
		ts.t.Fatal(err)
	}
	ts.t.Cleanup(func() { c.Close() })
	go func() { _, _ = io.WriteString(c, request) }()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		ts.t.Fatalf("reading the response: %v", err)
	}
	return resp
}

// multipartBody builds a body with one part per (field, filename, content)
// triple; a filename of "" makes a plain form field.
func multipartBody(t *testing.T, parts ...[3]string) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, p := range parts {
		var pw io.Writer
		var err error
		if p[1] == "" {
			pw, err = w.CreateFormField(p[0])
		} else {
			pw, err = w.CreateFormFile(p[0], p[1])
		}
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(pw, p[2])
	}
	w.Close()
	return w.FormDataContentType(), &b
}

// decode reads a JSON response body into v and closes it.
func decode(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("status %d: body %q is not JSON: %v", resp.StatusCode, b, err)
	}
}

// wantError checks a JSON error response.
func wantError(t *testing.T, resp *http.Response, status int, code string) string {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if resp.StatusCode != status {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d (%s), want %d", resp.StatusCode, b, status)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("error Content-Type %q, want application/json", ct)
	}
	decode(t, resp, &e)
	if e.Error.Code != code || e.Error.Message == "" {
		t.Fatalf("error body %+v, want code %q and a message", e, code)
	}
	return e.Error.Message
}

func uploadDoc(t *testing.T, ts *testServer, name, content string) backend.Document {
	t.Helper()
	ct, body := multipartBody(t, [3]string{"file", name, content})
	resp := ts.do("POST", "/upload", ct, body, "")
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("upload: status %d: %s", resp.StatusCode, b)
	}
	var d backend.Document
	decode(t, resp, &d)
	return d
}
