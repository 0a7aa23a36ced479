package httpapi

import "testing"

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
