//go:build reliability

package reliability

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/internal/loadgen"
)

const (
	inFlightUploads = 64
	lateUploads     = 16
	shutdownTimeout = 20 * time.Second
)

// slowUpload is one upload sent in two halves around the SIGTERM.
type slowUpload struct {
	name    string
	content []byte
	sum     string
	conn    net.Conn
	br      *bufio.Reader
	rest    []byte
	// outcome
	status int
	doc    backend.Document
	err    error
	body   []byte
}

// begin sends the request head with "Expect: 100-continue", waits for the
// server's "100 Continue" (proof that the server has read the head and is
// processing the request) and sends the first half of the body.
func (u *slowUpload) begin(addr string) error {
	up := loadgen.Upload{Host: addr, APIKey: apiKey, Filename: u.name, Content: u.content}
	head, tail := up.MultipartHead(), loadgen.MultipartTail()
	body := append(append(append([]byte{}, head...), u.content...), tail...)
	hdr := up.Header(int64(len(body)))
	hdr = bytes.Replace(hdr, []byte("\r\n\r\n"), []byte("\r\nExpect: 100-continue\r\n\r\n"), 1)
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	u.conn, u.br = c, bufio.NewReader(c)
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	if _, err := c.Write(hdr); err != nil {
		return err
	}
	line, err := u.br.ReadString('\n')
	if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
		return fmt.Errorf("want 100 Continue, got %q, %v", line, err)
	}
	if blank, err := u.br.ReadString('\n'); err != nil || blank != "\r\n" {
		return fmt.Errorf("malformed 100 Continue: %q, %v", blank, err)
	}
	half := len(body) / 2
	u.rest = body[half:]
	_, err = c.Write(body[:half])
	return err
}

// finish sends the rest of the body and reads the answer.
func (u *slowUpload) finish() {
	defer u.conn.Close()
	if _, err := u.conn.Write(u.rest); err != nil {
		u.err = err
		return
	}
	var resp fasthttp.Response
	if err := resp.Read(u.br); err != nil {
		u.err = err
		return
	}
	u.status, u.body = resp.StatusCode(), append([]byte(nil), resp.Body()...)
	if u.status == http.StatusCreated {
		if err := json.Unmarshal(u.body, &u.doc); err != nil {
			u.err = fmt.Errorf("201 with unreadable body %q: %v", u.body, err)
		}
	}
}

// TestShutdownWithUploadsInFlight sends SIGTERM while 64 uploads are half
// way through their bodies and 16 more clients try to start. Every upload
// in flight must finish and be acknowledged, every acknowledged upload must
// be stored, every other client must see a clean error (a refused
// connection, a closed one, or a JSON error that is not a 500), and the
// server must exit 0 within its shutdown timeout.
func TestShutdownWithUploadsInFlight(t *testing.T) {
	dataDir := t.TempDir()
	srv := startServer(t, "DOCMETA_STORE=bolt", "DOCMETA_DATA_DIR="+dataDir,
		"DOCMETA_SHUTDOWN_TIMEOUT="+shutdownTimeout.String())
	addr := srv.Addr()

	uploads := make([]*slowUpload, inFlightUploads)
	var wg sync.WaitGroup
	for i := range uploads {
		content := make([]byte, 256<<10)
		rand.Read(content)
		sum := sha256.Sum256(content)
		uploads[i] = &slowUpload{name: fmt.Sprintf("inflight-%02d.bin", i), content: content, sum: hex.EncodeToString(sum[:])}
		wg.Add(1)
		go func(u *slowUpload) { defer wg.Done(); u.err = u.begin(addr) }(uploads[i])
	}
	wg.Wait()
	for _, u := range uploads {
		if u.err != nil {
			t.Fatalf("%s did not get in flight: %v", u.name, u.err)
		}
	}

	if err := srv.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	late := newBatch(addr, "late", lateUploads)
	var lateOutcome *outcome
	wg.Add(1)
	go func() {
		defer wg.Done()
		lateOutcome = late.send(context.Background(), addr, lateUploads, lateUploads, nil)
	}()
	for _, u := range uploads {
		wg.Add(1)
		go func(u *slowUpload) { defer wg.Done(); u.finish() }(u)
	}
	wg.Wait()

	code, exited := srv.Wait(shutdownTimeout + 15*time.Second)
	if !exited {
		t.Fatalf("the server had not exited %s after SIGTERM; log:\n%s", shutdownTimeout+15*time.Second, srv.Tail())
	}
	if code != 0 {
		t.Errorf("the server exited with %d after SIGTERM; want 0; log:\n%s", code, srv.Tail())
	}

	acked := map[string]backend.Document{}
	for _, u := range uploads {
		switch {
		case u.err != nil:
			t.Errorf("in-flight %s: %v; an upload in flight at SIGTERM must be allowed to finish", u.name, u.err)
		case u.status != http.StatusCreated:
			t.Errorf("in-flight %s: status %d %s; want 201", u.name, u.status, u.body)
		case u.doc.SHA256 != u.sum || u.doc.SizeBytes != int64(len(u.content)) || u.doc.Filename != u.name:
			t.Errorf("in-flight %s acknowledged with wrong metadata %+v", u.name, u.doc)
		default:
			acked[u.doc.ID] = u.doc
		}
	}
	lateOutcome.reportBad(t)
	for status, n := range lateOutcome.status {
		if status >= 500 && status != http.StatusServiceUnavailable {
			t.Errorf("%d late clients got status %d", n, status)
		}
	}
	for id, d := range lateOutcome.acked {
		acked[id] = d
	}
	t.Logf("late clients: %v, statuses %v", lateOutcome.res, lateOutcome.status)

	// Every acknowledged upload is in the store, read by a fresh server.
	again := srv.restart(t)
	listed := listAll(t, again.Addr(), 1000)
	checkListing(t, listed, acked)
}
