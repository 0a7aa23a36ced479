package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/internal/testenv"
)

func dial(t *testing.T, s *server) *net.TCPConn {
	t.Helper()
	return testenv.Dial(t, strings.TrimPrefix(s.url, "http://"), testTimeout).(*net.TCPConn)
}

const uploadHead = "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: %d\r\n\r\n"

const partHead = "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.txt\"\r\n\r\n"

// TestSlowClientsAreCut: a client that never finishes its head, stalls in
// its body, or drips its body below the minimum upload rate loses its
// connection after about a read timeout (not the upload timeout), while
// others are served.
func TestSlowClientsAreCut(t *testing.T) {
	s := start(t, env(t, nil), "-read-timeout", "300ms", "-upload-timeout", "10m")

	slowHead := dial(t, s)
	io.WriteString(slowHead, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-")
	stalledBody := dial(t, s)
	fmt.Fprintf(stalledBody, uploadHead+partHead+"only the start", 1000)
	// One byte every 50 ms: 6 bytes per read timeout, against the default
	// minimum of 1024.
	drippingBody := dial(t, s)
	fmt.Fprintf(drippingBody, uploadHead+partHead, 100000)
	stop, dripped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(dripped)
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			if _, err := drippingBody.Write([]byte{'x'}); err != nil {
				return // cut
			}
		}
	}()
	defer func() { close(stop); <-dripped }()

	if status, _ := s.request("GET", "/status", "", nil, ""); status != http.StatusOK {
		t.Fatalf("status %d while slow clients hold connections", status)
	}
	// Every connection ends: read until EOF (a bounded deadline is set).
	if _, err := io.ReadAll(slowHead); err != nil {
		t.Fatalf("slow head: %v (the connection was not cut)", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(stalledBody), nil)
	if err != nil {
		t.Fatalf("stalled body: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "read timeout") || !resp.Close {
		t.Fatalf("stalled body: %d %s (close %v)", resp.StatusCode, body, resp.Close)
	}
	// The dripping client may see the answer, or (writing into a closed
	// connection) a reset; either way the connection must end before the
	// test's bound, far below the upload timeout.
	resp, err = http.ReadResponse(bufio.NewReader(drippingBody), nil)
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatalf("dripping body: still open after %s: the deadline moved with every byte", testTimeout)
	case err == nil:
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "too slowly") || !resp.Close {
			t.Fatalf("dripping body: %d %s (close %v)", resp.StatusCode, body, resp.Close)
		}
	}
	if p := s.list(""); len(p.Documents) != 0 {
		t.Fatalf("%d documents stored", len(p.Documents))
	}
}

// TestSlowSteadyUploadSucceeds: an upload that takes several read timeouts
// in total but keeps the minimum rate is accepted; the deadline moves with
// the bytes. The pause between writes is a twentieth of the read timeout
// and the minimum rate (-min-upload-rate, which this also proves is
// applied: the default 1024 would cut this upload) is reached after three
// writes, so a write may be late by 1.7 s (a loaded 2-core machine) before
// the test would fail for the wrong reason.
func TestSlowSteadyUploadSucceeds(t *testing.T) {
	const readTimeout = 2 * time.Second
	const pause = readTimeout / 20
	const writes = 50 // 50 pauses: 2.5 read timeouts in all
	s := start(t, env(t, nil), "-read-timeout", readTimeout.String(), "-upload-timeout", "60s", "-min-upload-rate", "64")
	c := dial(t, s)
	body := partHead + strings.Repeat("x", 1000) + "\r\n--B--\r\n"
	chunk := (len(body) + writes - 1) / writes // 22 bytes: 440 per read timeout
	fmt.Fprintf(c, uploadHead, len(body))
	began := time.Now()
	for i := 0; i < len(body); i += chunk {
		time.Sleep(pause)
		io.WriteString(c, body[i:min(i+chunk, len(body))])
	}
	// Sleeps last at least as long as asked, so this holds on any
	// machine; it guards the test's premise, not the server's speed.
	if took := time.Since(began); took < 2*readTimeout {
		t.Fatalf("the body took %s, not over two read timeouts; the test proves nothing", took)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
}

// TestTruncatedBodyOverTCP: the client closes its side mid-body; the
// server answers 400 and stores nothing.
func TestTruncatedBodyOverTCP(t *testing.T) {
	s := start(t, env(t, nil))
	c := dial(t, s)
	fmt.Fprintf(c, uploadHead+partHead+"half of it", 1000)
	c.CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), `"invalid"`) {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	if p := s.list(""); len(p.Documents) != 0 {
		t.Fatalf("%d documents stored", len(p.Documents))
	}
}

// TestOversizedUploadOverTCP: curl-style upload over the limit, decided
// from Content-Length before the body is sent (Expect: 100-continue).
func TestOversizedUploadOverTCP(t *testing.T) {
	s := start(t, env(t, nil), "-max-upload-bytes", "1000")
	c := dial(t, s)
	fmt.Fprintf(c, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", 1<<30)
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusContinue {
		// fasthttp answers 100 first; the 413 follows as soon as the
		// first body byte arrives, long before the gigabyte would.
		io.WriteString(c, "-")
		if resp, err = http.ReadResponse(br, nil); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !resp.Close {
		t.Fatalf("status %d (close %v): %s", resp.StatusCode, resp.Close, b)
	}
}
