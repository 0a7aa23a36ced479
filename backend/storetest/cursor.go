package storetest

import (
	"testing"

	"github.com/docmeta/docmeta/backend"
)

// RequireDamagedCursorsRefused checks that decode refuses, with EINVALID,
// every truncation of a valid cursor and the cursor with base64-looking
// bytes appended: a damaged cursor must never be read as some other
// position.
func RequireDamagedCursorsRefused(t *testing.T, cursor string, decode func(string) error) {
	t.Helper()
	for i := 0; i < len(cursor); i++ {
		if err := decode(cursor[:i]); backend.ErrorCode(err) != backend.EINVALID {
			t.Fatalf("truncated cursor %q accepted (err %v)", cursor[:i], err)
		}
	}
	for _, suffix := range []string{"A", "AA", "AAA", "AAAA", "=", "_-"} {
		if err := decode(cursor + suffix); backend.ErrorCode(err) != backend.EINVALID {
			t.Fatalf("cursor with %q appended accepted (err %v)", suffix, err)
		}
	}
}
