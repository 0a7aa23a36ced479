// Package backend is docmeta's domain: the metadata kept for an uploaded
// document, the Store contract every storage back end satisfies, and the
// error codes shared by the HTTP layer, the stores and the console.
//
// It imports no vendor package: fasthttp, DynamoDB and bbolt types stay in
// their own packages (backend/httpapi, backend/dynamo, backend/bolt).
package backend

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// TimeLayout is the wire and storage form of UploadedAt: UTC, RFC 3339 with a
// fixed six-digit fraction. Fixed width keeps strings in time order when they
// are compared as bytes, which the DynamoDB sort key relies on.
const TimeLayout = "2006-01-02T15:04:05.000000Z07:00"

// Document is the metadata docmeta keeps for one uploaded file. The file's
// content itself is never stored.
type Document struct {
	// JSON field names are those of the HTTP API (see MarshalJSON).

	// ID is server-generated and time-ordered (UUIDv7, see IDGenerator).
	ID string
	// Filename is the client's name reduced by CleanFilename.
	Filename string
	// SizeBytes is the number of content bytes received.
	SizeBytes int64
	// UploadedAt is when the server finished receiving the content (UTC,
	// microsecond precision).
	UploadedAt time.Time
	// SHA256 is the lower-case hex digest of the content.
	SHA256 string
	// ContentType is sniffed by the server from the first 512 bytes.
	ContentType string
	// DeclaredContentType is what the client claimed; it is kept for
	// reference only and never trusted.
	DeclaredContentType string
}

// UploadedAtString formats UploadedAt with TimeLayout.
func (d Document) UploadedAtString() string {
	return d.UploadedAt.UTC().Format(TimeLayout)
}

// documentJSON is Document's wire form, with uploaded_at as a TimeLayout
// string so the fraction always has six digits.
type documentJSON struct {
	ID                  string `json:"id"`
	Filename            string `json:"filename"`
	SizeBytes           int64  `json:"size_bytes"`
	UploadedAt          string `json:"uploaded_at"`
	SHA256              string `json:"sha256"`
	ContentType         string `json:"content_type"`
	DeclaredContentType string `json:"declared_content_type"`
}

// MarshalJSON writes the API form of a document.
func (d Document) MarshalJSON() ([]byte, error) {
	return json.Marshal(documentJSON{
		ID: d.ID, Filename: d.Filename, SizeBytes: d.SizeBytes,
		UploadedAt: d.UploadedAtString(), SHA256: d.SHA256,
		ContentType: d.ContentType, DeclaredContentType: d.DeclaredContentType,
	})
}

// UnmarshalJSON reads the API form of a document.
func (d *Document) UnmarshalJSON(b []byte) error {
	var j documentJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	t, err := ParseTime(j.UploadedAt)
	if err != nil {
		return err
	}
	*d = Document{
		ID: j.ID, Filename: j.Filename, SizeBytes: j.SizeBytes, UploadedAt: t,
		SHA256: j.SHA256, ContentType: j.ContentType, DeclaredContentType: j.DeclaredContentType,
	}
	return nil
}

// ParseTime reads an uploaded_at value written with TimeLayout (any RFC 3339
// time is accepted) and returns it in UTC.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("uploaded_at %q is not RFC 3339: %w", s, err)
	}
	return t.UTC(), nil
}

// Store keeps document metadata durably. Implementations must be safe for
// concurrent use.
type Store interface {
	// Put stores a new document. It returns only once the write is durable,
	// so the caller may acknowledge the upload. A document whose ID already
	// exists is refused with ECONFLICT; a store that cannot be reached
	// returns EUNAVAILABLE.
	Put(ctx context.Context, doc Document) error
	// Get returns one document, or ENOTFOUND.
	Get(ctx context.Context, id string) (Document, error)
	// List returns documents newest first (by UploadedAt, then ID). A store
	// may bound the work of one call and return a short page, even an
	// empty one, with a NextCursor that resumes exactly there.
	List(ctx context.Context, opts ListOptions) (Page, error)
	// Close releases the store's resources.
	Close() error
}

// Listing limits shared by the HTTP API and every store.
const (
	DefaultListLimit = 50
	MaxListLimit     = 1000
)

// ListOptions selects one page of a newest-first listing.
type ListOptions struct {
	// Limit is the page size, 1..MaxListLimit; 0 means DefaultListLimit.
	Limit int
	// Cursor is the opaque NextCursor of the previous page, or "" for the
	// first page. Each store defines its own encoding; a cursor the store
	// cannot decode is refused with EINVALID.
	Cursor string
}

// Validate normalises a zero limit to DefaultListLimit and refuses limits out
// of range.
func (o *ListOptions) Validate() error {
	if o.Limit == 0 {
		o.Limit = DefaultListLimit
	}
	if o.Limit < 1 || o.Limit > MaxListLimit {
		return Errorf(EINVALID, "limit must be between 1 and %d", MaxListLimit)
	}
	return nil
}

// Page is one page of a listing.
type Page struct {
	Documents []Document `json:"documents"`
	// NextCursor fetches the following page; "" when there is none. Only
	// an empty NextCursor ends a listing, not a short page.
	NextCursor string `json:"next_cursor,omitempty"`
}
