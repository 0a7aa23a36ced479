package httpapi

import (
	"bytes"
	"strings"
	"unicode"

	"github.com/docmeta/docmeta/backend"
)

// partHeader holds the part headers the upload needs; others are ignored,
// as RFC 7578 section 4.8 asks.
//
// Every header-level ambiguity has one answer, so that a reader in front
// of the service (a WAF, a proxy, a client's validator) and the service
// never see two different uploads in one body. Where readers differ
// (mime/multipart takes the first of two Content-Disposition headers,
// others take the last) the part is refused with 400 naming the header:
//   - header names are case-insensitive (content-disposition is
//     Content-Disposition), as RFC 7578 and net/textproto have it;
//   - Content-Disposition, Content-Type or Content-Transfer-Encoding
//     given twice is refused, whatever the case of the names and even when
//     a value is empty or both values are equal;
//   - an empty value counts as given: an empty Content-Disposition is a
//     part without a form-data disposition (400), an empty Content-Type
//     declares no type, as an absent one does;
//   - a header name must be an HTTP token: "Content-Disposition :" (a
//     space before the colon) is refused, as net/textproto keeps it as
//     another header while other readers trim the space;
//   - folded header lines (obs-fold, a line starting with a space or tab)
//     are refused; RFC 7230 deprecates them and readers differ on joining;
//   - a Content-Transfer-Encoding other than 7bit, 8bit or binary is
//     refused: RFC 7578 section 4.7 deprecates it, and mime/multipart's
//     NextPart decodes quoted-printable while NextRawPart does not;
//   - Content-Disposition parameters (see checkDispositionParams).
type partHeader struct {
	disposition string
	contentType string

	hasDisposition, hasContentType, hasEncoding bool
}

// headerRepeated names the header a part gives twice.
func headerRepeated(name string) error {
	return backend.Errorf(backend.EINVALID, "the part repeats the %s header; send each part header once", name)
}

// add records one header line; k is a valid token, v trimmed and valid.
func (h *partHeader) add(k, v []byte) error {
	switch {
	case bytes.EqualFold(k, []byte("Content-Disposition")):
		if h.hasDisposition {
			return headerRepeated("Content-Disposition")
		}
		h.hasDisposition, h.disposition = true, string(v)
	case bytes.EqualFold(k, []byte("Content-Type")):
		if h.hasContentType {
			return headerRepeated("Content-Type")
		}
		h.hasContentType, h.contentType = true, string(v)
	case bytes.EqualFold(k, []byte("Content-Transfer-Encoding")):
		if h.hasEncoding {
			return headerRepeated("Content-Transfer-Encoding")
		}
		h.hasEncoding = true
		switch strings.ToLower(string(v)) {
		case "7bit", "8bit", "binary":
		default:
			return backend.Errorf(backend.EINVALID, "the part's Content-Transfer-Encoding %q is not supported; send the file's bytes unencoded (binary), without that header", v)
		}
	}
	return nil
}

// check runs the checks that need the whole header.
func (h *partHeader) check() error {
	return checkDispositionParams(h.disposition)
}

// checkDispositionParams refuses the Content-Disposition parameters that
// readers resolve differently:
//   - a parameter given twice, names compared case-insensitively (Go's
//     mime.ParseMediaType keeps two equal values, others take the first or
//     the last);
//   - filename beside filename* (RFC 6266 prefers filename*, mime takes
//     filename* only when it can decode it, a filter may read filename);
//   - RFC 2231 encoded or continued parameters (name*, filename*0, ...)
//     other than one filename*, which is kept because clients send it for
//     non-ASCII names; RFC 7578 section 4.2 drops filename*, so a reader
//     may ignore it and see no filename: the part is refused then anyway.
//
// A parameter without a value (filename, filename=) makes the header
// malformed; that is left to mime.ParseMediaType, which refuses it, as
// the upload handler parses the header with it. The tokenizer below is
// mime's own (consumeMediaParam), so both see the same parameter names.
func checkDispositionParams(v string) error {
	var seen [8]string
	keys := seen[:0]
	var filename, filenameStar bool
	base, _, _ := strings.Cut(v, ";")
	for v = v[len(base):]; ; {
		key, rest, ok := consumeMediaParam(v)
		if !ok {
			break // the end, or malformed: ParseMediaType refuses it
		}
		for _, k := range keys {
			if k == key {
				return backend.Errorf(backend.EINVALID, "the part's Content-Disposition repeats the parameter %q; send each parameter once", key)
			}
		}
		if strings.Contains(key, "*") && key != "filename*" {
			return backend.Errorf(backend.EINVALID, "the part's Content-Disposition parameter %q is RFC 2231 encoded; only filename* may be, in one piece", key)
		}
		filename = filename || key == "filename"
		filenameStar = filenameStar || key == "filename*"
		keys = append(keys, key)
		v = rest
	}
	if filename && filenameStar {
		return backend.Errorf(backend.EINVALID, "the part's Content-Disposition has both filename and filename*; send only one of them")
	}
	return nil
}

// consumeMediaParam reads one "; name=value" from v as mime does and
// returns the lower-cased name; ok is false when v holds none.
func consumeMediaParam(v string) (key, rest string, ok bool) {
	rest, ok = strings.CutPrefix(strings.TrimLeftFunc(v, unicode.IsSpace), ";")
	if !ok {
		return "", v, false
	}
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	key, rest = consumeMIMEToken(rest)
	if key == "" {
		return "", v, false
	}
	rest, ok = strings.CutPrefix(strings.TrimLeftFunc(rest, unicode.IsSpace), "=")
	if !ok {
		return "", v, false
	}
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	value, rest2 := consumeMIMEValue(rest)
	if value == "" && rest2 == rest {
		return "", v, false
	}
	return strings.ToLower(key), rest2, true
}

// consumeMIMEToken reads an RFC 2045 token (which, unlike an HTTP token,
// may hold braces).
func consumeMIMEToken(v string) (token, rest string) {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c >= 0x7f || isTSpecial(c) {
			return v[:i], v[i:]
		}
	}
	return v, ""
}

// consumeMIMEValue reads a token or a quoted string as mime does; an
// unterminated quoted string or one holding CR or LF reads as nothing.
// Only the extent matters here, so escapes are skipped, not decoded.
func consumeMIMEValue(v string) (value, rest string) {
	if v == "" || v[0] != '"' {
		return consumeMIMEToken(v)
	}
	for i := 1; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"':
			return v[:i+1], v[i+1:]
		case c == '\\' && i+1 < len(v) && isTSpecial(v[i+1]):
			i++
		case c == '\r' || c == '\n':
			return "", v
		}
	}
	return "", v
}

// isTSpecial reports an RFC 2045 tspecial.
func isTSpecial(c byte) bool { return strings.IndexByte(`()<>@,;:\"/[]?=`, c) >= 0 }
