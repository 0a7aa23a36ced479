package storetest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
)

func testPutGetRoundTrip(t *testing.T, s backend.Store) {
	ctx := context.Background()
	// Nanoseconds on the clock: the generator truncates to microseconds,
	// and the store must keep exactly those microseconds.
	gen := &backend.IDGenerator{Now: fakeClock(day0, time.Second)}
	docs := []backend.Document{newDoc(gen, 1), newDoc(gen, 2), newDoc(gen, 3)}
	docs[1].Filename = "Übersicht März — 報告.txt"
	docs[1].SizeBytes = 0
	docs[1].DeclaredContentType = ""
	docs[1].ContentType = "text/plain; charset=utf-8"
	docs[2].SizeBytes = 1 << 40
	docs[2].UploadedAt = docs[2].UploadedAt.In(time.FixedZone("UTC+5", 5*3600))

	for _, d := range docs {
		if err := s.Put(ctx, d); err != nil {
			t.Fatalf("Put(%s): %v", d.ID, err)
		}
	}
	for _, want := range docs {
		got, err := s.Get(ctx, want.ID)
		if err != nil {
			t.Fatalf("Get(%s): %v", want.ID, err)
		}
		if got.ID != want.ID || got.Filename != want.Filename || got.SizeBytes != want.SizeBytes ||
			got.SHA256 != want.SHA256 || got.ContentType != want.ContentType ||
			got.DeclaredContentType != want.DeclaredContentType {
			t.Errorf("Get(%s) = %+v, want %+v", want.ID, got, want)
		}
		if !got.UploadedAt.Equal(want.UploadedAt) {
			t.Errorf("Get(%s).UploadedAt = %s, want %s (microseconds must survive)",
				want.ID, got.UploadedAt.Format(time.RFC3339Nano), want.UploadedAt.Format(time.RFC3339Nano))
		}
		if got.UploadedAt.Location() != time.UTC {
			t.Errorf("Get(%s).UploadedAt is in %s, want UTC", want.ID, got.UploadedAt.Location())
		}
	}

	// The listing returns the same fields as Get.
	page, err := s.List(ctx, backend.ListOptions{Limit: 10})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	RequireIDs(t, "List", ids(page.Documents), NewestFirst(docs))
	for _, got := range page.Documents {
		want, _ := s.Get(ctx, got.ID)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("List item %+v differs from Get %+v", got, want)
		}
	}
}

