package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
)

func TestUploadStoresMetadataAndAnswers201(t *testing.T) {
	ts := startServer(t, nil)
	png := "\x89PNG\r\n\x1a\n" + strings.Repeat("x", 100)
	before := time.Now().UTC().Truncate(time.Microsecond)
	// The client claims text/plain; the server sniffs the PNG signature.
	body := "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"pic.png\"\r\nContent-Type: text/plain\r\n\r\n" + png + "\r\n--B--\r\n"
	resp := ts.do("POST", "/upload", "multipart/form-data; boundary=B", strings.NewReader(body), "")
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id header")
	}
	loc := resp.Header.Get("Location")
	var got backend.Document
	decode(t, resp, &got)
	sum := sha256.Sum256([]byte(png))
	if !backend.ValidID(got.ID) || loc != "/documents/"+got.ID {
		t.Errorf("id %q, Location %q", got.ID, loc)
	}
	if got.Filename != "pic.png" || got.SizeBytes != int64(len(png)) || got.SHA256 != hex.EncodeToString(sum[:]) ||
		got.ContentType != "image/png" || got.DeclaredContentType != "text/plain" {
		t.Errorf("document %+v", got)
	}
	if got.UploadedAt.Before(before) || got.UploadedAt.After(time.Now()) {
		t.Errorf("uploaded_at %v not between %v and now", got.UploadedAt, before)
	}
	stored, err := ts.store.Get(t.Context(), got.ID)
	if err != nil || !stored.UploadedAt.Equal(got.UploadedAt) || stored.SHA256 != got.SHA256 {
		t.Fatalf("stored %+v, %v; answered %+v", stored, err, got)
	}
}

func TestUploadStreamsLargeChunkedBody(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxUploadBytes = 8 << 20 })
	// An io.Pipe has no length, so the client sends the body chunked: the
	// server cannot know the size up front and must count while streaming.
	content := strings.Repeat("0123456789abcdef", (3<<20)/16+7)
	pr, pw := io.Pipe()
	go func() {
		ct := "--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n"
		io.WriteString(pw, ct)
		for i := 0; i < len(content); i += 65536 {
			io.WriteString(pw, content[i:min(i+65536, len(content))])
		}
		io.WriteString(pw, "\r\n--X--\r\n")
		pw.Close()
	}()
	resp := ts.do("POST", "/upload", "multipart/form-data; boundary=X", pr, "")
	var got backend.Document
	decode(t, resp, &got)
	sum := sha256.Sum256([]byte(content))
	if resp.StatusCode != http.StatusCreated || got.SizeBytes != int64(len(content)) || got.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("status %d, document %+v", resp.StatusCode, got)
	}
	if got.ContentType != "text/plain; charset=utf-8" {
		t.Errorf("sniffed %q", got.ContentType)
	}
}

// TestUploadMediaTypeIsCaseInsensitive: media types are case-insensitive
// (RFC 9110 8.3.1), so the exact-match check must not refuse these.
func TestUploadMediaTypeIsCaseInsensitive(t *testing.T) {
	ts := startServer(t, nil)
	body := "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--B--\r\n"
	for _, ct := range []string{"Multipart/Form-Data; boundary=B", "MULTIPART/FORM-DATA;boundary=B", "multipart/form-data ; boundary=B"} {
		resp := ts.do("POST", "/upload", ct, strings.NewReader(body), "")
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("Content-Type %q: status %d", ct, resp.StatusCode)
		}
	}
}

func TestUploadEmptyFile(t *testing.T) {
	ts := startServer(t, nil)
	d := uploadDoc(t, ts, "empty.txt", "")
	if d.SizeBytes != 0 || d.SHA256 != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatalf("document %+v", d)
	}
}

func TestUploadReducesPathToBaseName(t *testing.T) {
	ts := startServer(t, nil)
	for in, want := range map[string]string{"../../etc/passwd": "passwd", `C:\Users\me\report.pdf`: "report.pdf"} {
		if d := uploadDoc(t, ts, in, "x"); d.Filename != want {
			t.Errorf("filename %q stored as %q, want %q", in, d.Filename, want)
		}
	}
}

func TestUploadWithoutKeysIsAnonymous(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.APIKeys = nil })
	ct, body := multipartBody(t, [3]string{"file", "a.txt", "hello"})
	if resp := ts.do("POST", "/upload", ct, body, "none"); resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestUploadAcceptsAnyConfiguredKey(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.APIKeys = []string{"first-key-0123456789", "second-key-0123456789"} })
	for _, k := range []string{"first-key-0123456789", "second-key-0123456789"} {
		ct, body := multipartBody(t, [3]string{"file", "a.txt", "hello"})
		if resp := ts.do("POST", "/upload", ct, body, "bearer "+k); resp.StatusCode != http.StatusCreated {
			t.Fatalf("key %s: status %d", k, resp.StatusCode)
		}
	}
}

