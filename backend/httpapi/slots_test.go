package httpapi

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
)

// TestUploadCapAnswers503AtOnce: with one upload slot taken by a slow
// upload, the next upload gets 503 with Retry-After without its body being
// read (here, before it is sent); once the slot frees, uploads succeed.
func TestUploadCapAnswers503AtOnce(t *testing.T) {
	ts := startTCPServer(t, func(c *Config) { c.MaxConcurrentUploads = 1 })
	ct, body := multipartBody(t, [3]string{"file", "a.txt", "hello"})
	head := func(extra string) string {
		return fmt.Sprintf("POST /upload HTTP/1.1\r\nHost: docmeta\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n",
			testKey, ct, body.Len(), extra)
	}
	// The slow upload: its head and part of its body, then a pause.
	slow := dialTCP(t, ts)
	io.WriteString(slow, head(""))
	slow.Write(body.Bytes()[:10])
	waitFor(t, "the slow upload to take its slot", func() bool { return ts.api.uploads.n.Load() == 1 })

	for _, extra := range []string{"", "Expect: 100-continue\r\n"} {
		c := dialTCP(t, ts)
		io.WriteString(c, head(extra))
		if extra == "" {
			// fasthttp waits for the body's first byte before calling
			// the handler; the rest must not be needed.
			c.Write(body.Bytes()[:1])
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Header.Get("Retry-After") == "" {
			t.Errorf("%q: 503 without Retry-After", extra)
		}
		wantError(t, resp, http.StatusServiceUnavailable, backend.EUNAVAILABLE)
	}

	slow.Write(body.Bytes()[10:])
	resp, err := http.ReadResponse(bufio.NewReader(slow), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("the slow upload got %d; want 201", resp.StatusCode)
	}
	waitFor(t, "the slot to be released", func() bool { return ts.api.uploads.n.Load() == 0 })
	c := dialTCP(t, ts)
	io.WriteString(c, head(""))
	c.Write(body.Bytes())
	resp, err = http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("an upload after the slot freed got %d; want 201", resp.StatusCode)
	}
}

// waitFor polls cond until it holds or tcpTimeout passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(tcpTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
