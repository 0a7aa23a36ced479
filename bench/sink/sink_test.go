package sink_test

import (
	"testing"

	"github.com/docmeta/docmeta/internal/loadgen"
)

// truncated is good's request with the closing boundary missing but an
// honest Content-Length, so the body ends inside the part.
func truncated(u loadgen.Upload) []byte {
	body := append(u.MultipartHead(), u.Content...)
	return append(u.Header(int64(len(body))), body...)
}

func TestHandler(t *testing.T) {
	good := loadgen.Upload{Host: "sink", Filename: "a.txt", Content: []byte("hello")}
	cases := []struct {
		name string
		raw  []byte
		want int
		body string
	}{
		{"upload", good.Raw(), 201, `{"size_bytes":5,"sha256":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}`},
		{"wrong field", loadgen.Upload{Host: "sink", Field: "doc", Filename: "a", Content: []byte("x")}.Raw(), 400, ""},
		{"truncated", truncated(good), 400, ""},
		{"not multipart", []byte("POST /upload HTTP/1.1\r\nHost: s\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nx"), 415, ""},
		{"status", []byte("GET /status HTTP/1.1\r\nHost: s\r\n\r\n"), 200, ""},
		{"other path", []byte("GET /nope HTTP/1.1\r\nHost: s\r\n\r\n"), 404, ""},
		{"get upload", []byte("GET /upload HTTP/1.1\r\nHost: s\r\n\r\n"), 405, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := roundTrip(t, c.raw)
			if got := resp.StatusCode(); got != c.want {
				t.Fatalf("status %d, body %s; want %d", got, resp.Body(), c.want)
			}
			if c.body != "" && string(resp.Body()) != c.body {
				t.Fatalf("body %s; want %s", resp.Body(), c.body)
			}
		})
	}
}
