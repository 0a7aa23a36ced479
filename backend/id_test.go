package backend

import (
	"fmt"
	"sort"
	"testing"
	"time"
)

func TestIDGeneratorOrdersIDsAndTimesTogether(t *testing.T) {
	fixed := time.Date(2026, 11, 27, 7, 0, 0, 123456789, time.UTC)
	g := &IDGenerator{Now: func() time.Time { return fixed }}
	var ids []string
	var prev time.Time
	for i := 0; i < 2000; i++ {
		id, at := g.Next()
		if !ValidID(id) {
			t.Fatalf("ID %q is not a valid UUIDv7", id)
		}
		if !at.After(prev) {
			t.Fatalf("time %v not after %v", at, prev)
		}
		if at.Location() != time.UTC || at.Nanosecond()%1000 != 0 {
			t.Fatalf("time %v is not UTC at microsecond precision", at)
		}
		prev = at
		ids = append(ids, id)
	}
	if !sort.StringsAreSorted(ids) {
		t.Fatal("IDs generated in sequence are not in lexicographic order")
	}
	ms := fmt.Sprintf("%012x", fixed.UnixMilli())
	if got := ids[0][:8] + ids[0][9:13]; got != ms {
		t.Fatalf("ID %s does not start with the millisecond timestamp %s", ids[0], ms)
	}
}

func TestIDEncodesMillisecondsAndMicroseconds(t *testing.T) {
	at := time.UnixMicro(1_700_000_000_123_456).UTC()
	id := newUUIDv7(at)
	// 1_700_000_000_123 ms = 0x018bcfe5687b; 456 µs = 0x1c8.
	if id[:8] != "018bcfe5" || id[9:13] != "687b" || id[14:18] != "71c8" {
		t.Fatalf("id %s does not encode %v", id, at)
	}
	if v := id[19]; v != '8' && v != '9' && v != 'a' && v != 'b' {
		t.Fatalf("id %s lacks the RFC 9562 variant", id)
	}
}

func TestValidIDRejects(t *testing.T) {
	for _, s := range []string{"", "x", "018bcfe5-6a3b-41c8-8000-000000000000", "018BCFE5-6A3B-71C8-8000-000000000000", "../../etc/passwd", "018bcfe5-6a3b-71c8-8000-00000000000g"} {
		if ValidID(s) {
			t.Errorf("ValidID(%q) = true", s)
		}
	}
}
