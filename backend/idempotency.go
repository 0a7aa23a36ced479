package backend

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// DefaultIdempotencyTTL is how long an Idempotency-Key is remembered.
const DefaultIdempotencyTTL = 24 * time.Hour

// MaxIdempotencyKeyBytes bounds a client's Idempotency-Key.
const MaxIdempotencyKeyBytes = 128

// ValidIdempotencyKey reports whether s is an acceptable Idempotency-Key:
// 1 to MaxIdempotencyKeyBytes printable ASCII characters.
func ValidIdempotencyKey(s string) bool {
	if len(s) == 0 || len(s) > MaxIdempotencyKeyBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// ScopedIdempotencyKey is the store key of a client's Idempotency-Key: the
// hex SHA-256 of the credential that sent it (empty when anonymous) and the
// key. Two API keys using the same token never share a record, and the
// stored key reveals neither the token nor the credential.
func ScopedIdempotencyKey(credential []byte, key string) string {
	h := sha256.New()
	cred := sha256.Sum256(credential)
	h.Write(cred[:])
	h.Write([]byte(key))
	return hex.EncodeToString(h.Sum(nil))
}

// IdempotencyRecord remembers which document the first upload with a
// (scoped) Idempotency-Key created, and what it contained, so a retry can be
// answered with that document and a reuse with other content refused.
type IdempotencyRecord struct {
	// Key is the ScopedIdempotencyKey.
	Key string
	// DocumentID and UploadedAt are the identity given to the first upload;
	// a retry that finds the document missing stores it under them.
	DocumentID string
	UploadedAt time.Time
	// SHA256 and Filename identify the content.
	SHA256   string
	Filename string
	// ExpiresAt is when the record stops counting.
	ExpiresAt time.Time
}

// SameContent reports whether an upload of doc repeats the record's upload.
func (r IdempotencyRecord) SameContent(doc Document) bool {
	return r.SHA256 == doc.SHA256 && r.Filename == doc.Filename
}

// IdempotencyStore is implemented by stores that keep idempotency records
// durably (both of docmeta's stores do).
type IdempotencyStore interface {
	// Claim stores rec unless a record with rec.Key exists that has not
	// expired at now; then it returns that record and claimed false. A
	// record with rec.DocumentID (a retried Claim whose answer was lost)
	// counts as claimed. The record is durable when Claim returns.
	Claim(ctx context.Context, rec IdempotencyRecord, now time.Time) (existing IdempotencyRecord, claimed bool, err error)
}
