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

// maxFuzzContentType bounds the fuzzed Content-Type: real ones are short,
// and the parser reads only its boundary (at most 70 bytes).
const maxFuzzContentType = 1024

// FuzzUploadHandler sends arbitrary Content-Type headers and bodies to POST
// /upload on a real fasthttp server (over an in-memory listener) and checks:
// the server answers (no hang, no crash); only 201, 400, 413 or 415; every
// answer is the API's JSON; a document is stored exactly when the answer is
// 201, and it is the one answered; and the answer agrees with Go's own
// multipart parser on the body: a 201 is the upload Go reads (one part
// named file, whose cleaned filename, declared type, size and SHA-256 are
// the ones answered), and a body Go reads as an upload is refused only for
// one of the documentedRefusals.
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

	store, ln := startFuzzServer(f)

	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		// Not a header value a client can send, or just slow: a head of
		// many KiB (past readBufferSize it is a 431, tested elsewhere) is
		// the parser's least interesting input and its slowest to minimize.
		if strings.ContainsAny(contentType, "\r\n") || len(contentType) > maxFuzzContentType || len(body) > 4*fuzzLimit {
			return
		}
		before, _ := store.State()
		status, resp := roundTrip(t, ln, contentType, body)
		after, _ := store.State()

		switch status {
		case 201, 400, 413, 415:
		default:
			t.Fatalf("status %d (%s) for Content-Type %q", status, resp, contentType)
		}
		want, stdErr := stdlibUpload(contentType, body)
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
			// A head whose Content-Type holds a control character is not
			// HTTP (RFC 9110 field values); mime.ParseMediaType takes a
			// form feed for a space, fasthttp refuses the request.
			badHead := !fieldValueOK(contentType) && e.Error.Message == "the request could not be parsed as HTTP/1.1"
			if stdErr == nil && (status != 400 || !documentedRefusal(e.Error.Message) && !badHead) {
				t.Fatalf("status %d %q for a body Go reads as the upload %+v", status, e.Error.Message, want)
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
		if stdErr != nil {
			t.Fatalf("201 %+v for body %q: %v", doc, body, stdErr)
		}
		if doc.Filename != want.Filename || doc.SizeBytes != want.SizeBytes || doc.SHA256 != want.SHA256 || doc.DeclaredContentType != want.DeclaredContentType {
			t.Fatalf("201 %+v for body %q; Go reads %+v", doc, body, want)
		}
	})
}

// documentedRefusals are the refusals of bodies Go's mime/multipart reads
// as a valid upload: the header-level ambiguities docmeta refuses rather
// than resolve (see partheader.go) and its documented limits. Any other
// refusal of such a body is a disagreement, and a failure.
var documentedRefusals = []string{
	"repeats the",                      // a header or parameter given twice
	"Content-Transfer-Encoding",        // only identity encodings
	"both filename and filename*",      // two filenames
	"is RFC 2231 encoded",              // name*, filename*0, ...
	"folded header line",               // obs-fold
	"header name holds a space",        // "Content-Disposition : v"
	"the part's headers exceed",        // 8 KiB, 16 lines
	"boundary of 1 to 70",              // RFC 2046's boundary length
	"Content-Type must be valid UTF-8", // the declared type kept as metadata
	"Content-Type contains a control",  // ... without Cc, Cf, Zl or Zp characters
}

// fieldValueOK reports whether s may be an HTTP header field value:
// visible ASCII, space, tab and bytes from 0x80 (obs-text).
func fieldValueOK(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func documentedRefusal(msg string) bool {
	for _, r := range documentedRefusals {
		if strings.Contains(msg, r) {
			return true
		}
	}
	return false
}

// startFuzzServer serves the API with an in-memory store over an
// in-memory listener until the test ends.
func startFuzzServer(tb testing.TB) (*memstore.Store, *fasthttputil.InmemoryListener) {
	store := memstore.New()
	api, err := httpapi.New(httpapi.Config{
		Store: store, StoreName: "fuzz", Version: "fuzz", MaxUploadBytes: fuzzLimit,
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
	if err != nil {
		tb.Fatal(err)
	}
	ln := fasthttputil.NewInmemoryListener()
	srv := api.Server()
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Shutdown() })
	return store, ln
}

// roundTrip sends one upload over a fresh in-memory connection and returns
// the status and body of the answer.
func roundTrip(t testing.TB, ln *fasthttputil.InmemoryListener, contentType string, body []byte) (int, []byte) {
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

// stdlibUpload reads body with mime/multipart and returns the upload it
// holds under docmeta's policy (one part, named file, with a filename that
// cleans, at most fuzzLimit bytes, then the close delimiter), or why
// there is none.
func stdlibUpload(contentType string, body []byte) (backend.Document, error) {
	var doc backend.Document
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return doc, fmt.Errorf("Go cannot parse the Content-Type: %v", err)
	}
	if mediaType != "multipart/form-data" || params["boundary"] == "" { // ParseMediaType lower-cases it
		return doc, fmt.Errorf("media type %q without a boundary; only multipart/form-data is an upload", mediaType)
	}
	// Go's reader also reports io.EOF for a body cut right after a
	// delimiter line, while only the close delimiter ends a multipart
	// body. With another delimiter line appended, a cut body shows a
	// further part (or an error), a closed one an epilogue. The line
	// break is the body's: CRLF, or LF in Go's bare-LF mode; an LF must
	// not complete a CR the body ends with.
	doc, err = stdlibClosedUpload(body, params["boundary"], "\r\n")
	if err != nil && !bytes.HasSuffix(body, []byte("\r")) {
		if lf, lfErr := stdlibClosedUpload(body, params["boundary"], "\n"); lfErr == nil {
			return lf, nil
		}
	}
	return doc, err
}

func stdlibClosedUpload(body []byte, boundary, nl string) (backend.Document, error) {
	var doc backend.Document
	tail := nl + "--" + boundary + nl + nl
	mr := multipart.NewReader(io.MultiReader(bytes.NewReader(body), strings.NewReader(tail)), boundary)
	p, err := mr.NextRawPart()
	if err != nil {
		return doc, fmt.Errorf("Go finds no first part: %v", err)
	}
	if p.FormName() != "file" {
		return doc, fmt.Errorf("the part is named %q", p.FormName())
	}
	_, dparams, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	filename, ok := dparams["filename"]
	if !ok {
		return doc, fmt.Errorf("the part has no filename")
	}
	if doc.Filename, err = backend.CleanFilename(filename); err != nil {
		return doc, fmt.Errorf("filename %q: %v", filename, err)
	}
	doc.DeclaredContentType = p.Header.Get("Content-Type")
	h := sha256.New()
	if doc.SizeBytes, err = io.Copy(h, p); err != nil {
		return doc, fmt.Errorf("Go cannot read the part: %v", err)
	}
	doc.SHA256 = hex.EncodeToString(h.Sum(nil))
	if doc.SizeBytes > fuzzLimit {
		return doc, fmt.Errorf("%d bytes over the %d-byte limit", doc.SizeBytes, fuzzLimit)
	}
	if _, err := mr.NextRawPart(); !errors.Is(err, io.EOF) {
		return doc, fmt.Errorf("Go finds more after the part, or no close delimiter: %v", err)
	}
	return doc, nil
}
