package dynamo_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/backend/storetest"
	"github.com/docmeta/docmeta/internal/dynalitetest"
	"github.com/docmeta/docmeta/topology"
)

// TestDynamo runs every test that can share one dynalite process; each
// subtest works on its own table.
func TestDynamo(t *testing.T) {
	srv := dynalitetest.Start(t)

	t.Run("Contract", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) backend.Store {
			s, err := dynamo.Open(context.Background(), srv.NewTable(t))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			return s
		})
	})
	t.Run("IdempotencyContract", func(t *testing.T) {
		storetest.RunIdempotency(t, func(t *testing.T) (storetest.IdempotentStore, func(*testing.T) storetest.IdempotentStore) {
			cfg := srv.NewTable(t)
			open := func(t *testing.T) storetest.IdempotentStore {
				s, err := dynamo.Open(context.Background(), cfg)
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				return s
			}
			return open(t), open
		})
	})
	t.Run("ListQueriesOnlyDaysWithDocumentsAndNeverScans", func(t *testing.T) { testNoScan(t, srv) })
	t.Run("RetriedPutFindsItsOwnItem", func(t *testing.T) { testRetriedPut(t, srv) })
	t.Run("OddIDsAnsweredInDomainTerms", func(t *testing.T) { testOddIDs(t, srv) })
	t.Run("OpenErrorsNameTheFix", func(t *testing.T) { testOpenErrors(t, srv) })
	t.Run("BoundedListingOverThreeSparseYears", func(t *testing.T) { testBoundedSparseListing(t, srv) })
	t.Run("ShardCountChangesAcrossRestarts", func(t *testing.T) { testShardCountChanges(t, srv) })
	t.Run("DaysFromBeforeShardsStillList", func(t *testing.T) { testLegacyDays(t, srv) })
	t.Run("ListCostPerShardCount", func(t *testing.T) { testListCost(t, srv) })
	t.Run("LocalTableHasNoTTL", func(t *testing.T) { testLocalTableHasNoTTL(t, srv) })
	t.Run("CreateTableIsIdempotent", func(t *testing.T) {
		cfg := srv.NewTable(t)
		if err := dynamo.CreateTable(context.Background(), cfg); err != nil {
			t.Fatalf("second CreateTable: %v", err)
		}
	})
}

// TestSchemaMatchesTheStack keeps the store's table schema and the one the
// cdktf stack creates (described in topology) from drifting apart.
func TestSchemaMatchesTheStack(t *testing.T) {
	for _, c := range []struct{ name, store, stack string }{
		{"table key", dynamo.TableKey, topology.TableHashKey},
		{"index name", dynamo.IndexName, topology.ListingIndexName},
		{"index partition key", dynamo.IndexPartitionKey, topology.ListingIndexHash},
		{"index sort key", dynamo.IndexSortKey, topology.ListingIndexSort},
		{"TTL attribute", dynamo.TTLAttribute, topology.TableTTLAttribute},
	} {
		if c.store != c.stack {
			t.Errorf("%s: store uses %q, stack creates %q", c.name, c.store, c.stack)
		}
	}
}

