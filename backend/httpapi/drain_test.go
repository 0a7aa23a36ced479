package httpapi

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
)

// manyPartsBody is a multipart body of about size bytes: the file part, then
// parts-1 more small parts, which the server refuses after the first.
func manyPartsBody(parts, size int) (contentType string, body []byte) {
	const boundary = "drainboundary"
	per := size / parts
	var b bytes.Buffer
	for i := 0; i < parts; i++ {
		head := fmt.Sprintf("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f%d.txt\"\r\n\r\n", boundary, i)
		b.WriteString(head)
		if pad := per - len(head) - 2; pad > 0 {
			b.WriteString(strings.Repeat("x", pad))
		}
		b.WriteString("\r\n")
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return "multipart/form-data; boundary=" + boundary, b.Bytes()
}

// TestEarlyErrorReachesTheClient: the server refuses a 1 MiB body of
// 10,000 parts after the first part, with most of the body unsent. It must
// half-close and drain instead of closing with unread input, or the kernel
// resets the connection and the client, still sending, loses the 400. Run
// 20 times: a reset is a race that a single run may not show.
func TestEarlyErrorReachesTheClient(t *testing.T) {
	ts := startTCPServer(t, nil)
	ct, body := manyPartsBody(10000, 1<<20)
	client := &http.Client{Timeout: tcpTimeout, Transport: &http.Transport{DisableKeepAlives: true}}
	for run := 0; run < 20; run++ {
		req, err := http.NewRequest("POST", "http://"+ts.addr+"/upload", &pacedReader{rest: body})
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+testKey)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("run %d: the answer was lost: %v", run, err)
		}
		msg := wantError(t, resp, http.StatusBadRequest, backend.EINVALID)
		if !strings.Contains(msg, "more than one part") {
			t.Fatalf("run %d: message %q; want the more-than-one-part refusal", run, msg)
		}
	}
}

// TestEarlyErrorEndsWithFINNotReset looks at the socket itself: a client
// that sends its whole body before reading must be able to send all of it,
// then find the answer followed by an orderly end of stream. Without the
// drain the server resets the connection: on loopback the answer has
// already arrived and survives, but on a real link, where it may still be
// in flight, the reset destroys it.
func TestEarlyErrorEndsWithFINNotReset(t *testing.T) {
	ts := startTCPServer(t, nil)
	ct, body := manyPartsBody(10000, 1<<20)
	head := fmt.Sprintf("POST /upload HTTP/1.1\r\nHost: docmeta\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n",
		testKey, ct, len(body))
	for run := 0; run < 20; run++ {
		c := dialTCP(t, ts)
		// A reset shows first here: the rest of the body cannot be sent.
		if _, err := io.Copy(c, io.MultiReader(strings.NewReader(head), &pacedReader{rest: body})); err != nil {
			t.Fatalf("run %d: sending the body failed (%v): the server reset the connection instead of draining it", run, err)
		}
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("run %d: the answer was lost: %v", run, err)
		}
		wantError(t, resp, http.StatusBadRequest, backend.EINVALID)
		if _, err := io.ReadAll(br); err != nil {
			t.Fatalf("run %d: after the answer the connection ended with %v; want a half-close (EOF)", run, err)
		}
		c.Close()
	}
}

// pacedReader yields a body in 16 KiB pieces a millisecond apart, as a real
// link delivers it: the server has answered long before the last piece.
type pacedReader struct{ rest []byte }

func (p *pacedReader) Read(b []byte) (int, error) {
	if len(p.rest) == 0 {
		return 0, io.EOF
	}
	time.Sleep(time.Millisecond)
	n := copy(b[:min(len(b), 16<<10)], p.rest)
	p.rest = p.rest[n:]
	return n, nil
}
