package main

import (
	"bufio"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/internal/testenv"
)

// TestRejectedHeadsLeaveNoSecretInLogs sends request heads that fasthttp
// refuses before any handler runs, each carrying an API key and an
// Idempotency-Key, and requires that neither value reaches stdout or the
// log file: fasthttp quotes a head it cannot parse in its error, and the
// server logs those errors.
func TestRejectedHeadsLeaveNoSecretInLogs(t *testing.T) {
	const (
		key     = "leaky-api-key-0123456789"
		idemKey = "leaky-idempotency-key-42"
	)
	logPath := filepath.Join(t.TempDir(), "docmeta.log")
	s := start(t, env(t, map[string]string{"DOCMETA_API_KEYS": key, "DOCMETA_LOG_FILE": logPath}))
	secrets := "Authorization: Bearer " + key + "\r\nIdempotency-Key: " + idemKey + "\r\n"
	heads := map[string]string{
		"duplicate Content-Length":          "Content-Length: 5\r\nContent-Length: 6\r\n",
		"control character in header name":  "X-Bad\x01Name: v\r\n",
		"Content-Length with gzip encoding": "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n",
		"folded header":                     "X-Folded: a\r\n b\r\n",
		"oversized header":                  "X-Big: " + strings.Repeat("a", 20<<10) + "\r\n",
	}
	addr := strings.TrimPrefix(s.url, "http://")
	for name, bad := range heads {
		// The secrets come both before and after the bad line, since a
		// parser may stop at the first error.
		head := "POST /upload HTTP/1.1\r\nHost: docmeta\r\n" + secrets + bad + secrets +
			"Content-Type: multipart/form-data; boundary=x\r\n\r\nhello"
		status := rawStatus(t, addr, head)
		if status < 400 || status > 499 {
			t.Errorf("%s: status %d; want a 4xx refusal", name, status)
		}
	}
	s.stop()
	file, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	for where, text := range map[string]string{"stdout": s.out.String(), "log file": string(file)} {
		for _, secret := range []string{key, idemKey} {
			if strings.Contains(text, secret) {
				t.Errorf("%s holds the secret %q:\n%s", where, secret, text)
			}
		}
	}
	if !strings.Contains(string(file), `"status":4`) {
		t.Errorf("the log file has no line for the refused requests:\n%s", file)
	}
}

// rawStatus writes head on a new connection and returns the status of the
// answer.
func rawStatus(t *testing.T, addr, head string) int {
	t.Helper()
	c := testenv.Dial(t, addr, testTimeout)
	if _, err := c.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
