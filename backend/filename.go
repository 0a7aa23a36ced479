package backend

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxFilenameBytes is the longest filename kept, in bytes of UTF-8.
const MaxFilenameBytes = 255

// CleanFilename reduces a client-supplied filename to its base name and
// checks it. Both '/' and '\' count as separators, since clients on Windows
// send full paths. The result is valid UTF-8, has no control characters, is
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
