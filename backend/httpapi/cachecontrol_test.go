package httpapi

import (
	"bufio"
	"io"
	"net/http"
	"testing"
)

// TestEveryAnswerIsNotStored checks that successes and errors alike tell a
// cache in front (CloudFront's) not to keep the answer: listings and
// documents are per API key, and a cached 401 or 503 would outlive its cause.
func TestEveryAnswerIsNotStored(t *testing.T) {
	ts := startServer(t, nil)
	doc := uploadDoc(t, ts, "f.txt", "hello")
	for _, tc := range []struct{ method, path, key string }{
		{"GET", "/status", "none"},
		{"GET", "/documents", ""},
		{"GET", "/documents/" + doc.ID, ""},
		{"GET", "/documents", "none"},
		{"GET", "/nowhere", ""},
	} {
		resp := ts.do(tc.method, tc.path, "", nil, tc.key)
		resp.Body.Close()
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s %s (status %d): Cache-Control %q, want no-store", tc.method, tc.path, resp.StatusCode, got)
		}
	}
}

// TestRefusalsOutsideHandleAreNotStored: the answers written before Handle
// runs (a refused Expect: 100-continue, an unparsable head) carry
// Cache-Control: no-store as well.
func TestRefusalsOutsideHandleAreNotStored(t *testing.T) {
	ts := startTCPServer(t, nil)
	for name, req := range map[string]string{
		"refused expect": "GET /documents HTTP/1.1\r\nHost: docmeta\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
		"bad head":       "GET /documents HTTP/1.1\r\nHost: docmeta\r\nContent-Length: x\r\n\r\n",
	} {
		c := dialTCP(t, ts)
		io.WriteString(c, req)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		resp.Body.Close()
		c.Close()
		if resp.StatusCode < 400 {
			t.Fatalf("%s: status %d, want a refusal", name, resp.StatusCode)
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s (status %d): Cache-Control %q, want no-store", name, resp.StatusCode, got)
		}
	}
}
