package bolt

import (
	"encoding/base64"
	"encoding/json"

	"github.com/docmeta/docmeta/backend"
)

// cursor is the position after the last document of a page: its place in
// the listing order. A position, unlike an offset, stays correct while new
// documents arrive. It travels as base64url JSON so clients treat it as
// opaque and its fields can change without breaking the API.
type cursor struct {
	UploadedAt string `json:"t"`
	ID         string `json:"i"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c) // two strings cannot fail to marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

func encodeCursor(last backend.Document) string {
	return cursor{UploadedAt: last.UploadedAtString(), ID: last.ID}.encode()
}

// decodeCursor returns the by_time key the cursor points at, or EINVALID.
// Only the exact text encodeCursor produces is accepted, so a truncated or
// altered cursor is refused rather than silently read as another position.
func decodeCursor(s string) ([]byte, error) {
	invalid := backend.Errorf(backend.EINVALID, "cursor is not one this server issued; list again without a cursor")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, invalid
	}
	var c cursor
	if err := json.Unmarshal(raw, &c); err != nil || !backend.ValidID(c.ID) || c.encode() != s {
		return nil, invalid
	}
	t, err := backend.ParseTime(c.UploadedAt)
	if err != nil || t.Format(backend.TimeLayout) != c.UploadedAt {
		return nil, invalid
	}
	return sortKey(c.UploadedAt, c.ID), nil
}