func testDuplicateIDConflicts(t *testing.T, s backend.Store) {
	ctx := context.Background()
	gen := &backend.IDGenerator{}
	doc := newDoc(gen, 1)
	if err := s.Put(ctx, doc); err != nil {
		t.Fatalf("first Put: %v", err)
	}
	dup := doc
	dup.Filename = "impostor.txt"
	dup.SizeBytes = 7
	requireCode(t, "second Put with the same ID", s.Put(ctx, dup), backend.ECONFLICT)

	got, err := s.Get(ctx, doc.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.Filename != doc.Filename || got.SizeBytes != doc.SizeBytes {
		t.Fatalf("the conflicting Put overwrote the document: got %+v, want %+v", got, doc)
	}
	RequireIDs(t, "List after conflict", ids(listAll(t, s, 10)), []string{doc.ID})
}

func testGetMissing(t *testing.T, s backend.Store) {
	ctx := context.Background()
	gen := &backend.IDGenerator{}
	stored := newDoc(gen, 1)
	if err := s.Put(ctx, stored); err != nil {
		t.Fatalf("Put: %v", err)
	}
	missing, _ := gen.Next()
	_, err := s.Get(ctx, missing)
	requireCode(t, "Get of an unknown ID", err, backend.ENOTFOUND)
}

func testEmptyStore(t *testing.T, s backend.Store) {
	page, err := s.List(context.Background(), backend.ListOptions{})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(page.Documents) != 0 || page.NextCursor != "" {
		t.Fatalf("empty store listed %d documents, cursor %q", len(page.Documents), page.NextCursor)
	}
}

func testListNewestFirstAcrossDays(t *testing.T, s backend.Store) {
	// 60 documents seven hours apart span 18 upload days; a gap of 40
	// days in the middle checks that stores skip empty days correctly.
	gen := &backend.IDGenerator{Now: fakeClock(day0.AddDate(0, 0, -30), 7*time.Hour)}
	var docs []backend.Document
	for i := 0; i < 30; i++ {
		docs = append(docs, newDoc(gen, i))
	}
	gen.Now = fakeClock(day0.AddDate(0, 0, 20), 7*time.Hour)
	for i := 30; i < 60; i++ {
		docs = append(docs, newDoc(gen, i))
	}
	putAll(t, s, docs)

	RequireIDs(t, "List(limit=max)", ids(listAll(t, s, backend.MaxListLimit)), NewestFirst(docs))
}

func testListOrdersByTimeThenID(t *testing.T, s backend.Store) {
	// The contract orders by (UploadedAt, ID), not by ID alone: documents
	// whose ID order disagrees with their time order, and documents with
	// equal times, must still list correctly.
	gen := &backend.IDGenerator{Now: fakeClock(day0, time.Minute)}
	a, b, c, d := newDoc(gen, 1), newDoc(gen, 2), newDoc(gen, 3), newDoc(gen, 4)
	a.UploadedAt = d.UploadedAt.Add(48 * time.Hour) // oldest ID, newest time, two days later
	b.UploadedAt = c.UploadedAt                     // a tie broken by ID
	docs := []backend.Document{a, b, c, d}
	putAll(t, s, docs)
	RequireIDs(t, "List", ids(listAll(t, s, 10)), NewestFirst(docs))
	RequireIDs(t, "List page by page", ids(listAll(t, s, 1)), NewestFirst(docs))
}

func testPaging(t *testing.T, s backend.Store) {
	gen := &backend.IDGenerator{Now: fakeClock(day0, 97*time.Minute)}
	var docs []backend.Document
	for i := 0; i < 137; i++ {
		docs = append(docs, newDoc(gen, i))
	}
	putAll(t, s, docs)
	want := NewestFirst(docs)
	for _, limit := range []int{1, 7, 10, 50, 137, 138, backend.MaxListLimit} {
		got := ids(listAll(t, s, limit))
		RequireIDs(t, fmt.Sprintf("pages of %d", limit), got, want)
	}
}

func testPagingWithConcurrentInserts(t *testing.T, s backend.Store) {
	// A cursor is a position in the order, not an offset: documents added
	// after the first page (newer than everything) must not shift the
	// following pages.
	ctx := context.Background()
	gen := &backend.IDGenerator{Now: fakeClock(day0, 5*time.Hour)}
	var docs []backend.Document
	for i := 0; i < 25; i++ {
		docs = append(docs, newDoc(gen, i))
	}
	putAll(t, s, docs)

	first, err := s.List(ctx, backend.ListOptions{Limit: 10})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	for i := 25; i < 30; i++ {
		if err := s.Put(ctx, newDoc(gen, i)); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	got := ids(first.Documents)
	cursor := first.NextCursor
	for cursor != "" {
		page, err := s.List(ctx, backend.ListOptions{Limit: 10, Cursor: cursor})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		got = append(got, ids(page.Documents)...)
		cursor = page.NextCursor
	}
	RequireIDs(t, "pages around inserts", got, NewestFirst(docs))
}

func testLimitValidation(t *testing.T, s backend.Store) {
	ctx := context.Background()
	for _, limit := range []int{-1, backend.MaxListLimit + 1} {
		_, err := s.List(ctx, backend.ListOptions{Limit: limit})
		requireCode(t, fmt.Sprintf("List(limit=%d)", limit), err, backend.EINVALID)
	}

	gen := &backend.IDGenerator{Now: fakeClock(day0, time.Hour)}
	var docs []backend.Document
	for i := 0; i < backend.DefaultListLimit+3; i++ {
		docs = append(docs, newDoc(gen, i))
	}
	putAll(t, s, docs)
	page, err := s.List(ctx, backend.ListOptions{})
	if err != nil {
		t.Fatalf("List(limit=0): %v", err)
	}
	RequireIDs(t, "List(limit=0) uses the default limit", ids(page.Documents), NewestFirst(docs)[:backend.DefaultListLimit])
	if page.NextCursor == "" {
		t.Fatal("List(limit=0) over more than the default has no next cursor")
	}
}

func testBadCursor(t *testing.T, s backend.Store) {
	ctx := context.Background()
	gen := &backend.IDGenerator{Now: fakeClock(day0, time.Hour)}
	putAll(t, s, []backend.Document{newDoc(gen, 1), newDoc(gen, 2), newDoc(gen, 3)})
	page, err := s.List(ctx, backend.ListOptions{Limit: 1})
	if err != nil || page.NextCursor == "" {
		t.Fatalf("List(limit=1): cursor %q, err %v", page.NextCursor, err)
	}
	good := page.NextCursor
	for _, cursor := range []string{
		"!!!not base64!!!",
		"e30",         // base64url of "{}"
		"bm90IGpzb24", // base64url of "not json"
		good + "A",    // a valid cursor with a byte appended
		good[:len(good)/2],
		"00000000-0000-7000-8000-000000000000",
		" ",
		// Both stores' cursor form with a valid time and an ID the
		// server never issues.
		forgedCursor("../../etc/passwd"),
		forgedCursor("#day#DOCS#2026-11-20"),
		forgedCursor(strings.ToUpper(page.Documents[0].ID)),
	} {
		_, err := s.List(ctx, backend.ListOptions{Limit: 1, Cursor: cursor})
		requireCode(t, fmt.Sprintf("List(cursor=%q)", cursor), err, backend.EINVALID)
	}
}

func testConcurrentPuts(t *testing.T, s backend.Store) {
	const clients, perClient = 64, 20
	ctx := context.Background()
	gen := &backend.IDGenerator{}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		docs []backend.Document
		errs []error
	)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < perClient; i++ {
				d := newDoc(gen, c*perClient+i)
				err := s.Put(ctx, d)
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("Put(%s): %w", d.ID, err))
				} else {
					docs = append(docs, d)
				}
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d of %d concurrent Puts failed, first: %v", len(errs), clients*perClient, errs[0])
	}
	RequireIDs(t, "List after concurrent Puts", ids(listAll(t, s, backend.MaxListLimit)), NewestFirst(docs))
	RequireIDs(t, "List after concurrent Puts in pages of 100", ids(listAll(t, s, 100)), NewestFirst(docs))
}

// forgedCursor builds a cursor in the form both stores issue (base64url
// JSON of the last document's time and ID) with an ID of the caller's
// choosing: a store must refuse an ID that is not one it could hold.
func forgedCursor(id string) string {
	b, _ := json.Marshal(struct {
		T string `json:"t"`
		I string `json:"i"`
	}{day0.Format(backend.TimeLayout), id})
	return base64.RawURLEncoding.EncodeToString(b)
}
