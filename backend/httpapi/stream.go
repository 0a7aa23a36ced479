package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

var (
	errBodyTooLarge = errors.New("request body exceeds the limit")
	errFileTooLarge = errors.New("file exceeds the limit")
)

// sniffLen is how much http.DetectContentType looks at.
const sniffLen = 512

// uploadState is the per-upload scratch space (the parser's 64 KiB read
// buffer, the hash, the sniff buffer), pooled so that an upload allocates
// almost nothing.
type uploadState struct {
	body   bodyReader
	form   *formReader
	digest digestWriter
}

var uploadStates = sync.Pool{New: func() any {
	return &uploadState{form: newFormReader(), digest: digestWriter{h: sha256.New()}}
}}

func acquireUploadState() *uploadState { return uploadStates.Get().(*uploadState) }

func releaseUploadState(st *uploadState) {
	st.body = bodyReader{}
	st.form.reset(nil, "")
	uploadStates.Put(st)
}

// digestWriter hashes and counts the file content and keeps its first
// sniffLen bytes for content-type detection.
type digestWriter struct {
	h       hash.Hash
	n, max  int64
	sniff   [sniffLen]byte
	sniffed int
}

func (d *digestWriter) reset(max int64) {
	d.h.Reset()
	d.n, d.max, d.sniffed = 0, max, 0
}

func (d *digestWriter) Write(p []byte) (int, error) {
	if d.n+int64(len(p)) > d.max {
		return 0, errFileTooLarge
	}
	if d.sniffed < sniffLen {
		d.sniffed += copy(d.sniff[d.sniffed:], p)
	}
	d.h.Write(p)
	d.n += int64(len(p))
	return len(p), nil
}

func (d *digestWriter) sum() string {
	var s [sha256.Size]byte
	return hex.EncodeToString(d.h.Sum(s[:0]))
}

// bodyReader reads the streamed request body with two guards: a byte limit
// (reading past it fails with errBodyTooLarge) and a moving read deadline.
// fasthttp's ReadTimeout covers the whole request, far too short for a large
// upload on a slow link; instead the deadline is pushed forward while the
// body keeps its minimum rate: it moves only once minRate bytes arrived
// since it last moved, so a body may go at most the read timeout without
// delivering minRate bytes, and the whole body may take at most the upload
// timeout. Moving it on every byte would let a client dripping one byte per
// second hold the connection for the whole upload timeout.
//
// The hot path stays cheap: a counter per Read, and a clock read and
// deadline update (no system call) at most every quarter read timeout.
type bodyReader struct {
	r        io.Reader
	ctx      *fasthttp.RequestCtx
	left     int64
	exceeded bool
	eof      bool

	idle       time.Duration
	minRate    int64     // bytes per idle window that move the deadline
	received   int64     // bytes read since the deadline last moved
	hard       time.Time // the upload timeout, from the request's start
	nextExtend time.Time
}

func (b *bodyReader) reset(ctx *fasthttp.RequestCtx, limit int64, idle time.Duration, minRate int64, upload time.Duration) {
	r := ctx.RequestBodyStream()
	if r == nil {
		// No body at all: the multipart reader reports a malformed body.
		r = eofReader{}
	}
	start := ctx.Time()
	*b = bodyReader{
		r: r, ctx: ctx, left: limit, idle: idle, minRate: minRate, hard: start.Add(upload),
		// The first read sets the deadline whatever has arrived:
		// fasthttp's, armed at the first byte of the request head, may be
		// close already.
		received: minRate, nextExtend: start,
	}
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.eof {
		return 0, io.EOF
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	if b.received >= b.minRate {
		if now := time.Now(); !now.Before(b.nextExtend) {
			_ = b.ctx.SetReadDeadline(earliest(now.Add(b.idle), b.hard))
			b.nextExtend = now.Add(b.idle / 4)
			b.received = 0
		}
	}
	n, err := b.r.Read(p)
	b.received += int64(n)
	if int64(n) > b.left {
		b.exceeded = true
		n, b.left = int(b.left), 0
		return n, errBodyTooLarge
	}
	b.left -= int64(n)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

// timeoutReason says, for the client and the access log, why the body's
// read deadline passed at now.
func (b *bodyReader) timeoutReason(now time.Time) string {
	switch {
	case !now.Before(b.hard):
		return fmt.Sprintf("the upload body was not received within the upload timeout (%s); send smaller files or use a faster link", b.hard.Sub(b.ctx.Time()))
	case b.received > 0 && b.received < b.minRate:
		return fmt.Sprintf("the upload body arrived too slowly: %d bytes within the read timeout (%s), below the minimum of %d bytes per read timeout; send the body without pausing", b.received, b.idle, b.minRate)
	case b.received == 0:
		return fmt.Sprintf("the upload body stalled: no byte arrived within the read timeout (%s); send the body without pausing", b.idle)
	default:
		// A burst right after the deadline moved, then silence for the
		// rest of the read timeout.
		return fmt.Sprintf("the upload body stalled for most of the read timeout (%s); send the body without pausing", b.idle)
	}
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
