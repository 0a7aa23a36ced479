package dynamo_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/backend/httpapi"
	"github.com/docmeta/docmeta/backend/storetest"
	"github.com/docmeta/docmeta/internal/dynalitetest"
)

// listStats describes one complete pass through a listing.
type listStats struct {
	calls, maxQueries, shortPages int
	maxCall                       time.Duration
}

// listEverything pages through s with the given page size, each call under
// the server's store timeout, and checks the bounded-work rule: no call
// spends more than dynamo.MaxListQueries queries. It fails on a repeated
// document or a cursor that does not move.
func listEverything(t *testing.T, s *dynamo.Store, rec *recorder, limit int) ([]string, listStats) {
	t.Helper()
	var got []string
	var st listStats
	seen := map[string]bool{}
	cursor := ""
	for {
		before := rec.count("Query")
		ctx, cancel := context.WithTimeout(context.Background(), httpapi.DefaultStoreTimeout)
		start := time.Now()
		page, err := s.List(ctx, backend.ListOptions{Limit: limit, Cursor: cursor})
		elapsed := time.Since(start)
		cancel()
		if err != nil {
			t.Fatalf("List(limit=%d) call %d: %v", limit, st.calls+1, err)
		}
		st.calls++
		st.maxCall = max(st.maxCall, elapsed)
		q := rec.count("Query") - before
		st.maxQueries = max(st.maxQueries, q)
		if q > dynamo.MaxListQueries {
			t.Fatalf("List(limit=%d) call %d spent %d queries, over the bound of %d", limit, st.calls, q, dynamo.MaxListQueries)
		}
		if len(page.Documents) > limit {
			t.Fatalf("List(limit=%d) returned %d documents", limit, len(page.Documents))
		}
		for _, d := range page.Documents {
			if seen[d.ID] {
				t.Fatalf("List(limit=%d): %s listed twice", limit, d.ID)
			}
			seen[d.ID] = true
			got = append(got, d.ID)
		}
		if page.NextCursor == "" {
			return got, st
		}
		if len(page.Documents) < limit {
			st.shortPages++
		}
		if page.NextCursor == cursor {
			t.Fatalf("List(limit=%d) call %d returned the cursor it was given", limit, st.calls)
		}
		cursor = page.NextCursor
	}
}

