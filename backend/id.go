package backend

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

// IDGenerator hands out document identities: a UUIDv7 and the upload time it
// encodes, generated together so that ordering by ID and ordering by
// (UploadedAt, ID) agree. Within one process the times are strictly
// increasing at microsecond precision; across processes ties are broken by
// the random bits, the same way in both orderings.
//
// The UUID carries the Unix milliseconds in its first 48 bits and the
// microseconds within that millisecond (0..999) in the 12-bit rand_a field,
// as RFC 9562 section 6.2 (method 3) allows.
type IDGenerator struct {
	// Now returns the current time; nil means time.Now. Tests set it.
	Now func() time.Time

	mu   sync.Mutex
	last time.Time
}

// Next returns a new ID and its upload time (UTC, microsecond precision).
func (g *IDGenerator) Next() (string, time.Time) {
	now := time.Now
	if g.Now != nil {
		now = g.Now
	}
	g.mu.Lock()
	t := now().UTC().Truncate(time.Microsecond)
	if !t.After(g.last) {
		t = g.last.Add(time.Microsecond)
	}
	g.last = t
	g.mu.Unlock()
	return newUUIDv7(t), t
}

// newUUIDv7 encodes t into a UUIDv7 string with 62 random bits.
func newUUIDv7(t time.Time) string {
	var u [16]byte
	if _, err := rand.Read(u[8:]); err != nil {
		// crypto/rand.Read never fails on supported platforms (Go 1.24+
		// crashes the program instead of returning an error).
		panic("crypto/rand: " + err.Error())
	}
	micros := t.UnixMicro()
	ms := uint64(micros / 1000)
	subMs := uint16(micros % 1000)
	var msb [8]byte
	binary.BigEndian.PutUint64(msb[:], ms)
	copy(u[0:6], msb[2:8])
	u[6] = 0x70 | byte(subMs>>8)&0x0f // version 7
	u[7] = byte(subMs)
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant

	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], u[10:16])
	return string(s[:])
}

// ValidID reports whether s has the form of an ID this service generates
// (lower-case canonical UUID text, version 7). Handlers use it to answer 404
// for garbage without asking the store.
func ValidID(s string) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' || s[14] != '7' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			continue
		}
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
