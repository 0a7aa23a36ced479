package dynamo

import (
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/docmeta/docmeta/backend"
)

// position is where the next page starts: just below the last document of
// the previous page in the listing order. Its day selects the day to resume
// in and its sort key the point within each of that day's index partitions
// (they share the order, so one position fits them all); older days are
// read from their newest document. A position, unlike DynamoDB's
// LastEvaluatedKey of some Query, is independent of how the page was read,
// and of the shard counts in use.
//
// A position is either after a document (UploadedAt and ID) or after a
// whole day (Before): a listing that spent its query budget right after
// finishing a day resumes with the days before it.
type position struct {
	UploadedAt string `json:"t,omitempty"` // backend.TimeLayout
	ID         string `json:"i,omitempty"`
	Before     string `json:"b,omitempty"` // yyyy-mm-dd
}

// day is the register key of the position's day.
func (p position) day() string {
	if p.Before != "" {
		return dayKeyPrefix + p.Before
	}
	return dayKey(p.UploadedAt)
}

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
	if err := json.Unmarshal(raw, &p); err != nil || p.encode() != s {
		return position{}, invalid
	}
	if p.Before != "" {
		d, err := time.Parse(time.DateOnly, p.Before)
		if err != nil || d.Format(time.DateOnly) != p.Before || p.ID != "" || p.UploadedAt != "" {
			return position{}, invalid
		}
		return p, nil
	}
	if !backend.ValidID(p.ID) {
		return position{}, invalid
	}
	t, err := backend.ParseTime(p.UploadedAt)
	if err != nil || t.Format(backend.TimeLayout) != p.UploadedAt {
		return position{}, invalid
	}
	return p, nil
}
