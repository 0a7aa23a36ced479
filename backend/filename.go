package backend

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxFilenameBytes is the longest filename kept, in bytes of UTF-8.
const MaxFilenameBytes = 255

// invisible reports whether r is a format character (Unicode category Cf:
// bidirectional overrides such as U+202E, zero-width spaces and joiners) or
// a line or paragraph separator (Zl, Zp). Shown in a listing, they make
// "invoice\u202egpj.exe" read as "invoiceexe.jpg" or split a line.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// CheckDeclaredContentType checks the Content-Type a client declared for
// its file part, which is kept as metadata and shown: valid UTF-8 of at
// most MaxDeclaredTypeBytes, without control characters (Cc) or the
// invisible characters CleanFilename refuses. It is refused, not cleaned,
// with EINVALID.
func CheckDeclaredContentType(s string) error {
	if len(s) > MaxDeclaredTypeBytes || !utf8.ValidString(s) {
		return Errorf(EINVALID, "the part's Content-Type must be valid UTF-8 of at most %d bytes", MaxDeclaredTypeBytes)
	}
	for _, r := range s {
		if unicode.IsControl(r) || invisible(r) {
			return Errorf(EINVALID, "the part's Content-Type contains a control, format or separator character (%U); send a plain media type such as text/plain", r)
		}
	}
	return nil
}

// MaxDeclaredTypeBytes bounds the client's Content-Type kept as metadata.
const MaxDeclaredTypeBytes = 255

// CleanFilename reduces a client-supplied filename to its base name and
// checks it. Both '/' and '\' count as separators, since clients on Windows
// send full paths. The result is valid UTF-8, has no control characters
// and no invisible format or separator characters (Cf, Zl, Zp), is
// at most MaxFilenameBytes long and is neither empty, "." nor "..".
// Anything else is refused with EINVALID: renaming silently would store a
// name the user never sent.
func CleanFilename(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", Errorf(EINVALID, "filename is not valid UTF-8")
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "", Errorf(EINVALID, "filename contains a control character (%U)", r)
		}
		if invisible(r) {
			return "", Errorf(EINVALID, "filename contains an invisible format or separator character (%U), such as a right-to-left override; rename the file", r)
		}
	}
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "" || name == "." || name == "..":
		return "", Errorf(EINVALID, "filename is empty once reduced to its base name")
	case len(name) > MaxFilenameBytes:
		return "", Errorf(EINVALID, "filename is %d bytes long; the limit is %d", len(name), MaxFilenameBytes)
	}
	return name, nil
}