func TestUploadStoreFailures(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		code   string
	}{
		{backend.Errorf(backend.EUNAVAILABLE, "store down"), 503, backend.EUNAVAILABLE},
		{errors.New("disk on fire"), 500, backend.EINTERNAL},
	} {
		ts := startServer(t, nil)
		ts.store.SetPutErr(tc.err)
		ct, body := multipartBody(t, [3]string{"file", "a.txt", "hello"})
		resp := ts.do("POST", "/upload", ct, body, "")
		if tc.status == 503 && resp.Header.Get("Retry-After") == "" {
			t.Error("503 without Retry-After")
		}
		msg := wantError(t, resp, tc.status, tc.code)
		if strings.Contains(msg, "disk on fire") {
			t.Errorf("internal cause leaked to the client: %q", msg)
		}
	}
}

func TestStatusNeedsNoKeyAndNoStore(t *testing.T) {
	ts := startServer(t, nil)
	resp := ts.do("GET", "/status", "", nil, "none")
	var s map[string]string
	decode(t, resp, &s)
	if resp.StatusCode != 200 || s["status"] != "ok" || s["version"] != "test" || s["store"] != "memory" {
		t.Fatalf("status %d, body %v", resp.StatusCode, s)
	}
	if head := ts.do("HEAD", "/status", "", nil, "none"); head.StatusCode != 200 {
		t.Fatalf("HEAD /status: %d", head.StatusCode)
	}
	if _, calls := ts.store.State(); calls != 0 {
		t.Fatalf("GET /status made %d store calls", calls)
	}
}

func TestListAndGetDocuments(t *testing.T) {
	ts := startServer(t, nil)
	var ids []string
	for i := 0; i < 5; i++ {
		ids = append(ids, uploadDoc(t, ts, "f.txt", strings.Repeat("a", i)).ID)
	}
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		var p backend.Page
		path := "/documents?limit=2"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		resp := ts.do("GET", path, "", nil, "")
		decode(t, resp, &p)
		if resp.StatusCode != 200 || len(p.Documents) > 2 || pages > 3 {
			t.Fatalf("status %d, page %+v", resp.StatusCode, p)
		}
		for _, d := range p.Documents {
			seen = append(seen, d.ID)
		}
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	for i := range ids {
		if seen[i] != ids[len(ids)-1-i] {
			t.Fatalf("listing %v is not newest first of %v", seen, ids)
		}
	}

	resp := ts.do("GET", "/documents/"+ids[2], "", nil, "")
	var d backend.Document
	decode(t, resp, &d)
	if resp.StatusCode != 200 || d.ID != ids[2] || d.SizeBytes != 2 {
		t.Fatalf("status %d, document %+v", resp.StatusCode, d)
	}
}

func TestEmptyListingIsAnEmptyArray(t *testing.T) {
	ts := startServer(t, nil)
	resp := ts.do("GET", "/documents", "", nil, "")
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != `{"documents":[]}` {
		t.Fatalf("status %d, body %s", resp.StatusCode, b)
	}
}

func TestAccessLogAndRequestID(t *testing.T) {
	ts := startServer(t, nil)
	req, _ := http.NewRequest("GET", "http://docmeta.test/status", nil)
	req.Header.Set("X-Amzn-Trace-Id", "Root=1-67891233-abcdef012345678912345678")
	resp, err := ts.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-Id"); got != "Root=1-67891233-abcdef012345678912345678" {
		t.Errorf("X-Request-Id %q does not echo the trace id", got)
	}
	ts.do("GET", "/nowhere", "", nil, "").Body.Close()

	lines := ts.logs.lines()
	if len(lines) != 2 {
		t.Fatalf("%d access lines, want 2: %v", len(lines), lines)
	}
	first, second := lines[0], lines[1]
	if first["msg"] != "request" || first["method"] != "GET" || first["path"] != "/status" || first["status"] != 200.0 ||
		first["bytes"].(float64) <= 0 || first["duration_ms"] == nil || first["request_id"] != "Root=1-67891233-abcdef012345678912345678" {
		t.Errorf("access line %v", first)
	}
	if second["status"] != 404.0 || second["request_id"] == "" || second["request_id"] == first["request_id"] || second["error"] == nil {
		t.Errorf("access line %v", second)
	}
}
