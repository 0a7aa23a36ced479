package httpapi

import (
	"context"
	"strconv"

	"github.com/docmeta/docmeta/backend"
	"github.com/valyala/fasthttp"
)

// Headers of idempotent uploads.
const (
	headerIdempotencyKey = "Idempotency-Key"
	headerReplayed       = "Idempotent-Replayed"
)

// idempotencyKey returns the request's Idempotency-Key ("" when absent),
// or EINVALID when it is malformed or the store cannot keep it. It needs
// only the head, so admit checks it before the body is read.
func (a *API) idempotencyKey(ctx *fasthttp.RequestCtx) (string, error) {
	v := ctx.Request.Header.Peek(headerIdempotencyKey)
	if v == nil {
		return "", nil
	}
	if !backend.ValidIdempotencyKey(string(v)) {
		return "", backend.Errorf(backend.EINVALID, "Idempotency-Key must be 1 to %d printable ASCII characters, e.g. a UUID the client generates per upload", backend.MaxIdempotencyKeyBytes)
	}
	if _, ok := a.cfg.Store.(backend.IdempotencyStore); !ok {
		return "", backend.Errorf(backend.EINVALID, "this server's store cannot keep Idempotency-Key; send the upload without it")
	}
	return string(v), nil
}

// credential is what scopes an Idempotency-Key: the presented bearer key
// (already authenticated when keys are configured; on an anonymous server
// whatever bearer key a client sends, which only keeps clients apart), or
// nothing when no bearer key was sent.
func credential(ctx *fasthttp.RequestCtx) []byte {
	key, _ := bearerKey(ctx.Request.Header.Peek(fasthttp.HeaderAuthorization))
	return key
}

// storeIdempotent stores an upload that carries an Idempotency-Key. The
// record is claimed before the document is written, so no acknowledged
// document can lack its record:
//
//   - first use of the key: the record (document ID, time, SHA-256,
//     filename) is stored, then the document; 201;
//   - a repeat with the same content: the original document, 200 with
//     Idempotent-Replayed: true. If the first attempt never stored its
//     document (it failed after the claim), the repeat stores it under the
//     claimed ID and time;
//   - a repeat with other content: 422 naming the key.
func (a *API) storeIdempotent(ctx *fasthttp.RequestCtx, doc backend.Document, key string) error {
	store := a.cfg.Store.(backend.IdempotencyStore) // checked by idempotencyKey
	rec := backend.IdempotencyRecord{
		Key:        backend.ScopedIdempotencyKey(credential(ctx), key),
		DocumentID: doc.ID, UploadedAt: doc.UploadedAt,
		SHA256: doc.SHA256, Filename: doc.Filename,
		ExpiresAt: doc.UploadedAt.Add(a.cfg.IdempotencyTTL),
	}
	var held backend.IdempotencyRecord
	var claimed bool
	err := a.storeCall(func(sctx context.Context) (err error) {
		held, claimed, err = store.Claim(sctx, rec, doc.UploadedAt)
		return err
	})
	if err != nil {
		return err
	}
	if claimed {
		err := a.storeCall(func(sctx context.Context) error { return a.cfg.Store.Put(sctx, doc) })
		if err == nil {
			ctx.Response.Header.Set("Location", documentsPrefix+doc.ID)
			return writeJSON(ctx, fasthttp.StatusCreated, doc)
		}
		if backend.ErrorCode(err) != backend.ECONFLICT {
			return err
		}
		// A concurrent repeat stored it first.
		return a.replay(ctx, doc)
	}
	if !held.SameContent(doc) {
		return backend.Errorf(backend.EKEYREUSED, "Idempotency-Key %s was already used for another upload (other content or filename) within %s; use a new key for a new upload", strconv.Quote(key), a.cfg.IdempotencyTTL)
	}
	doc.ID, doc.UploadedAt = held.DocumentID, held.UploadedAt
	return a.replay(ctx, doc)
}

// replay answers a repeated upload with the stored document, storing doc
// first if the original attempt never did.
func (a *API) replay(ctx *fasthttp.RequestCtx, doc backend.Document) error {
	var stored backend.Document
	get := func(sctx context.Context) (err error) {
		stored, err = a.cfg.Store.Get(sctx, doc.ID)
		return err
	}
	err := a.storeCall(get)
	if backend.ErrorCode(err) == backend.ENOTFOUND {
		stored = doc
		err = a.storeCall(func(sctx context.Context) error { return a.cfg.Store.Put(sctx, doc) })
		if backend.ErrorCode(err) == backend.ECONFLICT {
			err = a.storeCall(get)
		}
	}
	if err != nil {
		return err
	}
	ctx.Response.Header.Set(headerReplayed, "true")
	ctx.Response.Header.Set("Location", documentsPrefix+stored.ID)
	return writeJSON(ctx, fasthttp.StatusOK, stored)
}

// storeCall runs one store call with its own StoreTimeout. Not the request
// context: fasthttp cancels that one when shutdown starts, and an upload in
// flight during a graceful shutdown should still be stored.
func (a *API) storeCall(fn func(context.Context) error) error {
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.StoreTimeout)
	defer cancel()
	return fn(sctx)
}
