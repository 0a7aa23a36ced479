package httpapi

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"testing"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"
)

// BenchmarkUpload1KiB measures the handler's cost per 1 KiB upload over an
// in-memory connection with an in-memory store: the HTTP layer's share of
// the service's per-upload CPU (go test -bench Upload -benchmem).
func BenchmarkUpload1KiB(b *testing.B) {
	api, err := New(Config{Store: newMemStore(), Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), APIKeys: []string{testKey}})
	if err != nil {
		b.Fatal(err)
	}
	ln := fasthttputil.NewInmemoryListener()
	srv := api.Server()
	go srv.Serve(ln)
	defer srv.Shutdown()

	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile("file", "bench.bin")
	fw.Write(bytes.Repeat([]byte("x"), 1024))
	w.Close()
	c := &fasthttp.HostClient{Addr: "bench", Dial: func(string) (net.Conn, error) { return ln.Dial() }}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	req.SetRequestURI("http://bench/upload")
	req.Header.SetMethod("POST")
	req.Header.SetContentType(w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.SetBody(body.Bytes())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := c.Do(req, resp); err != nil || resp.StatusCode() != 201 {
			b.Fatalf("upload: %v, status %d", err, resp.StatusCode())
		}
	}
}
