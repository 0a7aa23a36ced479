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
	defer a.recoverPanic(ctx, reqID, start)
	err := a.route(ctx)
	if err != nil {
		a.writeError(ctx, err)
	}
	a.logAccess(ctx, reqID, start, err)
}

// route dispatches on the path, then the method. Authentication is checked
// before anything that could reveal whether a document exists.
func (a *API) route(ctx *fasthttp.RequestCtx) error {
	path := ctx.Path()
	switch {
	case string(path) == "/status":
		if err := allowMethods(ctx, "GET, HEAD"); err != nil {
			return err
		}
		return a.status(ctx)
	case string(path) == "/upload":
		if !ctx.IsPost() {
			return methodNotAllowed(ctx, "POST")
		}
		if err := a.authenticate(ctx); err != nil {
			return err
		}
		return a.upload(ctx)
	case string(path) == "/documents":
		if err := allowMethods(ctx, "GET, HEAD"); err != nil {
			return err
		}
		if err := a.authenticate(ctx); err != nil {
			return err
		}
		return a.listDocuments(ctx)
	case strings.HasPrefix(string(path), documentsPrefix):
		if err := allowMethods(ctx, "GET, HEAD"); err != nil {
			return err
		}
		if err := a.authenticate(ctx); err != nil {
			return err
		}
		return a.getDocument(ctx, string(path[len(documentsPrefix):]))
	default:
		return backend.Errorf(backend.ENOTFOUND, "no such route; the API serves /upload, /status, /documents and /documents/{id}")
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
