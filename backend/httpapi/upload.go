package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/docmeta/docmeta/backend"
	"github.com/valyala/fasthttp"
)

// fileField is the one form field an upload carries, as in
// curl -F "file=@test.txt".
const fileField = "file"

// upload serves POST /upload. The body is parsed as a stream: the file part
// goes through the hash, the byte counter and the sniff buffer and is then
// dropped, so memory use does not grow with the upload's size. The policy is
// strict: exactly one part, named "file", with a filename; any other part
// (another file or a plain form field) is refused with 400 rather than
// ignored, so a client's mistake never passes silently.
func (a *API) upload(ctx *fasthttp.RequestCtx) error {
	boundary, err := multipartBoundary(&ctx.Request.Header)
	if err != nil {
		return err
	}
	if !a.uploads.tryAcquire() {
		ctx.SetConnectionClose() // the body stays unread
		return a.busyError()
	}
	defer a.uploads.release()

	st := acquireUploadState()
	defer releaseUploadState(st)
	st.body.reset(ctx, a.maxBody, a.cfg.ReadTimeout, a.cfg.MinUploadRate, a.cfg.UploadTimeout)
	st.form.reset(&st.body, boundary)

	// A refused body may be left partly unread. fasthttp then discards up
	// to 256 KiB of it, so the client can finish sending and read the
	// answer on a connection that stays usable, and closes the connection
	// when more than that is left.
	doc, err := a.receive(st)
	if err != nil {
		return err
	}

	doc.ID, doc.UploadedAt = a.ids.Next()
	if key, _ := a.idempotencyKey(ctx); key != "" {
		return a.storeIdempotent(ctx, doc, key)
	}
	// Not the request context: fasthttp cancels that one when shutdown
	// starts, and an upload in flight during a graceful shutdown should
	// still be stored.
	sctx, cancel := context.WithTimeout(context.Background(), a.cfg.StoreTimeout)
	err = a.cfg.Store.Put(sctx, doc)
	cancel()
	if err != nil {
		return fmt.Errorf("store upload %s: %w", doc.ID, err)
	}
	ctx.Response.Header.Set("Location", documentsPrefix+doc.ID)
	return writeJSON(ctx, fasthttp.StatusCreated, doc)
}

// checkUploadHead refuses an upload from its head alone: a media type other
// than multipart/form-data (415, 400 for a bad boundary), a declared
// Content-Length over the limit (413), a malformed Idempotency-Key (400), or
// no free upload slot (503).
func (a *API) checkUploadHead(ctx *fasthttp.RequestCtx) error {
	if _, err := multipartBoundary(&ctx.Request.Header); err != nil {
		return err
	}
	if cl := ctx.Request.Header.ContentLength(); int64(cl) > a.maxBody {
		// The body is never read, so the connection cannot be reused.
		ctx.SetConnectionClose()
		return a.tooLarge()
	}
	if _, err := a.idempotencyKey(ctx); err != nil {
		return err
	}
	if a.uploads.full() {
		ctx.SetConnectionClose()
		return a.busyError()
	}
	return nil
}

func (a *API) tooLarge() error {
	return backend.Errorf(backend.ETOOLARGE, "the upload exceeds the limit of %d bytes", a.cfg.MaxUploadBytes)
}

// multipartBoundary returns the boundary of a multipart/form-data request:
// EUNSUPPORTED (415) for any other media type or a compressed body,
// EINVALID (400) for a multipart/form-data type whose parameters are
// malformed or whose boundary is missing or invalid.
func multipartBoundary(h *fasthttp.RequestHeader) (string, error) {
	ct := string(h.ContentType())
	mediaType, params, err := mime.ParseMediaType(ct)
	if mediaType == "" {
		// ParseMediaType names the media type only when it could parse
		// it; without one, take the part before the parameters (as it
		// does), so a malformed parameter of a multipart/form-data
		// request is a 400 and not a 415.
		base, _, _ := strings.Cut(ct, ";")
		mediaType = strings.TrimSpace(base)
	}
	// The whole media type must match: a prefix test would accept
	// multipart/form-dataX or multipart/form-data-evil.
	if !strings.EqualFold(mediaType, "multipart/form-data") {
		return "", backend.Errorf(backend.EUNSUPPORTED, "the body must be multipart/form-data with one part named file, as sent by curl -F \"file=@name\"")
	}
	if ce := h.ContentEncoding(); len(ce) > 0 && !bytes.EqualFold(ce, []byte("identity")) {
		return "", backend.Errorf(backend.EUNSUPPORTED, "Content-Encoding %q is not supported; send the body uncompressed", ce)
	}
	if err != nil {
		return "", backend.WrapError(backend.EINVALID, "malformed Content-Type header: its parameters are not name=value pairs (quote a boundary that contains special characters)", err)
	}
	b := params["boundary"]
	if b == "" || len(b) > 70 {
		return "", backend.Errorf(backend.EINVALID, "the multipart/form-data Content-Type needs a boundary of 1 to 70 characters")
	}
	return b, nil
}

