// Package sink is the benchmark's ceiling: a minimal fasthttp upload
// handler that streams and parses the multipart body, hashes the file part
// like docmeta does, and replies 201 without storing anything. Comparing
// docmeta's upload rate with the sink's, on the same machine in the same
// run, shows what the service costs on top of HTTP and multipart parsing.
package sink

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"
)

// Handler answers POST /upload with 201 and {"size_bytes":..,"sha256":..},
// GET /status with 200, and anything else with 404. A malformed body gets
// 400, so a generator cannot mistake garbage for throughput.
func Handler(ctx *fasthttp.RequestCtx) {
	switch string(ctx.Path()) {
	case "/status":
		ctx.SetContentType("application/json")
		ctx.SetBodyString(`{"status":"ok","store":"none"}`)
		return
	case "/upload":
	default:
		ctx.Error("not found", fasthttp.StatusNotFound)
		return
	}
	if !ctx.IsPost() {
		ctx.Error("method not allowed", fasthttp.StatusMethodNotAllowed)
		return
	}
	_, params, err := mime.ParseMediaType(string(ctx.Request.Header.ContentType()))
	if err != nil || params["boundary"] == "" {
		ctx.Error("not multipart", fasthttp.StatusUnsupportedMediaType)
		return
	}
	mr := multipart.NewReader(ctx.RequestBodyStream(), params["boundary"])
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "file" {
		ctx.Error("want one part named file", fasthttp.StatusBadRequest)
		return
	}
	h := sha256.New()
	n, err := io.Copy(h, part)
	if err != nil {
		ctx.Error("truncated body", fasthttp.StatusBadRequest)
		return
	}
	if _, err := mr.NextPart(); err != io.EOF {
		ctx.Error("want exactly one part", fasthttp.StatusBadRequest)
		return
	}
	var sum [sha256.Size]byte
	var out bytes.Buffer
	out.WriteString(`{"size_bytes":`)
	out.WriteString(strconv.FormatInt(n, 10))
	out.WriteString(`,"sha256":"`)
	out.WriteString(hex.EncodeToString(h.Sum(sum[:0])))
	out.WriteString(`"}`)
	ctx.SetStatusCode(fasthttp.StatusCreated)
	ctx.SetContentType("application/json")
	ctx.SetBody(out.Bytes())
}

// NullHandler answers /status with 200 and every other request with 201
// without reading the body (fasthttp discards it). Loading it measures the generator and fasthttp
// alone: if the sink's rate is well below this one, the generator is not
// what limits the benchmark.
func NullHandler(ctx *fasthttp.RequestCtx) {
	if string(ctx.Path()) == "/status" {
		Handler(ctx)
		return
	}
	ctx.SetStatusCode(fasthttp.StatusCreated)
	ctx.SetContentType("application/json")
	ctx.SetBodyString(`{}`)
}

// NewServer returns a fasthttp server configured the way docmeta's is for
// uploads: streamed request bodies, no multipart pre-parsing.
func NewServer(maxBody int) *fasthttp.Server {
	return &fasthttp.Server{
		Handler:                      Handler,
		Name:                         "docmeta-sink",
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		MaxRequestBodySize:           maxBody,
		ReadTimeout:                  30 * time.Second,
		IdleTimeout:                  75 * time.Second,
	}
}

// Serve serves the sink on ln until the listener is closed.
func Serve(ln net.Listener, maxBody int) error { return NewServer(maxBody).Serve(ln) }
