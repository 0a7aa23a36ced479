package dynamo

import (
	"encoding/base64"
	"encoding/json"

	"github.com/docmeta/docmeta/backend"
)

// position is where the next page starts: just below the last document of
// the previous page in the listing order. Its day selects the index
// partition to resume in and its sort key the point within that day; older
// days are read from their newest document. A position, unlike DynamoDB's
// LastEvaluatedKey of some Query, is independent of how the page was read.
type position struct {
	UploadedAt string `json:"t"` // backend.TimeLayout
	ID         string `json:"i"`
}

func (p position) day() string     { return dayKey(p.UploadedAt) }
func (p position) sortKey() string { return sortKey(p.UploadedAt, p.ID) }

// encode returns the opaque cursor: base64url JSON, so clients treat it as
// opaque and its fields can change without breaking the API.
func (p position) encode() string {
	b, _ := json.Marshal(p) // two strings cannot fail to marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

func encodeCursor(last backend.Document) string {
	return position{UploadedAt: last.UploadedAtString(), ID: last.ID}.encode()
}

// decodeCursor reads a cursor or returns EINVALID. Only the exact text
// encode produces is accepted, so a truncated or altered cursor is refused
// rather than silently read as another position.
func decodeCursor(s string) (position, error) {
	invalid := backend.Errorf(backend.EINVALID, "cursor is not one this server issued; list again without a cursor")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return position{}, invalid
	}
	var p position
	if err := json.Unmarshal(raw, &p); err != nil || !backend.ValidID(p.ID) || p.encode() != s {
		return position{}, invalid
	}
	t, err := backend.ParseTime(p.UploadedAt)
	if err != nil || t.Format(backend.TimeLayout) != p.UploadedAt {
		return position{}, invalid
	}
	return p, nil
}
