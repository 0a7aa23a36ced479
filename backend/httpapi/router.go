package httpapi

import (
	"fmt"
	"strings"
	"time"

	"github.com/docmeta/docmeta/backend"
	"github.com/valyala/fasthttp"
)

const documentsPrefix = "/documents/"

// Handle is the fasthttp handler for every request: it routes, writes the
// JSON error for a failed request, and logs one access line.
func (a *API) Handle(ctx *fasthttp.RequestCtx) {
	start := time.Now()
	reqID := a.requestID(ctx)
	ctx.Response.Header.Set(headerRequestID, reqID)
	// Every answer is live and specific to its API key: a cache in front
	// (CloudFront on the cloudfront edge) must never keep or share one.
	ctx.Response.Header.Set("Cache-Control", "no-store")
	defer a.recoverPanic(ctx, reqID, start)
	err := a.route(ctx)
	if err != nil {
		a.writeError(ctx, err)
		// The body may be partly unread; if the connection closes, the
		// answer must still reach the client.
		drainOnClose(ctx, true)
	} else {
		// An earlier request's refusal on this keep-alive connection
		// no longer matters.
		drainOnClose(ctx, false)
	}
	a.logAccess(ctx, reqID, start, err)
}

// route admits the request, then runs its handler.
func (a *API) route(ctx *fasthttp.RequestCtx) error {
	h, err := a.admit(ctx)
	if err != nil {
		return err
	}
	return h(ctx)
}

// admit makes every check that needs only the request head (route, method,
// key, and for uploads the media type, declared size, Idempotency-Key and a
// free upload slot) and returns the handler for the body. The same checks
// run for a request with Expect: 100-continue (see expectContinue), so a
// request that will be refused is refused before its body is sent.
// Authentication comes before anything that could reveal whether a
// document exists.
func (a *API) admit(ctx *fasthttp.RequestCtx) (func(*fasthttp.RequestCtx) error, error) {
	path := ctx.Path()
	switch {
	case string(path) == "/status":
		if err := allowMethods(ctx, "GET, HEAD"); err != nil {
			return nil, err
		}
		return a.status, nil
	case string(path) == "/upload":
		if !ctx.IsPost() {
			return nil, methodNotAllowed(ctx, "POST")
		}
		if err := a.authenticate(ctx); err != nil {
			return nil, err
		}
		if err := a.checkUploadHead(ctx); err != nil {
			return nil, err
		}
		return a.upload, nil
	case string(path) == "/documents":
		if err := allowMethods(ctx, "GET, HEAD"); err != nil {
			return nil, err
		}
		if err := a.authenticate(ctx); err != nil {
			return nil, err
		}
		return a.listDocuments, nil
	case strings.HasPrefix(string(path), documentsPrefix):
		if err := allowMethods(ctx, "GET, HEAD"); err != nil {
			return nil, err
		}
		if err := a.authenticate(ctx); err != nil {
			return nil, err
		}
		return a.getDocument, nil
	default:
		return nil, backend.Errorf(backend.ENOTFOUND, "no such route; the API serves /upload, /status, /documents and /documents/{id}")
	}
}

// allowMethods accepts GET and HEAD, the only methods of the read routes.
func allowMethods(ctx *fasthttp.RequestCtx, allow string) error {
	if ctx.IsGet() || ctx.IsHead() {
		return nil
	}
	return methodNotAllowed(ctx, allow)
}

func methodNotAllowed(ctx *fasthttp.RequestCtx, allow string) error {
	ctx.Response.Header.Set("Allow", allow)
	return backend.Errorf(backend.EMETHOD, "method %s is not allowed here; use %s", ctx.Method(), allow)
}

// recoverPanic turns a handler panic into a 500 and one error line, so a bug
// neither kills the server nor prints a raw stack with request data to
// stderr; the panic value is redacted like every other log line.
func (a *API) recoverPanic(ctx *fasthttp.RequestCtx, reqID string, start time.Time) {
	p := recover()
	if p == nil {
		return
	}
	err := backend.WrapError(backend.EINTERNAL, "internal error", fmt.Errorf("panic: %s", RedactSecrets(fmt.Sprint(p))))
	ctx.SetConnectionClose()
	a.writeError(ctx, err)
	a.logAccess(ctx, reqID, start, err)
}
