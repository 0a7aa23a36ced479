//go:build reliability

package reliability

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/docmeta/docmeta/internal/loadgen"
	"github.com/docmeta/docmeta/internal/serverproc"
	"github.com/docmeta/docmeta/internal/testenv"
)

// hostileReadTimeout is the server's read timeout in these tests: short, so
// that slow clients are cut quickly, but far above what a loopback client
// needs.
const hostileReadTimeout = 2 * time.Second

// cutBound is how long a test waits for the server to cut a slow
// connection before calling it held open: many read timeouts.
const cutBound = 30 * time.Second

// connCut reports whether the server has closed c or answered on it (an
// error response before closing counts as cut).
func connCut(c net.Conn) bool {
	_ = c.SetReadDeadline(time.Now().Add(time.Millisecond))
	var b [1]byte
	_, err := c.Read(b[:])
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// trickle writes prefix, then one byte of drip every interval until the
// server cuts the connection or cutBound passes; it reports whether the
// connection was cut.
func trickle(addr string, prefix []byte, drip byte, interval time.Duration) (bool, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return false, err
	}
	defer c.Close()
	if _, err := c.Write(prefix); err != nil {
		return true, nil
	}
	for deadline := time.Now().Add(cutBound); time.Now().Before(deadline); {
		time.Sleep(interval)
		if connCut(c) {
			return true, nil
		}
		_ = c.SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := c.Write([]byte{drip}); err != nil {
			return true, nil
		}
	}
	return false, nil
}

// TestSlowClientsAreCutWhileOthersAreServed holds slowloris connections
// (a request head sent a byte at a time, a body that never comes, and a
// body dripped a byte at a time) while
// 500 normal uploads run; the uploads must all succeed and the slow
// connections must be cut by the server's timeouts.
func TestSlowClientsAreCutWhileOthersAreServed(t *testing.T) {
	srv := startServer(t, append(boltEnv(t), "DOCMETA_READ_TIMEOUT="+hostileReadTimeout.String())...)
	addr := srv.Addr()
	type slow struct {
		name   string
		prefix string
		drip   byte
		every  time.Duration
	}
	slows := []slow{
		// Slowloris proper: the head never ends.
		{"head trickle", "POST /upload HTTP/1.1\r\nHost: x\r\nX-Slow: ", 'a', 200 * time.Millisecond},
		{"head trickle 2", "GET /status HTTP/1.1\r\nX-Slow: ", 'b', 200 * time.Millisecond},
		// A complete head whose body never arrives (the drip is sent
		// once a read timeout has passed, so the body stalls).
		{"stalled body", "POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + apiKey +
			"\r\nContent-Type: multipart/form-data; boundary=" + loadgen.Boundary + "\r\nContent-Length: 100000\r\n\r\n",
			'-', 3 * hostileReadTimeout},
		// A body that keeps coming, a byte every 200 ms: 10 bytes per
		// read timeout, below the minimum rate (1 KiB per read timeout).
		// Were the deadline moved by every byte, it would hold the
		// connection for the upload timeout (10 min).
		{"body drip", "POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + apiKey +
			"\r\nContent-Type: multipart/form-data; boundary=" + loadgen.Boundary + "\r\nContent-Length: 100000\r\n\r\n" +
			string(loadgen.Upload{Filename: "drip.bin"}.MultipartHead()),
			'x', 200 * time.Millisecond},
	}
	var wg sync.WaitGroup
	cut := make([]bool, len(slows)*4)
	errs := make([]error, len(cut))
	for i := range cut {
		s := slows[i%len(slows)]
		wg.Add(1)
		go func() { defer wg.Done(); cut[i], errs[i] = trickle(addr, []byte(s.prefix), s.drip, s.every) }()
	}
	// Meanwhile, ordinary clients upload.
	o := newBatch(addr, "normal", 500).send(context.Background(), addr, 16, 500, nil)
	wg.Wait()
	o.reportBad(t)
	if !o.res.Clean() {
		t.Errorf("ordinary clients next to slow ones: %v, statuses %v; want every upload acknowledged", o.res, o.status)
	}
	for i := range cut {
		name := slows[i%len(slows)].name
		switch {
		case errs[i] != nil:
			t.Errorf("%s #%d: %v", name, i, errs[i])
		case !cut[i]:
			t.Errorf("%s #%d: the connection was still open after %s with a read timeout of %s", name, i, cutBound, hostileReadTimeout)
		}
	}
	if !serverproc.StatusOK(addr) {
		t.Error("GET /status failed after the slow clients")
	}
}

