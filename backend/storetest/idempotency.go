package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
)

// IdempotencyOpener returns an empty store that the subtest owns, and a
// reopen function that returns a second handle on the same data (a
// restarted server, or another instance on the same table). The suite
// closes what they return.
type IdempotencyOpener func(t *testing.T) (s IdempotentStore, reopen func(t *testing.T) IdempotentStore)

// IdempotentStore is a Store that keeps idempotency records.
type IdempotentStore interface {
	backend.Store
	backend.IdempotencyStore
}

// RunIdempotency runs the idempotency-record contract.
func RunIdempotency(t *testing.T, open IdempotencyOpener) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s IdempotentStore, reopen func(t *testing.T) IdempotentStore)
	}{
		{"FirstClaimWinsAndIsReturned", testClaimFirstWins},
		{"RetriedClaimCountsAsClaimed", testClaimRetried},
		{"KeysAreIndependent", testClaimKeysIndependent},
		{"ExpiredRecordIsReplaced", testClaimExpired},
		{"RecordSurvivesReopen", testClaimSurvivesReopen},
		{"ConcurrentClaimsHaveOneWinner", testClaimConcurrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, reopen := open(t)
			closeOnCleanup(t, s)
			tt.fn(t, s, func(t *testing.T) IdempotentStore {
				r := reopen(t)
				closeOnCleanup(t, r)
				return r
			})
		})
	}
}

func closeOnCleanup(t *testing.T, s backend.Store) {
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}

// idemNow is the suite's clock: whole seconds, since DynamoDB's TTL
// attribute keeps seconds.
var idemNow = time.Date(2026, 11, 20, 21, 30, 0, 0, time.UTC)

func newRecord(key string, i int, now time.Time) backend.IdempotencyRecord {
	id, at := (&backend.IDGenerator{Now: func() time.Time { return now.Add(time.Duration(i) * time.Microsecond) }}).Next()
	return backend.IdempotencyRecord{
		Key: key, DocumentID: id, UploadedAt: at,
		SHA256: fmt.Sprintf("%064x", i), Filename: fmt.Sprintf("file-%d.txt", i),
		ExpiresAt: now.Add(backend.DefaultIdempotencyTTL),
	}
}

func claim(t *testing.T, s backend.IdempotencyStore, rec backend.IdempotencyRecord, now time.Time) (backend.IdempotencyRecord, bool) {
	t.Helper()
	got, claimed, err := s.Claim(context.Background(), rec, now)
	if err != nil {
		t.Fatalf("Claim(%s): %v", rec.Key, err)
	}
	return got, claimed
}

func requireRecord(t *testing.T, what string, got, want backend.IdempotencyRecord) {
	t.Helper()
	if got.Key != want.Key || got.DocumentID != want.DocumentID || !got.UploadedAt.Equal(want.UploadedAt) ||
		got.SHA256 != want.SHA256 || got.Filename != want.Filename || !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Fatalf("%s: record %+v, want %+v", what, got, want)
	}
}

func testClaimFirstWins(t *testing.T, s IdempotentStore, _ func(*testing.T) IdempotentStore) {
	first := newRecord("k1", 1, idemNow)
	if _, claimed := claim(t, s, first, idemNow); !claimed {
		t.Fatal("the first claim of a key was not claimed")
	}
	second := newRecord("k1", 2, idemNow)
	got, claimed := claim(t, s, second, idemNow.Add(time.Hour))
	if claimed {
		t.Fatal("a second claim of a live key was claimed")
	}
	requireRecord(t, "second claim", got, first)
}

func testClaimRetried(t *testing.T, s IdempotentStore, _ func(*testing.T) IdempotentStore) {
	rec := newRecord("k1", 1, idemNow)
	claim(t, s, rec, idemNow)
	if _, claimed := claim(t, s, rec, idemNow.Add(time.Second)); !claimed {
		t.Fatal("repeating the same claim (same document ID) was not claimed")
	}
}

func testClaimKeysIndependent(t *testing.T, s IdempotentStore, _ func(*testing.T) IdempotentStore) {
	for i, key := range []string{"k1", "k2", backend.ScopedIdempotencyKey([]byte("api-key-a"), "k1"), backend.ScopedIdempotencyKey([]byte("api-key-b"), "k1")} {
		if _, claimed := claim(t, s, newRecord(key, i, idemNow), idemNow); !claimed {
			t.Fatalf("key %q: a fresh key was not claimed", key)
		}
	}
}

func testClaimExpired(t *testing.T, s IdempotentStore, _ func(*testing.T) IdempotentStore) {
	old := newRecord("k1", 1, idemNow)
	claim(t, s, old, idemNow)
	later := old.ExpiresAt.Add(time.Second)
	fresh := newRecord("k1", 2, later)
	if _, claimed := claim(t, s, fresh, later); !claimed {
		t.Fatal("a claim after the record expired was not claimed")
	}
	got, claimed := claim(t, s, newRecord("k1", 3, later), later.Add(time.Minute))
	if claimed {
		t.Fatal("the replacing record did not hold the key")
	}
	requireRecord(t, "after expiry", got, fresh)
}

func testClaimSurvivesReopen(t *testing.T, s IdempotentStore, reopen func(*testing.T) IdempotentStore) {
	rec := newRecord("k1", 1, idemNow)
	claim(t, s, rec, idemNow)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r := reopen(t)
	got, claimed := claim(t, r, newRecord("k1", 2, idemNow), idemNow.Add(time.Hour))
	if claimed {
		t.Fatal("after reopening, a live key was claimed again")
	}
	requireRecord(t, "after reopen", got, rec)
}

func testClaimConcurrent(t *testing.T, s IdempotentStore, _ func(*testing.T) IdempotentStore) {
	const n = 8
	var wg sync.WaitGroup
	winners := make(chan string, n)
	seen := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := newRecord("k1", i, idemNow)
			got, claimed, err := s.Claim(context.Background(), rec, idemNow)
			switch {
			case err != nil:
				t.Errorf("Claim %d: %v", i, err)
			case claimed:
				winners <- rec.DocumentID
			default:
				seen <- got.DocumentID
			}
		}()
	}
	wg.Wait()
	close(winners)
	close(seen)
	var won []string
	for id := range winners {
		won = append(won, id)
	}
	if len(won) != 1 {
		t.Fatalf("%d claims won the same key; want exactly 1", len(won))
	}
	for id := range seen {
		if id != won[0] {
			t.Fatalf("a losing claim saw document %s; the winner stored %s", id, won[0])
		}
	}
}
