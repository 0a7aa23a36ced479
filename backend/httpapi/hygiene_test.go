package httpapi

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/internal/memstore"
	"github.com/valyala/fasthttp"
)

// TestLoggedPathIsTruncated: a path of many KiB is answered 404 and its
// access line carries at most maxLoggedPath bytes of it.
func TestLoggedPathIsTruncated(t *testing.T) {
	ts := startServer(t, nil)
	long := "/" + strings.Repeat("a", 8<<10)
	wantError(t, ts.do("GET", long, "", nil, ""), http.StatusNotFound, backend.ENOTFOUND)
	var path string
	for _, l := range ts.logs.lines() {
		if l["msg"] == "request" {
			path, _ = l["path"].(string)
		}
	}
	if path == "" || len(path) > maxLoggedPath+32 {
		t.Fatalf("logged path is %d bytes (%.60q...); want at most about %d", len(path), path, maxLoggedPath)
	}
	if !strings.Contains(path, "8193 bytes") {
		t.Errorf("logged path %q does not note the full length", path)
	}
}

// TestBodyReadFailureHidesTheNetworkError: a failed read of the body (here a
// reset connection) is answered with a fixed message; the network error's
// text, with its addresses, stays in the cause for the log.
func TestBodyReadFailureHidesTheNetworkError(t *testing.T) {
	// No server: the classification is all there is to test.
	api, err := New(Config{Store: memstore.New(), Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	st := &uploadState{body: bodyReader{ctx: &fasthttp.RequestCtx{}}}
	netErr := &net.OpError{Op: "read", Net: "tcp", Source: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 7), Port: 8080},
		Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 9), Port: 51234}, Err: syscall.ECONNRESET}
	err = api.bodyError(st, netErr)
	msg := backend.ErrorMessage(err)
	if strings.Contains(msg, "10.0.0") || strings.Contains(msg, "reset") || strings.Contains(msg, "read tcp") {
		t.Fatalf("client message %q carries the network error's text", msg)
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("the cause was dropped: %v", err)
	}
}

// TestMalformedContentTypeMessageIsFixed: the parser's error text is not
// echoed to the client.
func TestMalformedContentTypeMessageIsFixed(t *testing.T) {
	ts := startServer(t, nil)
	msg := wantError(t, ts.do("POST", "/upload", "multipart/form-data; boundary=\"B", strings.NewReader("x"), ""), http.StatusBadRequest, backend.EINVALID)
	if strings.Contains(msg, "mime:") {
		t.Fatalf("message %q echoes the mime package's error", msg)
	}
}
