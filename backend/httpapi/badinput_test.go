package httpapi

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/backend"
)

// part returns one raw multipart part with the given Content-Disposition
// parameters, so tests can send names and bytes multipart.Writer would
// escape.
func part(disposition, content string) string {
	return "--B\r\nContent-Disposition: form-data; " + disposition + "\r\n\r\n" + content + "\r\n"
}

const closing = "--B--\r\n"

// TestBadInputIsRefusedAndStoresNothing is the bad-input table of the
// service issue: every request is a client mistake, so each gets a 4xx with
// a JSON error, and the store never sees a write.
func TestBadInputIsRefusedAndStoresNothing(t *testing.T) {
	const mp = "multipart/form-data; boundary=B"
	file := part(`name="file"; filename="a.txt"`, "hello")
	for _, tc := range []struct {
		name, method, path, ctype, body, auth string
		status                                int
		code                                  string
	}{
		{"no file", "POST", "/upload", mp, closing, "", 400, backend.EINVALID},
		{"empty body", "POST", "/upload", mp, "", "", 400, backend.EINVALID},
		{"two files", "POST", "/upload", mp, file + part(`name="file"; filename="b.txt"`, "again") + closing, "", 400, backend.EINVALID},
		{"file and another file field", "POST", "/upload", mp, file + part(`name="other"; filename="b.txt"`, "x") + closing, "", 400, backend.EINVALID},
		{"extra plain form field", "POST", "/upload", mp, file + part(`name="comment"`, "hi") + closing, "", 400, backend.EINVALID},
		{"plain field first", "POST", "/upload", mp, part(`name="comment"`, "hi") + file + closing, "", 400, backend.EINVALID},
		{"wrong field name", "POST", "/upload", mp, part(`name="upload"; filename="a.txt"`, "x") + closing, "", 400, backend.EINVALID},
		{"file field without filename", "POST", "/upload", mp, part(`name="file"`, "x") + closing, "", 400, backend.EINVALID},
		{"part without disposition", "POST", "/upload", mp, "--B\r\n\r\nx\r\n" + closing, "", 400, backend.EINVALID},
		{"not multipart", "POST", "/upload", "application/json", `{"file":"x"}`, "", 415, backend.EUNSUPPORTED},
		{"no content type", "POST", "/upload", "", "x", "", 415, backend.EUNSUPPORTED},
		{"multipart/mixed", "POST", "/upload", "multipart/mixed; boundary=B", file + closing, "", 415, backend.EUNSUPPORTED},
		{"multipart/form-data with a suffix", "POST", "/upload", "multipart/form-dataX; boundary=B", file + closing, "", 415, backend.EUNSUPPORTED},
		{"multipart/form-data with a dashed suffix", "POST", "/upload", "multipart/form-data-evil; boundary=B", file + closing, "", 415, backend.EUNSUPPORTED},
		{"multipart/form-data with a suffix and a bad parameter", "POST", "/upload", "multipart/form-datax; boundary=\"B", file + closing, "", 415, backend.EUNSUPPORTED},
		{"multipart/form-data with a subtype path", "POST", "/upload", "multipart/form-data/x; boundary=B", file + closing, "", 415, backend.EUNSUPPORTED},
		{"missing boundary", "POST", "/upload", "multipart/form-data", file + closing, "", 400, backend.EINVALID},
		{"overlong boundary", "POST", "/upload", "multipart/form-data; boundary=" + strings.Repeat("b", 71), file + closing, "", 400, backend.EINVALID},
		{"bad boundary", "POST", "/upload", "multipart/form-data; boundary=OTHER", file + closing, "", 400, backend.EINVALID},
		{"malformed content type", "POST", "/upload", "multipart/form-data; boundary=\"B", file + closing, "", 400, backend.EINVALID},
		{"duplicate boundary", "POST", "/upload", "multipart/form-data; boundary=B; boundary=C", file + closing, "", 400, backend.EINVALID},
		{"truncated body", "POST", "/upload", mp, "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhel", "", 400, backend.EINVALID},
		{"no closing boundary", "POST", "/upload", mp, file, "", 400, backend.EINVALID},
		{"oversized file", "POST", "/upload", mp, part(`name="file"; filename="a.txt"`, strings.Repeat("x", 1<<20+1)) + closing, "", 413, backend.ETOOLARGE},
		{"oversized body", "POST", "/upload", mp, part(`name="file"; filename="a.txt"`, "x") + strings.Repeat("y", 1<<20+FramingAllowance) + closing, "", 413, backend.ETOOLARGE},
		{"traversal to nothing", "POST", "/upload", mp, part(`name="file"; filename="../.."`, "x") + closing, "", 400, backend.EINVALID},
		{"traversal dot dot", "POST", "/upload", mp, part(`name="file"; filename="a/.."`, "x") + closing, "", 400, backend.EINVALID},
		{"empty filename", "POST", "/upload", mp, part(`name="file"; filename=""`, "x") + closing, "", 400, backend.EINVALID},
		{"NUL in filename", "POST", "/upload", mp, part("name=\"file\"; filename=\"a\x00.txt\"", "x") + closing, "", 400, backend.EINVALID},
		{"encoded NUL in filename", "POST", "/upload", mp, part(`name="file"; filename*=UTF-8''a%00.txt`, "x") + closing, "", 400, backend.EINVALID},
		{"newline in filename", "POST", "/upload", mp, part(`name="file"; filename*=UTF-8''a%0Ab.txt`, "x") + closing, "", 400, backend.EINVALID},
		{"overlong filename", "POST", "/upload", mp, part(`name="file"; filename="`+strings.Repeat("a", 256)+`"`, "x") + closing, "", 400, backend.EINVALID},
		{"non-UTF-8 filename", "POST", "/upload", mp, part("name=\"file\"; filename=\"\xff\xfe.txt\"", "x") + closing, "", 400, backend.EINVALID},
		{"encoded non-UTF-8 filename", "POST", "/upload", mp, part(`name="file"; filename*=UTF-8''%FF.txt`, "x") + closing, "", 400, backend.EINVALID},
		{"right-to-left override in filename", "POST", "/upload", mp, part("name=\"file\"; filename=\"invoice\u202egpj.exe\"", "x") + closing, "", 400, backend.EINVALID},
		{"encoded right-to-left override in filename", "POST", "/upload", mp, part(`name="file"; filename*=UTF-8''invoice%E2%80%AEgpj.exe`, "x") + closing, "", 400, backend.EINVALID},
		{"zero-width space in filename", "POST", "/upload", mp, part("name=\"file\"; filename=\"a\u200b.txt\"", "x") + closing, "", 400, backend.EINVALID},
		{"line separator in filename", "POST", "/upload", mp, part("name=\"file\"; filename=\"a\u2028b.txt\"", "x") + closing, "", 400, backend.EINVALID},
		{"paragraph separator in filename", "POST", "/upload", mp, part("name=\"file\"; filename=\"a\u2029b.txt\"", "x") + closing, "", 400, backend.EINVALID},
		{"right-to-left override in declared type", "POST", "/upload", mp, "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/\u202eplain\r\n\r\nx\r\n" + closing, "", 400, backend.EINVALID},
		{"control character in declared type", "POST", "/upload", mp, "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\x7f\r\n\r\nx\r\n" + closing, "", 400, backend.EINVALID},
		{"line separator in declared type", "POST", "/upload", mp, "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\u2028x\r\n\r\nx\r\n" + closing, "", 400, backend.EINVALID},
		{"missing key", "POST", "/upload", mp, file + closing, "none", 401, backend.EUNAUTHORIZED},
		{"wrong key", "POST", "/upload", mp, file + closing, "Bearer wrong-key", 401, backend.EUNAUTHORIZED},
		{"key prefix", "POST", "/upload", mp, file + closing, "Bearer " + testKey[:10], 401, backend.EUNAUTHORIZED},
		{"key with suffix", "POST", "/upload", mp, file + closing, "Bearer " + testKey + "x", 401, backend.EUNAUTHORIZED},
		{"basic auth", "POST", "/upload", mp, file + closing, "Basic " + testKey, 401, backend.EUNAUTHORIZED},
		{"empty bearer", "POST", "/upload", mp, file + closing, "Bearer ", 401, backend.EUNAUTHORIZED},
		{"list without key", "GET", "/documents", "", "", "none", 401, backend.EUNAUTHORIZED},
		{"get without key", "GET", "/documents/x", "", "", "none", 401, backend.EUNAUTHORIZED},
		{"GET /upload", "GET", "/upload", "", "", "", 405, backend.EMETHOD},
		{"PUT /upload", "PUT", "/upload", mp, file + closing, "", 405, backend.EMETHOD},
		{"POST /status", "POST", "/status", "", "", "", 405, backend.EMETHOD},
		{"DELETE document", "DELETE", "/documents/0192", "", "", "", 405, backend.EMETHOD},
		{"unknown route", "GET", "/admin", "", "", "", 404, backend.ENOTFOUND},
		{"upload with trailing slash", "POST", "/upload/", mp, file + closing, "", 404, backend.ENOTFOUND},
		{"invalid id", "GET", "/documents/../../etc/passwd", "", "", "", 404, backend.ENOTFOUND},
		{"upper-case id", "GET", "/documents/0192F3A0-0000-7000-8000-000000000000", "", "", "", 404, backend.ENOTFOUND},
		{"empty id", "GET", "/documents/", "", "", "", 404, backend.ENOTFOUND},
		{"unknown id", "GET", "/documents/0192f3a0-0000-7000-8000-000000000000", "", "", "", 404, backend.ENOTFOUND},
		{"limit not a number", "GET", "/documents?limit=ten", "", "", "", 400, backend.EINVALID},
		{"limit zero", "GET", "/documents?limit=0", "", "", "", 400, backend.EINVALID},
		{"limit negative", "GET", "/documents?limit=-1", "", "", "", 400, backend.EINVALID},
		{"limit too large", "GET", "/documents?limit=1001", "", "", "", 400, backend.EINVALID},
		{"bad cursor", "GET", "/documents?cursor=garbage", "", "", "", 400, backend.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := startServer(t, nil)
			var body io.Reader
			if tc.body != "" {
				// Hiding the length makes the client send the body chunked,
				// so the server has to enforce limits while streaming (the
				// Content-Length check has its own test below).
				body = io.MultiReader(strings.NewReader(tc.body))
			}
			resp := ts.do(tc.method, tc.path, tc.ctype, body, tc.auth)
			if tc.status == 405 && resp.Header.Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
			if tc.status == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without a WWW-Authenticate header")
			}
			t.Log(wantError(t, resp, tc.status, tc.code))
			if n, _ := ts.store.State(); n != 0 {
				t.Fatalf("the store holds %d documents after a refused request", n)
			}
		})
	}
}

