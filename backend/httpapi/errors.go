package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/docmeta/docmeta/backend"
	"github.com/valyala/fasthttp"
)

// retryAfterSeconds is sent with 503: the store is expected back soon, and a
// short hint keeps well-behaved clients from hammering it.
const retryAfterSeconds = "1"

// statusByCode is the HTTP status of each backend error code; a code
// missing here (EINTERNAL, or one added without a row) answers 500.
var statusByCode = map[string]int{
	backend.EINVALID:      fasthttp.StatusBadRequest,
	backend.EUNAUTHORIZED: fasthttp.StatusUnauthorized,
	backend.ENOTFOUND:     fasthttp.StatusNotFound,
	backend.EMETHOD:       fasthttp.StatusMethodNotAllowed,
	backend.ECONFLICT:     fasthttp.StatusConflict,
	backend.ETOOLARGE:     fasthttp.StatusRequestEntityTooLarge,
	backend.EKEYREUSED:    fasthttp.StatusUnprocessableEntity,
	backend.EUNSUPPORTED:  fasthttp.StatusUnsupportedMediaType,
	backend.EUNAVAILABLE:  fasthttp.StatusServiceUnavailable,
}

// statusOf maps a backend error code to its HTTP status.
func statusOf(code string) int {
	if status, ok := statusByCode[code]; ok {
		return status
	}
	return fasthttp.StatusInternalServerError
}

// errorBody is the JSON form of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError replaces the response with the JSON error for err. A store
// call that ran out of time counts as the store being unavailable.
func (a *API) writeError(ctx *fasthttp.RequestCtx, err error) {
	code, msg := backend.ErrorCode(err), backend.ErrorMessage(err)
	if code == backend.EINTERNAL && errors.Is(err, context.DeadlineExceeded) {
		code, msg = backend.EUNAVAILABLE, "the store did not answer in time; retry later"
	}
	writeErrorBody(ctx, statusOf(code), code, msg)
}

func writeErrorBody(ctx *fasthttp.RequestCtx, status int, code, msg string) {
	ctx.Response.ResetBody()
	ctx.SetStatusCode(status)
	// Also for the answers written outside Handle (a refused Expect, an
	// unparsable head), which never get Handle's headers.
	ctx.Response.Header.Set("Cache-Control", "no-store")
	if status == fasthttp.StatusServiceUnavailable {
		ctx.Response.Header.Set("Retry-After", retryAfterSeconds)
	}
	if status == fasthttp.StatusUnauthorized {
		ctx.Response.Header.Set("WWW-Authenticate", `Bearer realm="docmeta"`)
	}
	b, _ := json.Marshal(errorBody{Error: errorDetail{Code: code, Message: msg}})
	ctx.SetContentType(contentTypeJSON)
	ctx.SetBody(b)
}

// handleServerError answers errors fasthttp meets before a handler runs
// (an unparsable head, a head too large, a timeout) in the same JSON form.
func (a *API) handleServerError(ctx *fasthttp.RequestCtx, err error) {
	status, msg := fasthttp.StatusBadRequest, "the request could not be parsed as HTTP/1.1"
	var tooBig *fasthttp.ErrSmallBuffer
	switch {
	case errors.As(err, &tooBig):
		status, msg = fasthttp.StatusRequestHeaderFieldsTooLarge, "the request head is too large"
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		status, msg = fasthttp.StatusRequestEntityTooLarge, "the request body is too large"
	default:
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() {
			status, msg = fasthttp.StatusRequestTimeout, "the request was not received within the read timeout"
		}
	}
	code := backend.EINVALID
	if status == fasthttp.StatusRequestEntityTooLarge {
		code = backend.ETOOLARGE
	}
	ctx.SetConnectionClose()
	drainOnClose(ctx, true)
	writeErrorBody(ctx, status, code, msg)
	reqID := a.requestID(ctx)
	ctx.Response.Header.Set(headerRequestID, reqID)
	a.logAccess(ctx, reqID, time.Now(), backend.WrapError(code, msg, err))
}