// TestOverLimitBodyIsRefusedWithoutReadingIt sends bodies over the upload
// limit: with an honest Content-Length the refusal must come from the head
// alone; with a chunked body the server must stop reading soon after the
// limit, so the client cannot push anywhere near the whole body through.
func TestOverLimitBodyIsRefusedWithoutReadingIt(t *testing.T) {
	const limit = 1 << 20
	srv := startServer(t, append(boltEnv(t), fmt.Sprintf("DOCMETA_MAX_UPLOAD_BYTES=%d", limit))...)
	addr := srv.Addr()

	t.Run("content-length", func(t *testing.T) {
		up := loadgen.Upload{Host: addr, APIKey: apiKey, Filename: "huge.bin"}
		c := testenv.Dial(t, addr, time.Minute)
		// The head announces 1 GiB; not one byte of the body is sent.
		if _, err := c.Write(append(up.Header(up.BodyLen(1<<30)), up.MultipartHead()...)); err != nil {
			t.Fatal(err)
		}
		resp := readResponse(t, c)
		if resp.StatusCode() != http.StatusRequestEntityTooLarge || !isJSONError(resp.Body(), "too_large") {
			t.Fatalf("status %d body %s; want 413 with a too_large JSON error", resp.StatusCode(), resp.Body())
		}
		if !resp.ConnectionClose() {
			t.Error("413 without Connection: close: the unread body would be parsed as the next request")
		}
	})

	t.Run("chunked", func(t *testing.T) {
		const body = 256 << 20
		c := testenv.Dial(t, addr, time.Minute)
		up := loadgen.Upload{Host: addr, APIKey: apiKey, Filename: "huge.bin"}
		hdr := bytes.Replace(up.Header(0), []byte("Content-Length: 0\r\n"), []byte("Transfer-Encoding: chunked\r\n"), 1)
		if _, err := c.Write(hdr); err != nil {
			t.Fatal(err)
		}
		var written int64
		done := make(chan struct{})
		go func() {
			defer close(done)
			chunk := make([]byte, 64<<10)
			frame := append([]byte(fmt.Sprintf("%x\r\n", len(chunk))), chunk...)
			frame = append(frame, "\r\n"...)
			first := append([]byte(fmt.Sprintf("%x\r\n", len(up.MultipartHead()))), up.MultipartHead()...)
			if _, err := c.Write(append(first, "\r\n"...)); err != nil {
				return
			}
			for written < body {
				n, err := c.Write(frame)
				written += int64(n)
				if err != nil {
					return
				}
			}
		}()
		resp := readResponse(t, c)
		c.Close() // unblocks the writer if the kernel still buffers
		<-done
		if resp.StatusCode() != http.StatusRequestEntityTooLarge || !isJSONError(resp.Body(), "too_large") {
			t.Fatalf("status %d body %s; want 413 with a too_large JSON error", resp.StatusCode(), resp.Body())
		}
		// Loopback socket buffers hold a few MiB; the rest must never have
		// been accepted.
		if written >= body/4 {
			t.Fatalf("the client pushed %d MiB of a %d MiB body over a %d MiB limit before the server stopped reading",
				written>>20, body>>20, limit>>20)
		}
		t.Logf("client wrote %.1f MiB before the 413 and close", float64(written)/(1<<20))
	})
}

