package httpapi

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSlowDripUploadIsCut: a client that sends its body one byte at a
// time, far below the minimum rate, used to keep the upload open until the
// upload timeout, because every byte moved the read deadline. Now the
// deadline moves only when DefaultMinUploadBytes arrived within the read
// timeout, so the upload ends after about one read timeout with a 400 (or a
// closed connection) and an access line that says why, while other
// clients are served.
func TestSlowDripUploadIsCut(t *testing.T) {
	const (
		readTimeout = 500 * time.Millisecond
		// One byte every 50 ms is 10 bytes per read timeout, a hundredth
		// of the default minimum.
		drip = 50 * time.Millisecond
		// How long the test waits for the cut: 30 read timeouts, and far
		// below the upload timeout, so only the rate guard can cut it.
		bound = 15 * time.Second
	)
	ts := startServer(t, func(c *Config) { c.ReadTimeout = readTimeout; c.UploadTimeout = 10 * time.Minute })
	c, err := ts.ln.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	head := "POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + testKey +
		"\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: 100000\r\n\r\n" +
		"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"drip.txt\"\r\n\r\n"
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	stop, dripped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(dripped)
		tick := time.NewTicker(drip)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			_ = c.SetWriteDeadline(time.Now().Add(time.Second))
			if _, err := c.Write([]byte{'x'}); err != nil {
				return // the server closed the connection
			}
		}
	}()
	defer func() { close(stop); <-dripped }()

	// Others are served while the drip goes on.
	other := uploadDoc(t, ts, "other.txt", "served meanwhile")
	if resp := ts.do("GET", "/status", "", nil, "none"); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /status during the drip: %d", resp.StatusCode)
	}

	_ = c.SetReadDeadline(time.Now().Add(bound))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	var ne interface{ Timeout() bool }
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatalf("the dripping upload was still open after %s with a read timeout of %s: every byte moved the deadline", bound, readTimeout)
	case err != nil:
		// Closed without an answer: allowed, the access line says why.
	default:
		msg := wantError(t, resp, http.StatusBadRequest, "invalid")
		if !strings.Contains(msg, "too slowly") || !resp.Close {
			t.Errorf("answer %q (close %v); want the minimum rate named and the connection closed", msg, resp.Close)
		}
	}

	var line map[string]any
	for _, l := range ts.logs.lines() {
		if l["path"] == "/upload" && l["status"] == float64(http.StatusBadRequest) {
			line = l
		}
	}
	if e, _ := line["error"].(string); !strings.Contains(e, "too slowly") || !strings.Contains(e, "1024 bytes") {
		t.Errorf("access line %v; want the error to name the minimum rate", line)
	}
	if n, _ := ts.store.State(); n != 1 {
		t.Errorf("%d documents stored; want only the other client's upload", n)
	}
	if _, err := ts.store.Get(t.Context(), other.ID); err != nil {
		t.Errorf("the other client's upload: %v", err)
	}
}
