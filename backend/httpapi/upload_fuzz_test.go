package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/backend/httpapi"
	"github.com/docmeta/docmeta/internal/memstore"
)

// fuzzLimit is the upload limit of the fuzzed server: small, so that the
// fuzzer reaches the 413 paths too.
const fuzzLimit = 4096

// FuzzUploadHandler sends arbitrary Content-Type headers and bodies to POST
// /upload on a real fasthttp server (over an in-memory listener) and checks:
// the server answers (no hang, no crash); only 201, 400, 413 or 415; every
// answer is the API's JSON; a document is stored exactly when the answer is
// 201, and it is the one answered; and every 201 agrees with Go's own
// multipart parser on the body: one part named file, whose cleaned
// filename, size and SHA-256 are the ones answered.
func FuzzUploadHandler(f *testing.F) {
	const b = "fuzzBoundary"
	ct := "multipart/form-data; boundary=" + b
	part := func(disp, content string) string {
		return "--" + b + "\r\nContent-Disposition: " + disp + "\r\nContent-Type: text/plain\r\n\r\n" + content + "\r\n"
	}
	end := "--" + b + "--\r\n"
	for _, seed := range []struct{ ct, body string }{
		{ct, part(`form-data; name="file"; filename="test.txt"`, "hello") + end},
		{ct, part(`form-data; name="file"; filename="../../etc/passwd"`, "x") + end},
		{ct, part(`form-data; name="file"; filename="a.txt"`, "1") + part(`form-data; name="file"; filename="b.txt"`, "2") + end},
		{ct, part(`form-data; name="document"; filename="a.txt"`, "x") + end},
		{ct, part(`form-data; name="file"`, "no filename") + end},
		{ct, part(`form-data; name="file"; filename="a.txt"`, strings.Repeat("z", fuzzLimit+1)) + end},
		{ct, part(`form-data; name="file"; filename="a.txt"`, "truncated")},
		{ct, "--" + b + "\r\n"},
		{ct, ""},
		{"text/plain", "hello"},
		{"multipart/form-data", end},
		{"multipart/form-dataX; boundary=" + b, part(`form-data; name="file"; filename="test.txt"`, "hello") + end},
		{"Multipart/Form-Data ; boundary=" + b, part(`form-data; name="file"; filename="test.txt"`, "hello") + end},
		{`multipart/form-data; boundary="quoted boundary"`, "--quoted boundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"q\"\r\n\r\nq\r\n--quoted boundary--\r\n"},
		{ct, part("form-data; name=\"file\"; filename=\"nul\x00.txt\"", "x") + end},
		{ct, part("form-data; name=\"file\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf", "%PDF-1.4") + end},
	} {
		f.Add(seed.ct, []byte(seed.body))
	}

	store := memstore.New()
	api, err := httpapi.New(httpapi.Config{
		Store: store, StoreName: "fuzz", Version: "fuzz", MaxUploadBytes: fuzzLimit,
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
	if err != nil {
		f.Fatal(err)
	}
	ln := fasthttputil.NewInmemoryListener()
	srv := api.Server()
	go srv.Serve(ln)
	f.Cleanup(func() { srv.Shutdown() })

	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		if strings.ContainsAny(contentType, "\r\n") || len(body) > 4*fuzzLimit {
			return // not a header value a client can send; or just slow
		}
		before, _ := store.State()
		status, resp := roundTrip(t, ln, contentType, body)
		after, _ := store.State()

		switch status {
		case 201, 400, 413, 415:
		default:
			t.Fatalf("status %d (%s) for Content-Type %q", status, resp, contentType)
		}
		if status != 201 {
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(resp, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("status %d without a JSON error: %q", status, resp)
			}
			if after != before {
				t.Fatalf("status %d but the store grew from %d to %d documents", status, before, after)
			}
			return
		}
		var doc backend.Document
		if err := json.Unmarshal(resp, &doc); err != nil {
			t.Fatalf("201 with unreadable body %q: %v", resp, err)
		}
		stored, err := store.Get(context.Background(), doc.ID)
		if err != nil || after != before+1 {
			t.Fatalf("201 for %s but the store has %v (%d -> %d documents)", doc.ID, err, before, after)
		}
		if stored.SHA256 != doc.SHA256 || stored.SizeBytes != doc.SizeBytes || stored.Filename != doc.Filename {
			t.Fatalf("answered %+v but stored %+v", doc, stored)
		}
		if err := agreesWithStdlib(contentType, body, doc); err != nil {
			t.Fatalf("201 %+v for body %q: %v", doc, body, err)
		}
	})
}

// roundTrip sends one upload over a fresh in-memory connection and returns
// the status and body of the answer.
func roundTrip(t *testing.T, ln *fasthttputil.InmemoryListener, contentType string, body []byte) (int, []byte) {
	t.Helper()
	c, err := ln.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// An in-memory pipe has no timeout of its own; a handler that hangs
	// must fail the input, not the whole fuzzing run.
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	var req bytes.Buffer
	fmt.Fprintf(&req, "POST /upload HTTP/1.1\r\nHost: fuzz\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", contentType, len(body))
	req.Write(body)
	// Write and read concurrently: a server that refuses early stops
	// reading, and a large body would block the write.
	werr := make(chan error, 1)
	go func() { _, err := c.Write(req.Bytes()); werr <- err }()
	var resp fasthttp.Response
	if err := resp.Read(bufio.NewReader(c)); err != nil {
		t.Fatalf("no answer for Content-Type %q, %d-byte body: %v", contentType, len(body), err)
	}
	c.Close()
	<-werr
	return resp.StatusCode(), append([]byte(nil), resp.Body()...)
}

// agreesWithStdlib parses body with mime/multipart and checks that it holds
// exactly one part, named file, matching doc.
func agreesWithStdlib(contentType string, body []byte, doc backend.Document) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("accepted a Content-Type Go cannot parse: %v", err)
	}
	if mediaType != "multipart/form-data" { // ParseMediaType lower-cases it
		return fmt.Errorf("accepted media type %q; only multipart/form-data is an upload", mediaType)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	p, err := mr.NextRawPart()
	if err != nil {
		return fmt.Errorf("Go finds no first part: %v", err)
	}
	if p.FormName() != "file" {
		return fmt.Errorf("the part is named %q", p.FormName())
	}
	_, dparams, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if name, err := backend.CleanFilename(dparams["filename"]); err != nil || name != doc.Filename {
		return fmt.Errorf("filename %q cleans to %q, %v; answered %q", dparams["filename"], name, err, doc.Filename)
	}
	h := sha256.New()
	n, err := io.Copy(h, p)
	if err != nil {
		return fmt.Errorf("Go cannot read the part: %v", err)
	}
	if n != doc.SizeBytes || hex.EncodeToString(h.Sum(nil)) != doc.SHA256 {
		return fmt.Errorf("Go reads %d bytes with another digest", n)
	}
	if n > fuzzLimit {
		return fmt.Errorf("accepted %d bytes over the %d-byte limit", n, fuzzLimit)
	}
	if _, err := mr.NextRawPart(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("Go finds more after the part: %v", err)
	}
	// Go's reader also reports io.EOF for a body cut right after a
	// delimiter line; only the close delimiter ends a multipart body.
	if !bytes.Contains(body, []byte("\n--"+params["boundary"]+"--")) {
		return fmt.Errorf("the body has no close delimiter --%s--: it is truncated", params["boundary"])
	}
	return nil
}
