package httpapi

import (
	"time"

	"github.com/valyala/fasthttp"
)

// expectContinue is the server's ExpectHandler: a client that sent
// "Expect: 100-continue" waits for "100 Continue" before sending the body,
// so every check admit can make from the head runs first, and a request
// that will be refused gets its final answer (401, 404, 405, 413, 415, 503)
// instead of an invitation to upload. fasthttp closes the connection after
// a refusal, since the client may start sending the body anyway.
func (a *API) expectContinue(ctx *fasthttp.RequestCtx) int {
	start := time.Now()
	if _, err := a.admit(ctx); err != nil {
		reqID := a.requestID(ctx)
		ctx.Response.Header.Set(headerRequestID, reqID)
		a.writeError(ctx, err)
		a.logAccess(ctx, reqID, start, err)
		drainOnClose(ctx, true)
		return ctx.Response.StatusCode()
	}
	return fasthttp.StatusContinue
}
