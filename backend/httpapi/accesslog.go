package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/docmeta/docmeta/backend"
	"github.com/valyala/fasthttp"
)

const (
	// headerTraceID is set by the ALB on every request it forwards.
	headerTraceID = "X-Amzn-Trace-Id"
	// headerRequestID echoes the request id back to the client, so a user
	// can quote it and an operator can find the access line.
	headerRequestID = "X-Request-Id"
	maxTraceIDBytes = 256
)

// requestIDs generates ids for requests that arrive without an ALB trace
// id: a random per-process prefix and a counter, unique and nearly free.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() requestIDs {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return requestIDs{prefix: hex.EncodeToString(b[:]) + "-"}
}

// requestID returns the ALB trace id if the request carries a sane one,
// else a generated id.
func (a *API) requestID(ctx *fasthttp.RequestCtx) string {
	if t := ctx.Request.Header.Peek(headerTraceID); len(t) > 0 && len(t) <= maxTraceIDBytes && printableASCII(t) {
		return string(t)
	}
	return a.reqIDs.prefix + strconv.FormatUint(a.reqIDs.n.Add(1), 36)
}

func printableASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// logAccess writes the access line. LogAttrs with a fixed attribute list
// keeps it to a handful of allocations per request.
func (a *API) logAccess(ctx *fasthttp.RequestCtx, reqID string, start time.Time, err error) {
	status := ctx.Response.StatusCode()
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	attrs := [8]slog.Attr{
		slog.String("method", string(ctx.Method())),
		slog.String("path", loggedPath(ctx.Path())),
		slog.Int("status", status),
		slog.Int("bytes", len(ctx.Response.Body())),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("request_id", reqID),
	}
	n := 6
	if err != nil {
		attrs[n] = slog.String("error", redactIdempotencyKey(ctx, backend.ErrorMessage(err)))
		n++
		if backend.ErrorCode(err) == backend.EINTERNAL || backend.ErrorCode(err) == backend.EUNAVAILABLE {
			// The cause is for operators only; clients got the message.
			attrs[n] = slog.String("cause", RedactSecrets(err.Error()))
			n++
		}
	}
	a.log.LogAttrs(context.Background(), level, "request", attrs[:n]...)
}

// redactIdempotencyKey removes the request's Idempotency-Key from a message
// bound for the log: the client's error message names it (quoted), and the
// key is as much a secret as the API key it is scoped to.
func redactIdempotencyKey(ctx *fasthttp.RequestCtx, msg string) string {
	if k := ctx.Request.Header.Peek(headerIdempotencyKey); len(k) > 0 {
		msg = strings.ReplaceAll(msg, strconv.Quote(string(k)), redacted)
	}
	return msg
}

// maxLoggedPath bounds the path in an access line: a client may send a
// path of many KiB (up to the head limit), and the log should not carry or
// multiply it.
const maxLoggedPath = 128

// loggedPath returns the path for the access line, truncated to
// maxLoggedPath bytes (at a character boundary) with its full length noted.
func loggedPath(p []byte) string {
	if len(p) <= maxLoggedPath {
		return string(p)
	}
	cut := maxLoggedPath
	for cut > 0 && !utf8.RuneStart(p[cut]) {
		cut--
	}
	return string(p[:cut]) + "...(" + strconv.Itoa(len(p)) + " bytes)"
}
