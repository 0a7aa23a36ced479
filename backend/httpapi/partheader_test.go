package httpapi

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/backend"
)

// stdlibFirstPart reads body as the standard library does and returns the
// first part's form name, filename and content as NextPart (which decodes
// quoted-printable) sees them.
func stdlibFirstPart(t *testing.T, body string) (name, filename, content string) {
	t.Helper()
	p, err := multipart.NewReader(strings.NewReader(body), "B").NextPart()
	if err != nil {
		t.Fatalf("mime/multipart refuses the body: %v", err)
	}
	b, err := io.ReadAll(p)
	if err != nil {
		t.Fatalf("mime/multipart cannot read the part: %v", err)
	}
	return p.FormName(), p.FileName(), string(b)
}

// ambiguousParts are part headers that readers resolve differently, each
// with what mime/multipart makes of it (its reading is one of several,
// which is why docmeta refuses them) and the words docmeta's refusal must
// hold: the header or parameter at fault.
var ambiguousParts = []struct {
	name, header           string
	stdName, stdFile, text string
	refusal                string
}{
	{"repeated disposition, the first empty (fuzz finding)", "Content-Disposition:\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"", "", "", "x", "repeats the Content-Disposition header"},
	{"repeated disposition, other values", "Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b\"", "file", "a", "x", "repeats the Content-Disposition header"},
	{"repeated disposition, names in other case", "Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a\"", "file", "a", "x", "repeats the Content-Disposition header"},
	{"repeated content type", "Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nContent-Type: text/plain\r\nCONTENT-TYPE: image/png", "file", "a", "x", "repeats the Content-Type header"},
	{"repeated content type, the first empty", "Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nContent-Type:\r\nContent-Type: image/png", "file", "a", "x", "repeats the Content-Type header"},
	{"repeated transfer encoding", "Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nContent-Transfer-Encoding: binary\r\nContent-Transfer-Encoding: binary", "file", "a", "x", "repeats the Content-Transfer-Encoding header"},
	{"quoted-printable", "Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nContent-Transfer-Encoding: quoted-printable", "file", "a", "x", `Content-Transfer-Encoding "quoted-printable"`},
	{"base64", "Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nContent-Transfer-Encoding: base64", "file", "a", "x", `Content-Transfer-Encoding "base64"`},
	{"repeated name, equal values", "Content-Disposition: form-data; name=\"file\"; name=file; filename=\"a\"", "file", "a", "x", `repeats the parameter "name"`},
	{"repeated filename, names in other case", "Content-Disposition: form-data; name=\"file\"; filename=\"a\"; FileName=\"a\"", "file", "a", "x", `repeats the parameter "filename"`},
	{"repeated filename, other values", "Content-Disposition: form-data; name=\"file\"; filename=\"a\"; filename=\"b\"", "", "", "x", `repeats the parameter "filename"`},
	{"repeated filename*", "Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''a; filename*=UTF-8''a", "file", "a", "x", `repeats the parameter "filename*"`},
	{"filename beside filename*", "Content-Disposition: form-data; name=\"file\"; filename=\"safe.txt\"; filename*=UTF-8''evil.php", "file", "evil.php", "x", "both filename and filename*"},
	{"encoded name", "Content-Disposition: form-data; name*=UTF-8''file; filename=\"a\"", "file", "a", "x", `parameter "name*" is RFC 2231 encoded`},
	{"continued filename", "Content-Disposition: form-data; name=\"file\"; filename*0=\"ev\"; filename*1=\"il\"", "file", "evil", "x", `parameter "filename*0" is RFC 2231 encoded`},
	{"space before the colon", "Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nContent-Disposition : form-data; name=\"file\"; filename=\"b\"", "file", "a", "x", "header name holds a space"},
	{"folded disposition", "Content-Disposition: form-data; name=\"file\";\r\n filename=\"a\"", "file", "a", "x", "folded header line"},
}

// TestAmbiguousPartHeadersAreRefused: each documented ambiguity is refused
// by the parser, naming the header, while the standard library reads it
// one way (so a filter built on it would let it through).
func TestAmbiguousPartHeadersAreRefused(t *testing.T) {
	for _, tc := range ambiguousParts {
		t.Run(tc.name, func(t *testing.T) {
			body := "--B\r\n" + tc.header + "\r\n\r\nx\r\n--B--\r\n"
			_, _, _, err := readForm(strings.NewReader(body), "B")
			if backend.ErrorCode(err) != backend.EINVALID || !strings.Contains(err.Error(), tc.refusal) {
				t.Fatalf("error %v, want an EINVALID error saying %q", err, tc.refusal)
			}
			name, filename, text := stdlibFirstPart(t, body)
			if name != tc.stdName || filename != tc.stdFile || text != tc.text {
				t.Fatalf("mime/multipart reads name %q filename %q content %q; the table says %q %q %q", name, filename, text, tc.stdName, tc.stdFile, tc.text)
			}
		})
	}
}

// TestPartHeaderAnswers pins the header-level cases that have one reading
// docmeta and mime/multipart share: they are accepted as the standard
// library reads them.
func TestPartHeaderAnswers(t *testing.T) {
	for _, tc := range []struct {
		name, header          string
		wantName, wantFile    string
		wantType              string
		hasFilename, malforms bool
	}{
		{name: "header names in any case", header: "cOnTeNt-DiSpOsItIoN: form-data; name=\"file\"; filename=\"a\"\r\ncontent-type: text/csv", wantName: "file", wantFile: "a", wantType: "text/csv", hasFilename: true},
		{name: "disposition type and parameter names in any case", header: "Content-Disposition: Form-Data; NAME=\"file\"; FILENAME=\"a\"", wantName: "file", wantFile: "a", hasFilename: true},
		{name: "empty content type declares none", header: "Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nContent-Type:", wantName: "file", wantFile: "a", hasFilename: true},
		{name: "values trimmed of spaces and tabs", header: "Content-Disposition: \t form-data; name=file; filename=a \t", wantName: "file", wantFile: "a", hasFilename: true},
		{name: "lone filename* decoded", header: "Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf", wantName: "file", wantFile: "résumé.pdf", hasFilename: true},
		{name: "filename* in a charset mime cannot decode is no filename", header: "Content-Disposition: form-data; name=\"file\"; filename*=ISO-8859-1''caf%E9", wantName: "file"},
		{name: "identity transfer encoding", header: "Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nContent-Transfer-Encoding: 8BIT", wantName: "file", wantFile: "a", hasFilename: true},
		{name: "other headers ignored", header: "X-A: 1\r\nX-A: 2\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"", wantName: "file", wantFile: "a", hasFilename: true},
		{name: "trailing semicolon", header: "Content-Disposition: form-data; name=\"file\"; filename=\"a\";", wantName: "file", wantFile: "a", hasFilename: true},
		{name: "parameter without a value is malformed", header: "Content-Disposition: form-data; name=\"file\"; filename", malforms: true},
		{name: "parameter with an empty value is malformed", header: "Content-Disposition: form-data; name=\"file\"; filename=", malforms: true},
		{name: "empty disposition is malformed", header: "Content-Disposition:", malforms: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := "--B\r\n" + tc.header + "\r\n\r\nx\r\n--B--\r\n"
			h, content, final, err := readForm(strings.NewReader(body), "B")
			if err != nil || string(content) != "x" || !final {
				t.Fatalf("read %q final %v, error %v", content, final, err)
			}
			name, filename, _ := stdlibFirstPart(t, body)
			_, params, perr := mime.ParseMediaType(h.disposition)
			if tc.malforms {
				if perr == nil || name != "" {
					t.Fatalf("parsed %v (error %v), mime/multipart names it %q; want both to find it malformed", params, perr, name)
				}
				return
			}
			got, hasFilename := params["filename"]
			if perr != nil || params["name"] != tc.wantName || got != tc.wantFile || hasFilename != tc.hasFilename || h.contentType != tc.wantType {
				t.Fatalf("parsed %v %q (error %v), want name %q filename %q (%v) type %q", params, h.contentType, perr, tc.wantName, tc.wantFile, tc.hasFilename, tc.wantType)
			}
			if name != tc.wantName || filename != tc.wantFile {
				t.Fatalf("mime/multipart reads name %q filename %q", name, filename)
			}
		})
	}
}

// TestAmbiguousUploadIsRefusedNamingTheHeader: through the server, the
// refusal is a 400 whose message names the header, and nothing is stored.
func TestAmbiguousUploadIsRefusedNamingTheHeader(t *testing.T) {
	ts := startServer(t, nil)
	body := "--B\r\nContent-Disposition:\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nx\r\n--B--\r\n"
	resp := ts.do("POST", "/upload", "multipart/form-data; boundary=B", strings.NewReader(body), "")
	if msg := wantError(t, resp, http.StatusBadRequest, backend.EINVALID); !strings.Contains(msg, "Content-Disposition") {
		t.Fatalf("the message %q does not name the header", msg)
	}
	if n, _ := ts.store.State(); n != 0 {
		t.Fatalf("the store holds %d documents", n)
	}
}