// TestUploadIsRefusedFromItsHeaders sends only the head of an upload the
// server must refuse: one whose Content-Length is over the limit, and one
// without a key. The answer must come without waiting for the body, and
// the connection must close, since the unread body would otherwise be
// parsed as the next request.
func TestUploadIsRefusedFromItsHeaders(t *testing.T) {
	for _, tc := range []struct {
		name, auth string
		length     int
		status     int
		code       string
	}{
		{"over the limit", "Authorization: Bearer " + testKey + "\r\n", 1 << 30, http.StatusRequestEntityTooLarge, backend.ETOOLARGE},
		{"without a key", "", 100000000, http.StatusUnauthorized, backend.EUNAUTHORIZED},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := startServer(t, nil)
			resp := ts.raw(fmt.Sprintf("POST /upload HTTP/1.1\r\nHost: x\r\n%s"+
				"Content-Type: multipart/form-data; boundary=B\r\nContent-Length: %d\r\n\r\n-", tc.auth, tc.length))
			if !resp.Close {
				t.Error("the connection is kept open after a refused, unread body")
			}
			wantError(t, resp, tc.status, tc.code)
		})
	}
}

// TestUnparsableRequestGetsJSONError covers errors fasthttp meets before a
// handler runs.
func TestUnparsableRequestGetsJSONError(t *testing.T) {
	ts := startServer(t, nil)
	resp := ts.raw("GET /status HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", readBufferSize) + "\r\n\r\n")
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id on an error fasthttp reported")
	}
	wantError(t, resp, http.StatusRequestHeaderFieldsTooLarge, backend.EINVALID)
	logged := false
	for _, l := range ts.logs.lines() {
		logged = logged || l["status"] == 431.0
	}
	if !logged {
		t.Errorf("no access line for the 431: %v", ts.logs.lines())
	}
}

// TestConnectionSurvivesGoodUploads checks keep-alive: after a complete
// upload the same connection serves the next request.
func TestConnectionSurvivesGoodUploads(t *testing.T) {
	ts := startServer(t, nil)
	for i := 0; i < 3; i++ {
		uploadDoc(t, ts, "a.txt", "same connection")
	}
	var accepted int
	for _, l := range ts.logs.lines() {
		if l["status"] == 201.0 {
			accepted++
		}
	}
	if accepted != 3 {
		t.Fatalf("%d uploads logged as 201", accepted)
	}
}
