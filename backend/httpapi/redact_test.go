package httpapi

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/internal/memstore"
)

func TestRedactSecrets(t *testing.T) {
	const key = "sekret-key-0123456789"
	for _, in := range []string{
		"Authorization: Bearer " + key + "\r\nHost: x",
		`cannot parse "POST /upload HTTP/1.1\r\nauthorization: Bearer ` + key + `\r\nContent-Length: 1\r\n"`,
		`"Idempotency-Key: ` + key + `\r\n"`,
		"X-Folded: a\r\n Bearer " + key,
		`{"authorization":"` + key + `"}`,
		"AUTHORIZATION:" + key,
		"idempotency-key=" + key + " rest",
	} {
		out := RedactSecrets(in)
		if strings.Contains(out, key) || strings.Contains(out, key[:10]) {
			t.Errorf("RedactSecrets(%q) = %q: the key survived", in, out)
		}
		if !strings.Contains(out, redacted) {
			t.Errorf("RedactSecrets(%q) = %q: no redaction mark", in, out)
		}
	}
	// Lines without secrets pass unchanged.
	for _, in := range []string{`{"path":"/upload","status":201}`, "Content-Type: text/plain\r\n"} {
		if out := RedactSecrets(in); out != in {
			t.Errorf("RedactSecrets(%q) = %q; want it unchanged", in, out)
		}
	}
}

// panicStore panics in Get with the request's key in the panic value.
type panicStore struct{ *memstore.Store }

func (panicStore) Get(context.Context, string) (backend.Document, error) {
	panic("boom with Authorization: Bearer " + testKey)
}

// TestHandlerPanicIsA500WithoutTheKey: a bug in a handler answers 500 and
// logs the panic, redacted, instead of killing the server.
func TestHandlerPanicIsA500WithoutTheKey(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Store = panicStore{memstore.New()} })
	resp := ts.do("GET", "/documents/0190a0b0-c0d0-7e00-8000-000000000001", "", nil, "")
	wantError(t, resp, http.StatusInternalServerError, backend.EINTERNAL)
	logs := ts.logs.String()
	if !strings.Contains(logs, "panic: boom") {
		t.Fatalf("the panic was not logged:\n%s", logs)
	}
	if strings.Contains(logs, testKey) {
		t.Fatalf("the log holds the key:\n%s", logs)
	}
	// The server still serves.
	if r := ts.do("GET", "/status", "", nil, ""); r.StatusCode != http.StatusOK {
		t.Fatalf("status after the panic: %d", r.StatusCode)
	}
}
