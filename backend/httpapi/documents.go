package httpapi

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/docmeta/docmeta/backend"
	"github.com/valyala/fasthttp"
)

const contentTypeJSON = "application/json"

// status answers the health check from memory: no store call, no auth, so
// the ALB's check measures only that the process serves HTTP.
func (a *API) status(ctx *fasthttp.RequestCtx) error {
	ctx.SetContentType(contentTypeJSON)
	ctx.SetBody(a.statusOK)
	return nil
}

func statusBody(version, store string) []byte {
	b, _ := json.Marshal(struct {
		Status  string `json:"status"`
		Version string `json:"version"`
		Store   string `json:"store"`
	}{"ok", version, store})
	return b
}

// listDocuments serves GET /documents?limit=N&cursor=C, newest first.
func (a *API) listDocuments(ctx *fasthttp.RequestCtx) error {
	args := ctx.QueryArgs()
	opts := backend.ListOptions{Cursor: string(args.Peek("cursor"))}
	if l := args.Peek("limit"); len(l) > 0 {
		n, err := strconv.Atoi(string(l))
		if err != nil {
			return backend.Errorf(backend.EINVALID, "limit must be a whole number between 1 and %d", backend.MaxListLimit)
		}
		opts.Limit = n
		if n == 0 {
			return backend.Errorf(backend.EINVALID, "limit must be between 1 and %d", backend.MaxListLimit)
		}
	}
	if err := opts.Validate(); err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.StoreTimeout)
	defer cancel()
	page, err := a.cfg.Store.List(sctx, opts)
	if err != nil {
		return err
	}
	if page.Documents == nil {
		page.Documents = []backend.Document{}
	}
	return writeJSON(ctx, fasthttp.StatusOK, page)
}

// getDocument serves GET /documents/{id}. Anything that is not an ID this
// service could have issued is a 404 without a store call.
func (a *API) getDocument(ctx *fasthttp.RequestCtx) error {
	id := string(ctx.Path()[len(documentsPrefix):])
	if !backend.ValidID(id) {
		return backend.Errorf(backend.ENOTFOUND, "no document with that id")
	}
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.StoreTimeout)
	defer cancel()
	doc, err := a.cfg.Store.Get(sctx, id)
	if err != nil {
		return err
	}
	return writeJSON(ctx, fasthttp.StatusOK, doc)
}

func writeJSON(ctx *fasthttp.RequestCtx, status int, v any) error {
	var b []byte
	var err error
	if d, ok := v.(backend.Document); ok {
		// The hot path (every upload's 201): calling MarshalJSON directly
		// skips json.Marshal's second pass that re-validates its output.
		b, err = d.MarshalJSON()
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		return backend.WrapError(backend.EINTERNAL, "could not encode the response", err)
	}
	ctx.SetStatusCode(status)
	ctx.SetContentType(contentTypeJSON)
	ctx.SetBody(b)
	return nil
}
