package httpapi

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"testing"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"

	"github.com/docmeta/docmeta/internal/memstore"
)

// BenchmarkUpload1KiB measures the handler's cost per 1 KiB upload over an
// in-memory connection with an in-memory store: the HTTP layer's share of
// the service's per-upload CPU (go test -bench Upload -benchmem).
func BenchmarkUpload1KiB(b *testing.B) {
	api, err := New(Config{Store: memstore.New(), Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), APIKeys: []string{testKey}})
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

// BenchmarkUploadLarge streams 64 MiB uploads over loopback TCP: the
// per-byte cost of parsing, hashing and counting (reported as MB/s).
func BenchmarkUploadLarge(b *testing.B) {
	const size = 64 << 20
	api, err := New(Config{Store: memstore.New(), Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)), MaxUploadBytes: size})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := api.Server()
	go srv.Serve(ln)
	defer srv.Shutdown()

	head := "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n"
	tail := "\r\n--B--\r\n"
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		go func() {
			bw := bufio.NewWriterSize(c, 256<<10)
			fmt.Fprintf(bw, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(head)+size+len(tail), head)
			for n := 0; n < size; n += len(chunk) {
				bw.Write(chunk)
			}
			bw.WriteString(tail)
			bw.Flush()
		}()
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != 201 {
			b.Fatalf("upload: %v %v", err, resp)
		}
		c.Close()
	}
}
