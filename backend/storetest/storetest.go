// Package storetest is the contract every backend.Store must meet, written
// once and run unchanged against each implementation (the bbolt store and
// the DynamoDB store against dynalite).
//
// Usage, in a store's own test package:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) backend.Store { return openFresh(t) })
//	}
//
// open must return an empty store that the subtest owns; Run closes it.
package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
)

// Run runs the contract suite. Each subtest opens its own empty store.
func Run(t *testing.T, open func(t *testing.T) backend.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s backend.Store)
	}{
		{"PutGetRoundTrip", testPutGetRoundTrip},
		{"DuplicateIDConflicts", testDuplicateIDConflicts},
		{"GetMissingIsNotFound", testGetMissing},
		{"EmptyStoreListsNothing", testEmptyStore},
		{"ListNewestFirstAcrossDays", testListNewestFirstAcrossDays},
		{"ListOrdersByUploadedAtThenID", testListOrdersByTimeThenID},
		{"PagingCoversEveryDocOnce", testPaging},
		{"PagingIsStableWhileNewDocsArrive", testPagingWithConcurrentInserts},
		{"LimitValidation", testLimitValidation},
		{"BadCursorIsInvalid", testBadCursor},
		{"ConcurrentPutsAllListed", testConcurrentPuts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

// day0 is a fixed instant the generated documents start from. The suite
// spans days before and after it, so stores that bucket by day are tested
// across many buckets regardless of today's date.
var day0 = time.Date(2026, 11, 20, 21, 30, 0, 123456789, time.UTC)

// fakeClock returns a Now that starts at start and advances by step on each
// call, for an IDGenerator whose documents span hours or days.
func fakeClock(start time.Time, step time.Duration) func() time.Time {
	var mu sync.Mutex
	next := start
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t := next
		next = next.Add(step)
		return t
	}
}

// newDoc returns a document with every field set, identified by gen.
func newDoc(gen *backend.IDGenerator, i int) backend.Document {
	id, at := gen.Next()
	return backend.Document{
		ID:                  id,
		Filename:            fmt.Sprintf("report-%04d.pdf", i),
		SizeBytes:           int64(1024 + i),
		UploadedAt:          at,
		SHA256:              fmt.Sprintf("%064x", i+1),
		ContentType:         "application/pdf",
		DeclaredContentType: "application/octet-stream",
	}
}

// putAll stores docs in a shuffled order, so a store that merely preserves
// insertion order fails the ordering tests.
func putAll(t *testing.T, s backend.Store, docs []backend.Document) {
	t.Helper()
	shuffled := slices.Clone(docs)
	rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, d := range shuffled {
		if err := s.Put(context.Background(), d); err != nil {
			t.Fatalf("Put(%s): %v", d.ID, err)
		}
	}
}

// NewestFirst returns the IDs of docs in the contract's listing order:
// UploadedAt descending, then ID descending.
func NewestFirst(docs []backend.Document) []string {
	sorted := slices.Clone(docs)
	slices.SortFunc(sorted, func(a, b backend.Document) int {
		if c := b.UploadedAt.Compare(a.UploadedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return ids(sorted)
}

func ids(docs []backend.Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

// listAll pages through the whole listing with the given page size and
// checks the paging rules on the way: no page over the limit, and every
// cursor a new one. A page may be short, even empty, and still carry a
// cursor: a store may bound the work of one call (the DynamoDB store
// spends at most a fixed number of queries) and resume at the cursor; only
// a page without a cursor ends the listing.
func listAll(t *testing.T, s backend.Store, limit int) []backend.Document {
	t.Helper()
	var all []backend.Document
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatalf("paging did not end after %d pages", pages)
		}
		page, err := s.List(context.Background(), backend.ListOptions{Limit: limit, Cursor: cursor})
		if err != nil {
			t.Fatalf("List(limit=%d, page %d): %v", limit, pages, err)
		}
		if len(page.Documents) > limit {
			t.Fatalf("List(limit=%d) returned %d documents", limit, len(page.Documents))
		}
		all = append(all, page.Documents...)
		if page.NextCursor == "" {
			return all
		}
		if page.NextCursor == cursor {
			t.Fatalf("page %d returned the cursor it was given: the listing would never end", pages)
		}
		cursor = page.NextCursor
	}
}

func requireCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := backend.ErrorCode(err); got != code {
		t.Fatalf("%s: error code %q (err %v), want %q", what, got, err, code)
	}
}

// RequireIDs fails t unless got lists the same IDs as want, in order,
// naming the first position that differs.
func RequireIDs(t testing.TB, what string, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d documents, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: position %d is %s, want %s (of %d)", what, i, got[i], want[i], len(want))
		}
	}
}