// putConcurrently stores docs with a few writers, as several clients would.
func putConcurrently(t *testing.T, s backend.Store, docs []backend.Document) {
	t.Helper()
	var wg sync.WaitGroup
	work := make(chan backend.Document)
	errs := make(chan error, len(docs))
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				if err := s.Put(context.Background(), d); err != nil {
					errs <- fmt.Errorf("Put(%s): %w", d.ID, err)
				}
			}
		}()
	}
	for _, d := range docs {
		work <- d
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// docsAt returns one document per time, with IDs from the server's
// generator at those times.
func docsAt(times []time.Time) []backend.Document {
	gen := &backend.IDGenerator{}
	var i int
	gen.Now = func() time.Time { return times[i] }
	docs := make([]backend.Document, len(times))
	for i = range times {
		id, at := gen.Next()
		docs[i] = backend.Document{ID: id, Filename: "f-" + strconv.Itoa(i) + ".txt", SizeBytes: int64(i), UploadedAt: at,
			SHA256: fmt.Sprintf("%064x", i), ContentType: "text/plain; charset=utf-8"}
	}
	return docs
}

// testBoundedSparseListing: one document a day over three years. Without
// a bound, limit=1000 costs a query per day, over a thousand in one call.
// With it, every call stays within dynamo.MaxListQueries and the store
// timeout, and paging with the cursors lists everything, in order, once.
func testBoundedSparseListing(t *testing.T, srv *dynalitetest.Server) {
	s, rec := recordingStore(t, srv.NewTable(t))
	first := time.Date(2023, 12, 7, 0, 0, 0, 0, time.UTC)
	var times []time.Time
	for d := 0; d < 3*365+1; d++ {
		times = append(times, first.AddDate(0, 0, d).Add(time.Duration(rand.IntN(86400))*time.Second))
	}
	docs := docsAt(times)
	putConcurrently(t, s, docs)
	want := storetest.NewestFirst(docs)
	for _, limit := range []int{1000, 50, 1} {
		got, st := listEverything(t, s, rec, limit)
		storetest.RequireIDs(t, fmt.Sprintf("limit %d", limit), got, want)
		t.Logf("limit %4d: %d documents in %d calls (%d short pages with a cursor), at most %d queries and %v per call",
			limit, len(got), st.calls, st.shortPages, st.maxQueries, st.maxCall.Round(time.Millisecond))
		if limit == 1000 && st.calls < 2 {
			t.Fatalf("limit 1000 over %d days listed in one call: the query bound did not apply", len(docs))
		}
	}
}

// testShardCountChanges: documents written under N=1, then N=8, then N=3,
// each by a fresh store (a restart: nothing remembered in memory), all on
// the same three days, list completely and in order after every phase and
// with pages of every size from 1 to 1,000.
func testShardCountChanges(t *testing.T, srv *dynalitetest.Server) {
	cfg := srv.NewTable(t)
	day := time.Date(2026, 3, 28, 0, 0, 0, 0, time.UTC)
	var all []backend.Document
	var s *dynamo.Store
	var rec *recorder
	for _, n := range []int{1, 8, 3} {
		s, rec = recordingStore(t, cfg, dynamo.WithListingShards(n))
		var times []time.Time
		for i := 0; i < 40; i++ {
			times = append(times, day.Add(time.Duration(rand.Int64N(int64(72*time.Hour)))))
		}
		docs := docsAt(times)
		putConcurrently(t, s, docs)
		all = append(all, docs...)
		got, _ := listEverything(t, s, rec, 7)
		storetest.RequireIDs(t, fmt.Sprintf("after the N=%d writes", n), got, storetest.NewestFirst(all))
	}
	want := storetest.NewestFirst(all)
	maxQueries, calls := 0, 0
	for limit := 1; limit <= backend.MaxListLimit; limit++ {
		got, st := listEverything(t, s, rec, limit)
		storetest.RequireIDs(t, fmt.Sprintf("pages of %d", limit), got, want)
		maxQueries, calls = max(maxQueries, st.maxQueries), calls+st.calls
	}
	t.Logf("pages of 1..1000 over %d documents in 3 days written under N=1, 8, 3: %d calls, at most %d queries per call",
		len(all), calls, maxQueries)
}

// testLegacyDays: a day written before listing shards (a register item
// without partitions, documents in the unsuffixed partition) lists beside
// documents a sharded server adds to the same day, even when an old
// server rewrites its register item afterwards, as it does on its first
// upload of a day.
func testLegacyDays(t *testing.T, srv *dynalitetest.Server) {
	ctx := context.Background()
	cfg := srv.NewTable(t)
	client, _ := recordingClient(cfg)
	day := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	legacy := docsAt([]time.Time{day.Add(time.Hour), day.Add(2 * time.Hour), day.Add(-time.Hour)})
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	putLegacyRegister := func(dayKey string) {
		t.Helper()
		_, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(cfg.Table), Item: map[string]types.AttributeValue{
			dynamo.TableKey: s(dynamo.LegacyRegisterIDPrefix + dayKey), dynamo.IndexPartitionKey: s("DAYS"), dynamo.IndexSortKey: s(dayKey),
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range legacy {
		at := d.UploadedAtString()
		dayKey := "DOCS#" + at[:10]
		putLegacyRegister(dayKey)
		_, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(cfg.Table), Item: map[string]types.AttributeValue{
			dynamo.TableKey: s(d.ID), "filename": s(d.Filename), "size_bytes": &types.AttributeValueMemberN{Value: strconv.FormatInt(d.SizeBytes, 10)},
			"uploaded_at": s(at), "sha256": s(d.SHA256), "content_type": s(d.ContentType), "declared_content_type": s(""),
			dynamo.IndexPartitionKey: s(dayKey), dynamo.IndexSortKey: s(at + "#" + d.ID),
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	store, rec := recordingStore(t, cfg, dynamo.WithListingShards(8))
	var times []time.Time
	for i := 0; i < 20; i++ {
		times = append(times, day.Add(time.Duration(i)*time.Minute+90*time.Minute))
	}
	sharded := docsAt(times)
	putConcurrently(t, store, sharded)
	putLegacyRegister("DOCS#2025-06-01") // an old server's first upload of the day
	all := append(slices.Clone(legacy), sharded...)
	for _, limit := range []int{1, 5, 100} {
		got, _ := listEverything(t, store, rec, limit)
		storetest.RequireIDs(t, fmt.Sprintf("pages of %d", limit), got, storetest.NewestFirst(all))
	}
}