// recorder is an http.RoundTripper that records the DynamoDB operation of
// every request reaching the wire and can fail the first response of one
// operation after the request was delivered.
type recorder struct {
	mu   sync.Mutex
	ops  []string
	next http.RoundTripper
	// loseResponseOf names an operation whose next response is dropped
	// after DynamoDB has applied it, as a network fault would.
	loseResponseOf string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	op := strings.TrimPrefix(req.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	r.mu.Lock()
	r.ops = append(r.ops, op)
	lose := op == r.loseResponseOf
	if lose {
		r.loseResponseOf = ""
	}
	r.mu.Unlock()
	resp, err := r.next.RoundTrip(req)
	if err == nil && lose {
		resp.Body.Close()
		return nil, errors.New("read tcp: connection reset by peer (injected after the request was applied)")
	}
	return resp, err
}

func (r *recorder) count(op string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, o := range r.ops {
		if o == op {
			n++
		}
	}
	return n
}

// recordingStore returns a store whose client sends through a recorder.
func recordingStore(t *testing.T, cfg dynamo.Config, opts ...dynamo.Option) (*dynamo.Store, *recorder) {
	client, rec := recordingClient(cfg)
	return dynamo.New(client, cfg.Table, opts...), rec
}

// recordingClient returns a DynamoDB client that sends through a recorder.
func recordingClient(cfg dynamo.Config) (*dynamodb.Client, *recorder) {
	rec := &recorder{next: http.DefaultTransport}
	client := dynamodb.New(dynamodb.Options{
		Region:       cfg.Region,
		BaseEndpoint: aws.String(cfg.Endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:   &http.Client{Transport: rec, Timeout: 5 * time.Second},
	})
	return client, rec
}

func testNoScan(t *testing.T, srv *dynalitetest.Server) {
	ctx := context.Background()
	// One listing shard: each day is one index partition, as in tables
	// written before shards (sharded listing has its own tests).
	s, rec := recordingStore(t, srv.NewTable(t), dynamo.WithListingShards(1))
	// Three upload days, a year apart: a store walking back day by day
	// would need hundreds of queries.
	gen := &backend.IDGenerator{}
	var want []string
	for _, day := range []string{"2024-11-27", "2025-11-27", "2026-11-27"} {
		start, _ := time.Parse(time.DateOnly, day)
		gen.Now = func() time.Time { return start.Add(12 * time.Hour) }
		for i := 0; i < 4; i++ {
			id, at := gen.Next()
			if err := s.Put(ctx, backend.Document{ID: id, Filename: "a.txt", UploadedAt: at}); err != nil {
				t.Fatalf("Put: %v", err)
			}
			want = append([]string{id}, want...)
		}
	}
	var got []string
	cursor := ""
	for {
		page, err := s.List(ctx, backend.ListOptions{Limit: 5, Cursor: cursor})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		for _, d := range page.Documents {
			got = append(got, d.ID)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("listed %v, want %v", got, want)
	}
	if n := rec.count("Scan"); n != 0 {
		t.Fatalf("List issued %d Scan calls", n)
	}
	// 3 pages of 5 over 12 documents in 3 days: per page one register
	// Query plus one per day touched (2+1, 2+1, 1+1, counting the
	// look-ahead document that decides whether a next page exists).
	if n := rec.count("Query"); n != 8 {
		t.Fatalf("List issued %d Query calls for 3 pages over 3 days, want 8 (ops %v)", n, rec.ops)
	}
	// The day register is written once per day (and partition), not per
	// Put.
	if n := rec.count("PutItem"); n != 12+3 {
		t.Fatalf("%d PutItem calls for 12 documents over 3 days, want 15", n)
	}
	// Only the operations the stack grants the instance role
	// (stacks/helpers.go serverTableActions, minus DescribeTable, which
	// Open uses).
	for _, op := range rec.ops {
		if op != "PutItem" && op != "GetItem" && op != "Query" {
			t.Fatalf("the store called %s, which the instance role is not granted", op)
		}
	}
}

func testRetriedPut(t *testing.T, srv *dynalitetest.Server) {
	ctx := context.Background()
	cfg := srv.NewTable(t)
	// One shard, so that both documents share one registered partition.
	s, rec := recordingStore(t, cfg, dynamo.WithListingShards(1))
	gen := &backend.IDGenerator{}
	id, at := gen.Next()
	doc := backend.Document{ID: id, Filename: "a.txt", SizeBytes: 3, UploadedAt: at}
	if err := s.Put(ctx, doc); err != nil { // records the day first
		t.Fatalf("Put: %v", err)
	}

	id, at = gen.Next()
	doc = backend.Document{ID: id, Filename: "b.txt", SizeBytes: 4, UploadedAt: at}
	rec.mu.Lock()
	rec.loseResponseOf = "PutItem"
	rec.mu.Unlock()
	if err := s.Put(ctx, doc); err != nil {
		t.Fatalf("Put whose first response was lost: %v (the SDK retry met the item its first attempt wrote)", err)
	}
	if n := rec.count("PutItem"); n != 4 {
		t.Fatalf("%d PutItem calls, want 4 (day register and one document, then one lost and retried)", n)
	}
	// Another Put of the same document is a genuine duplicate.
	err := s.Put(ctx, doc)
	if backend.ErrorCode(err) != backend.ECONFLICT {
		t.Fatalf("repeated Put: %v, want ECONFLICT", err)
	}
}

func testOpenErrors(t *testing.T, srv *dynalitetest.Server) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		cfg  dynamo.Config
		want []string
	}{
		{"no region", dynamo.Config{Table: "t", Endpoint: srv.Endpoint}, []string{"AWS_REGION"}},
		{"no table", dynamo.Config{Region: "us-east-1", Endpoint: srv.Endpoint}, []string{"DOCMETA_TABLE"}},
		{"missing table", srv.Config("no-such-table"), []string{"DOCMETA_TABLE", "not found", "no-such-table"}},
		{"bad endpoint", dynamo.Config{Region: "us-east-1", Table: "t", Endpoint: "127.0.0.1:1"}, []string{"AWS_ENDPOINT_URL_DYNAMODB"}},
		{"unreachable", dynamo.Config{Region: "us-east-1", Table: "t", Endpoint: "http://127.0.0.1:1"}, []string{"AWS_ENDPOINT_URL_DYNAMODB", "cannot describe"}},
	} {
		_, err := dynamo.Open(ctx, tc.cfg)
		if err == nil {
			t.Errorf("%s: Open succeeded", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", tc.name, err, w)
			}
		}
	}
}

// TestOutage stops dynalite under a working store: operations must fail
// with EUNAVAILABLE (never hang), and succeed again after a restart without
// reopening the store.
func TestOutage(t *testing.T) {
	ctx := context.Background()
	srv := dynalitetest.Start(t)
	s, err := dynamo.Open(ctx, srv.NewTable(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	gen := &backend.IDGenerator{}
	newDoc := func() backend.Document {
		id, at := gen.Next()
		return backend.Document{ID: id, Filename: "a.txt", UploadedAt: at}
	}
	before := newDoc()
	if err := s.Put(ctx, before); err != nil {
		t.Fatalf("Put: %v", err)
	}

	srv.Stop()
	// The store bounds its own requests; the watchdog only turns a hang
	// into a failure instead of a stuck test binary.
	for _, op := range []struct {
		name string
		call func() error
	}{
		{"Put", func() error { return s.Put(ctx, newDoc()) }},
		{"Get", func() error { _, err := s.Get(ctx, before.ID); return err }},
		{"List", func() error { _, err := s.List(ctx, backend.ListOptions{}); return err }},
	} {
		done := make(chan error, 1)
		go func() { done <- op.call() }()
		select {
		case err := <-done:
			if backend.ErrorCode(err) != backend.EUNAVAILABLE {
				t.Fatalf("%s during outage: %v, want EUNAVAILABLE", op.name, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s during outage did not return within 30 s", op.name)
		}
	}

	srv.Restart()
	after := newDoc()
	if err := s.Put(ctx, after); err != nil {
		t.Fatalf("Put after restart: %v", err)
	}
	page, err := s.List(ctx, backend.ListOptions{})
	if err != nil {
		t.Fatalf("List after restart: %v", err)
	}
	if len(page.Documents) != 2 || page.Documents[0].ID != after.ID || page.Documents[1].ID != before.ID {
		t.Fatalf("after restart listed %+v, want [%s %s]", page.Documents, after.ID, before.ID)
	}
}

// testOddIDs checks that IDs DynamoDB would reject, and the IDs reserved
// for register items, are answered by the store in domain terms.
func testOddIDs(t *testing.T, srv *dynalitetest.Server) {
	ctx := context.Background()
	s, err := dynamo.Open(ctx, srv.NewTable(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	gen := &backend.IDGenerator{}
	_, at := gen.Next()
	if err := s.Put(ctx, backend.Document{ID: "01a21bdb-d541-7346-abce-c63282229269", UploadedAt: at}); err != nil {
		t.Fatalf("Put: %v", err) // registers today's day item
	}
	day := "#day#DOCS#" + at.Format(time.DateOnly)
	for _, id := range []string{"", strings.Repeat("x", 3000), day} {
		if _, err := s.Get(ctx, id); backend.ErrorCode(err) != backend.ENOTFOUND {
			t.Errorf("Get(%.20q...): %v, want ENOTFOUND", id, err)
		}
		if err := s.Put(ctx, backend.Document{ID: id, UploadedAt: at}); backend.ErrorCode(err) != backend.EINVALID {
			t.Errorf("Put(%.20q...): %v, want EINVALID", id, err)
		}
	}
}
