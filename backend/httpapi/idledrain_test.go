package httpapi

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/docmeta/docmeta/internal/memstore"
)

// TestShutdownClosesIdleConnAfterErrorAtOnce: a keep-alive connection whose
// last answer was an error (here a 404) and that is now idle must be closed
// at once by a graceful shutdown, not drained: it has no unread input, and
// while Shutdown's sweep closes it the connection's own goroutine is still
// waiting to read the next request, which a drain would hold for
// drainTimeout (and read concurrently with).
func TestShutdownClosesIdleConnAfterErrorAtOnce(t *testing.T) {
	api, err := New(Config{Store: memstore.New(), APIKeys: []string{testKey}, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := api.Server()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(api.Listener(ln)) }()

	c, err := net.DialTimeout("tcp", ln.Addr().String(), tcpTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(tcpTimeout))
	io.WriteString(c, "GET /nowhere HTTP/1.1\r\nHost: docmeta\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || resp.Close {
		t.Fatalf("got %d (close %v); want a keep-alive 404", resp.StatusCode, resp.Close)
	}
	// fasthttp's sweep counts a connection as idle only after its last
	// request is a second old.
	time.Sleep(1100 * time.Millisecond)

	start := time.Now()
	if err := srv.Shutdown(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > drainTimeout/2 {
		t.Fatalf("Shutdown took %v with one idle keep-alive connection; want it closed at once, not drained (%v)", took, drainTimeout)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}