// receive parses the body and returns the file's metadata (ID and time
// not yet set). It succeeds only when the body held exactly one part, the
// file, and ended with the closing boundary.
func (a *API) receive(st *uploadState) (backend.Document, error) {
	h, err := st.form.firstPart()
	if err == io.EOF {
		return backend.Document{}, backend.Errorf(backend.EINVALID, "the body has no part named file: it is empty, holds no part, or does not use the boundary its Content-Type names")
	}
	if err != nil {
		return backend.Document{}, a.bodyError(st, err)
	}
	doc, err := a.receiveFile(h, st)
	if err != nil {
		return doc, err
	}
	if !st.form.final {
		return doc, backend.Errorf(backend.EINVALID, "the body has more than one part; send exactly one part, named file")
	}
	return doc, nil
}

// receiveFile checks the part's headers and streams its content through
// the digest.
func (a *API) receiveFile(h partHeader, st *uploadState) (backend.Document, error) {
	var doc backend.Document
	disp, params, err := mime.ParseMediaType(h.disposition)
	if err != nil || !strings.EqualFold(disp, "form-data") {
		return doc, backend.Errorf(backend.EINVALID, "the part needs a Content-Disposition: form-data header with a name and a filename")
	}
	name := params["name"]
	filename, hasFilename := params["filename"]
	switch {
	case name != fileField && hasFilename:
		return doc, backend.Errorf(backend.EINVALID, "the file part is named %q; it must be named file", name)
	case name != fileField:
		return doc, backend.Errorf(backend.EINVALID, "unexpected form field %q; send exactly one part, named file", name)
	case !hasFilename:
		return doc, backend.Errorf(backend.EINVALID, "the part named file has no filename; send a file, as curl -F \"file=@name\" does")
	}
	if doc.Filename, err = backend.CleanFilename(filename); err != nil {
		return doc, err
	}
	if err := backend.CheckDeclaredContentType(h.contentType); err != nil {
		return doc, err
	}
	doc.DeclaredContentType = h.contentType

	st.digest.reset(a.cfg.MaxUploadBytes)
	if _, err := st.form.WriteTo(&st.digest); err != nil {
		return doc, a.bodyError(st, err)
	}
	doc.SizeBytes = st.digest.n
	doc.SHA256 = st.digest.sum()
	doc.ContentType = http.DetectContentType(st.digest.sniff[:st.digest.sniffed])
	return doc, nil
}

// bodyError classifies a failure while reading the body: over the limit
// (413), too slow or stalled (400, connection closed), or
// malformed/truncated (400).
func (a *API) bodyError(st *uploadState, err error) error {
	if st.body.exceeded || errors.Is(err, errFileTooLarge) {
		return a.tooLarge()
	}
	var be *backend.Error
	if errors.As(err, &be) {
		return err // the parser's own verdict, already client-safe
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) && ne.Timeout() {
		// The rest of the body is not worth waiting for: the answer goes
		// out (if the client still reads) and the connection closes.
		st.body.ctx.SetConnectionClose()
		return backend.WrapError(backend.EINVALID, st.body.timeoutReason(time.Now()), err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return backend.WrapError(backend.EINVALID, "the body ended before the closing boundary; send the whole multipart body", err)
	}
	// Anything else is a failed read (a reset connection, a broken
	// chunked encoding): its text is for the log, not the client.
	st.body.ctx.SetConnectionClose()
	return backend.WrapError(backend.EINVALID, "the upload body could not be read to its end; send it again", err)
}
