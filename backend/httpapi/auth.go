package httpapi

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"

	"github.com/docmeta/docmeta/backend"
	"github.com/valyala/fasthttp"
)

var bearerPrefix = []byte("Bearer ")

// bearerKey returns the key of an "Authorization: Bearer <key>" header
// value (scheme matched in any case, surrounding blanks trimmed); ok is
// false when h is not of that form.
func bearerKey(h []byte) (key []byte, ok bool) {
	if len(h) < len(bearerPrefix) || !bytes.EqualFold(h[:len(bearerPrefix)], bearerPrefix) {
		return nil, false
	}
	return bytes.TrimSpace(h[len(bearerPrefix):]), true
}

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
	key, ok := bearerKey(h)
	if !ok {
		return backend.Errorf(backend.EUNAUTHORIZED, "the Authorization header must be Bearer <key>")
	}
	sum := sha256.Sum256(key)
	match := 0
	for i := range a.keys {
		match |= subtle.ConstantTimeCompare(sum[:], a.keys[i][:])
	}
	if match != 1 {
		return backend.Errorf(backend.EUNAUTHORIZED, "wrong API key")
	}
	return nil
}
