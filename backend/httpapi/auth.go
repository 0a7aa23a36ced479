package httpapi

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"

	"github.com/docmeta/docmeta/backend"
	"github.com/valyala/fasthttp"
)

var bearerPrefix = []byte("Bearer ")

// authenticate checks the Bearer key when keys are configured. The
// presented key is hashed and compared with every configured key's hash in
// constant time, so neither the key's content nor its length nor which key
// matched shows in the timing.
func (a *API) authenticate(ctx *fasthttp.RequestCtx) error {
	if len(a.keys) == 0 {
		return nil
	}
	h := ctx.Request.Header.Peek(fasthttp.HeaderAuthorization)
	if len(h) == 0 {
		return backend.Errorf(backend.EUNAUTHORIZED, "missing API key; send Authorization: Bearer <key>")
	}
	if len(h) < len(bearerPrefix) || !bytes.EqualFold(h[:len(bearerPrefix)], bearerPrefix) {
		return backend.Errorf(backend.EUNAUTHORIZED, "the Authorization header must be Bearer <key>")
	}
	sum := sha256.Sum256(bytes.TrimSpace(h[len(bearerPrefix):]))
	match := 0
	for i := range a.keys {
		match |= subtle.ConstantTimeCompare(sum[:], a.keys[i][:])
	}
	if match != 1 {
		return backend.Errorf(backend.EUNAUTHORIZED, "wrong API key")
	}
	return nil
}
