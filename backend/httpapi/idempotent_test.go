package httpapi

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/backend"
)

const otherKey = "other-key-0123456789abcdef"

// idemUpload uploads content as name with an Idempotency-Key and the given
// API key.
func idemUpload(t *testing.T, ts *testServer, apiKey, idemKey, name, content string) *http.Response {
	t.Helper()
	ct, body := multipartBody(t, [3]string{"file", name, content})
	req, err := http.NewRequest("POST", "http://docmeta.test/upload", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set("Idempotency-Key", idemKey)
	resp, err := ts.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestIdempotentUploadReplaysTheOriginal(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.APIKeys = []string{testKey, otherKey} })
	resp := idemUpload(t, ts, testKey, "retry-1", "a.txt", "hello")
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first upload: %d, replayed %q; want 201 without the header", resp.StatusCode, resp.Header.Get("Idempotent-Replayed"))
	}
	var first backend.Document
	decode(t, resp, &first)

	resp = idemUpload(t, ts, testKey, "retry-1", "a.txt", "hello")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("repeat: %d, replayed %q; want 200 and true", resp.StatusCode, resp.Header.Get("Idempotent-Replayed"))
	}
	var again backend.Document
	decode(t, resp, &again)
	if again.ID != first.ID || !again.UploadedAt.Equal(first.UploadedAt) {
		t.Fatalf("repeat answered %s; want the original %s", again.ID, first.ID)
	}
	if n, _ := ts.store.State(); n != 1 {
		t.Fatalf("%d documents stored; want 1", n)
	}

	// The key is scoped to the API key that sent it.
	resp = idemUpload(t, ts, otherKey, "retry-1", "a.txt", "hello")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("same token from another API key: %d; want 201", resp.StatusCode)
	}
	resp.Body.Close()
}

func TestIdempotencyKeyReusedForOtherContentIs422(t *testing.T) {
	ts := startServer(t, nil)
	idemUpload(t, ts, testKey, "reused-key-1", "a.txt", "hello").Body.Close()
	for name, up := range map[string][2]string{"other content": {"a.txt", "bye"}, "other filename": {"b.txt", "hello"}} {
		msg := wantError(t, idemUpload(t, ts, testKey, "reused-key-1", up[0], up[1]), http.StatusUnprocessableEntity, backend.EKEYREUSED)
		if !strings.Contains(msg, `"reused-key-1"`) {
			t.Errorf("%s: message %q does not name the key", name, msg)
		}
	}
	logs := ts.logs.String()
	if strings.Contains(logs, "reused-key-1") {
		t.Fatalf("the log holds the Idempotency-Key:\n%s", logs)
	}
}

// TestIdempotentRetryAfterFailedStoreStoresOnce: the first attempt claims
// the key but its document write fails (503); the retry stores the
// document under the claimed identity, and further retries replay it.
func TestIdempotentRetryAfterFailedStoreStoresOnce(t *testing.T) {
	ts := startServer(t, nil)
	ts.store.SetPutErr(backend.WrapError(backend.EUNAVAILABLE, "the store is down", errors.New("boom")))
	wantError(t, idemUpload(t, ts, testKey, "k-503", "a.txt", "hello"), http.StatusServiceUnavailable, backend.EUNAVAILABLE)
	ts.store.SetPutErr(nil)
	rec, ok := ts.store.Record(backend.ScopedIdempotencyKey([]byte(testKey), "k-503"))
	if !ok {
		t.Fatal("the failed upload left no idempotency record")
	}
	claimedID := rec.DocumentID

	var ids []string
	for i := 0; i < 2; i++ {
		resp := idemUpload(t, ts, testKey, "k-503", "a.txt", "hello")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Idempotent-Replayed") != "true" {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("retry %d: %d %s; want 200 replayed", i, resp.StatusCode, b)
		}
		var d backend.Document
		decode(t, resp, &d)
		ids = append(ids, d.ID)
	}
	if ids[0] != claimedID || ids[1] != claimedID {
		t.Fatalf("retries answered %v; want the claimed ID %s", ids, claimedID)
	}
	if n, _ := ts.store.State(); n != 1 {
		t.Fatalf("%d documents stored; want 1", n)
	}
}

func TestMalformedIdempotencyKeyRefusedFromTheHead(t *testing.T) {
	ts := startServer(t, nil)
	for _, key := range []string{strings.Repeat("k", backend.MaxIdempotencyKeyBytes+1), "naïve-key"} {
		msg := wantError(t, idemUpload(t, ts, testKey, key, "a.txt", "hello"), http.StatusBadRequest, backend.EINVALID)
		if !strings.Contains(msg, "Idempotency-Key") {
			t.Errorf("key %q: message %q does not name the header", key, msg)
		}
	}
	if n, calls := ts.store.State(); n != 0 || calls != 0 {
		t.Fatalf("store saw %d calls (%d documents); want none", calls, n)
	}
}