// TestMalformedUploadsLeaveMemoryFlat sends malformed multipart requests of
// many kinds: a warm-up of 2,000, then two rounds of 10,000, reading the
// server's resident memory after each. The first round may still grow the
// heap to its working size (bounded generously); the second must add no
// more than a few MiB, because memory that grows with the number of bad
// requests (a leak) shows up there whatever the working size. Every answer
// must be a 4xx JSON error, and the server must still serve a good upload.
func TestMalformedUploadsLeaveMemoryFlat(t *testing.T) {
	srv := startServer(t, boltEnv(t)...)
	addr := srv.Addr()
	reqs := malformed(addr)
	send := func(n int) *outcome {
		o := &outcome{acked: nil, status: map[int]int{}}
		res, err := loadgen.Run(context.Background(), loadgen.Config{
			Addr: addr, Conns: 16, Requests: reqs, Total: n, Timeout: time.Minute,
			OnResponse: func(i int, resp *fasthttp.Response) {
				o.mu.Lock()
				defer o.mu.Unlock()
				o.status[resp.StatusCode()]++
				if resp.StatusCode() < 400 || resp.StatusCode() > 499 || !isJSONError(resp.Body(), "") {
					o.bad = append(o.bad, fmt.Sprintf("malformed request %d answered %d %q", i%len(reqs), resp.StatusCode(), resp.Body()))
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		o.res = res
		return o
	}
	rss := func() float64 {
		t.Helper()
		v, err := srv.RSSMiB()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	warm := send(2000)
	warm.reportBad(t)
	warmed := rss()
	var after [2]float64
	for round := range after {
		o := send(10000)
		o.reportBad(t)
		after[round] = rss()
		t.Logf("round %d, 10,000 malformed requests: %v, statuses %v; RSS now %.1f MiB", round+1, o.res, o.status, after[round])
		if o.res.TransportErrors > 0 {
			t.Errorf("round %d: %d malformed requests got no answer (first: %s)", round+1, o.res.TransportErrors, o.res.FirstError)
		}
	}
	t.Logf("RSS: %.1f MiB after the warm-up, %.1f MiB after round 1, %.1f MiB after round 2", warmed, after[0], after[1])
	// The first round may still bring the heap and its buffers to their
	// working size under this load.
	const firstRoundBound = 32
	if after[0]-warmed > firstRoundBound {
		t.Errorf("resident memory grew from %.1f MiB to %.1f MiB over the first 10,000 malformed requests; bound %d MiB", warmed, after[0], firstRoundBound)
	}
	// The second round repeats the same requests: a server that frees
	// what a refused request used stays within a few MiB (GC timing and
	// the scavenger's return of pages move RSS by about that much).
	const secondRoundBound = 4
	if after[1]-after[0] > secondRoundBound {
		t.Errorf("resident memory grew from %.1f MiB to %.1f MiB over a second round of the same 10,000 malformed requests; bound %d MiB: memory grows with the number of bad requests", after[0], after[1], secondRoundBound)
	}
	good := newBatch(addr, "after-malformed", 10).send(context.Background(), addr, 2, 10, nil)
	good.reportBad(t)
	if !good.res.Clean() {
		t.Errorf("good uploads after the malformed ones: %v, statuses %v", good.res, good.status)
	}
}

// malformed returns raw requests, each broken in its own way.
func malformed(addr string) [][]byte {
	good := loadgen.Upload{Host: addr, APIKey: apiKey, Filename: "m.txt", Content: bytes.Repeat([]byte("x"), 2000)}
	withBody := func(contentType string, body []byte) []byte {
		h := good.Header(int64(len(body)))
		h = bytes.Replace(h, []byte("multipart/form-data; boundary="+loadgen.Boundary), []byte(contentType), 1)
		return append(h, body...)
	}
	mp := "multipart/form-data; boundary=" + loadgen.Boundary
	head, tail := good.MultipartHead(), loadgen.MultipartTail()
	part := func(disposition string) string {
		return "--" + loadgen.Boundary + "\r\nContent-Disposition: " + disposition + "\r\n\r\ncontent\r\n"
	}
	end := "--" + loadgen.Boundary + "--\r\n"
	bodies := []struct {
		name string
		body []byte
	}{
		{"truncated", append(append([]byte{}, head...), good.Content...)},
		// Ends with a delimiter line and no close delimiter: a body cut
		// just before a second part.
		{"no closing", append(append(append([]byte{}, head...), good.Content...), "\r\n--"+loadgen.Boundary+"\r\n"...)},
		{"wrong field", []byte(part(`form-data; name="document"; filename="a.txt"`) + end)},
		{"two files", []byte(part(`form-data; name="file"; filename="a.txt"`) + part(`form-data; name="file"; filename="b.txt"`) + end)},
		{"no filename", []byte(part(`form-data; name="file"`) + end)},
		{"nul filename", []byte(part("form-data; name=\"file\"; filename=\"a\x00b\"") + end)},
		{"traversal only", []byte(part(`form-data; name="file"; filename="../"`) + end)},
		{"no parts", []byte(end)},
		{"garbage", bytes.Repeat([]byte("garbage\r\n"), 500)},
		{"empty", []byte{}},
		{"unended part header", []byte("--" + loadgen.Boundary + "\r\nX-Pad: " + strings.Repeat("p", 20000))},
		{"many part headers", []byte("--" + loadgen.Boundary + "\r\n" + strings.Repeat("X-H: v\r\n", 20000) + "Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nc\r\n" + end)},
		{"bad disposition", []byte(part(`attachment; name="file"; filename="a"`) + end)},
		{"overlong filename", []byte(part(`form-data; name="file"; filename="`+strings.Repeat("n", 300)+`"`) + end)},
		{"boundary mismatch", append(bytes.ReplaceAll(append(append(append([]byte{}, head...), good.Content...), tail...), []byte(loadgen.Boundary), []byte("otherBoundary")), 0)},
		{"trailing field", append(append(append(append([]byte{}, head...), good.Content...), "\r\n"...), part(`form-data; name="note"`)+end...)},
		{"bad utf8 filename", []byte(part("form-data; name=\"file\"; filename=\"\xff\xfe\"") + end)},
		{"header no colon", []byte("--" + loadgen.Boundary + "\r\nnot a header\r\n\r\nc\r\n" + end)},
		{"preamble only", []byte("just a preamble with no boundary at all")},
		{"no blank after hdr", []byte("--" + loadgen.Boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n" + end)},
		{"right-to-left override filename", []byte(part("form-data; name=\"file\"; filename=\"invoice\u202egpj.exe\"") + end)},
		{"zero-width filename", []byte(part("form-data; name=\"file\"; filename=\"a\u200db.txt\"") + end)},
		{"line separator filename", []byte(part("form-data; name=\"file\"; filename=\"a\u2028b.txt\"") + end)},
		{"control in declared type", []byte("--" + loadgen.Boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nContent-Type: text/plain\x1b[2J\r\n\r\nc\r\n" + end)},
		{"override in declared type", []byte("--" + loadgen.Boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nContent-Type: text/\u202eplain\r\n\r\nc\r\n" + end)},
	}
	var reqs [][]byte
	for _, b := range bodies {
		reqs = append(reqs, withBody(mp, b.body))
	}
	reqs = append(reqs,
		withBody("multipart/form-data", append(append([]byte{}, head...), tail...)),                             // no boundary parameter
		withBody("multipart/form-data; boundary=\"unterminated", []byte(end)),                                   // malformed parameter
		withBody("text/plain", []byte("not multipart")),                                                         // 415
		withBody("multipart/form-data; boundary="+strings.Repeat("b", 80), []byte(end)),                         // overlong boundary
		withBody("multipart/mixed; boundary="+loadgen.Boundary, append(append(head, good.Content...), tail...)), // wrong subtype
		// An Idempotency-Key that is not printable ASCII (refused from the head).
		bytes.Replace(withBody(mp, append(append(append([]byte{}, head...), good.Content...), tail...)),
			[]byte("\r\n\r\n"), []byte("\r\nIdempotency-Key: caf\xc3\xa9\r\n\r\n"), 1),
	)
	return reqs
}

func readResponse(t *testing.T, c net.Conn) *fasthttp.Response {
	t.Helper()
	resp := &fasthttp.Response{}
	if err := resp.Read(bufio.NewReader(c)); err != nil {
		t.Fatalf("read response: %v", err)
	}
	return resp
}

// isJSONError reports whether body is the API's error form (with the given
// code, unless code is "").
func isJSONError(body []byte, code string) bool {
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.NewDecoder(io.LimitReader(bytes.NewReader(body), 1<<20)).Decode(&e); err != nil {
		return false
	}
	return e.Error.Code != "" && e.Error.Message != "" && (code == "" || e.Error.Code == code)
}

// TestHostileRequestsOfTheAbuseReview sends the requests of the upload
// service's abuse review to the real binary: a keyless and an oversized
// upload with Expect: 100-continue (refused without 100 Continue), a
// 1 MiB body of 10,000 parts (its 400 read after the whole body was sent),
// and a listing cursor with a forged ID (400).
func TestHostileRequestsOfTheAbuseReview(t *testing.T) {
	srv := startServer(t, boltEnv(t)...)
	addr := srv.Addr()
	dial := func() net.Conn { return testenv.Dial(t, addr, time.Minute) }
	mp := "multipart/form-data; boundary=" + loadgen.Boundary
	for _, tc := range []struct {
		name, auth string
		length     int64
		status     int
	}{
		{"keyless", "", 100, http.StatusUnauthorized},
		{"oversized", "Authorization: Bearer " + apiKey + "\r\n", 1 << 40, http.StatusRequestEntityTooLarge},
	} {
		c := dial()
		fmt.Fprintf(c, "POST /upload HTTP/1.1\r\nHost: x\r\n%sContent-Type: %s\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", tc.auth, mp, tc.length)
		resp := readResponse(t, c)
		if resp.StatusCode() != tc.status || !isJSONError(resp.Body(), "") {
			t.Errorf("%s with Expect: 100-continue: status %d %q; want %d and no 100 Continue", tc.name, resp.StatusCode(), resp.Body(), tc.status)
		}
		c.Close()
	}

	var body bytes.Buffer
	for i := 0; body.Len() < 1<<20; i++ {
		fmt.Fprintf(&body, "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p%d\"\r\n\r\n%s\r\n", loadgen.Boundary, i, strings.Repeat("x", 20))
	}
	fmt.Fprintf(&body, "--%s--\r\n", loadgen.Boundary)
	for run := 0; run < 5; run++ {
		c := dial()
		up := loadgen.Upload{Host: addr, APIKey: apiKey}
		if _, err := c.Write(append(up.Header(int64(body.Len())), body.Bytes()...)); err != nil {
			t.Fatalf("run %d: sending the many-part body failed (%v): the server reset instead of draining", run, err)
		}
		resp := readResponse(t, c)
		if resp.StatusCode() != http.StatusBadRequest || !isJSONError(resp.Body(), "invalid") {
			t.Errorf("run %d: many-part body answered %d %q; want 400", run, resp.StatusCode(), resp.Body())
		}
		c.Close()
	}

	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"t":"2026-11-20T21:30:00.000000Z","i":"../../etc/passwd"}`))
	if code, err := apiGet(addr, "/documents?cursor="+forged, nil); err != nil || code != http.StatusBadRequest {
		t.Errorf("forged cursor: status %d (%v); want 400", code, err)
	}
}
