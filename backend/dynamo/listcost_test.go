package dynamo_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
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
	"github.com/docmeta/docmeta/internal/dynalitetest"
)

// readMeter is an http.RoundTripper that prices every Query response the
// way DynamoDB bills an eventually consistent index read: the sizes of the
// items returned, summed per query and rounded up to 4 KB, half a read
// unit per 4 KB, at least half a unit per query.
type readMeter struct {
	next http.RoundTripper

	mu      sync.Mutex
	queries int
	items   int
	units   float64
}

func (m *readMeter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := m.next.RoundTrip(req)
	if err != nil || !strings.HasSuffix(req.Header.Get("X-Amz-Target"), ".Query") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var out struct {
		Items []map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("readMeter: %w", err)
	}
	size := 0
	for _, item := range out.Items {
		size += itemSize(item)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.queries++
	m.items += len(out.Items)
	m.units += 0.5 * math.Max(1, math.Ceil(float64(size)/4096))
	return resp, nil
}

// itemSize follows DynamoDB's item size rule closely enough for a bill:
// attribute name bytes plus value bytes (strings as UTF-8, numbers about
// one byte per two digits plus one, sets as the sum of their members).
func itemSize(item map[string]map[string]json.RawMessage) int {
	n := 0
	for name, v := range item {
		n += len(name)
		for typ, raw := range v {
			switch typ {
			case "S":
				var s string
				_ = json.Unmarshal(raw, &s)
				n += len(s)
			case "N":
				var s string
				_ = json.Unmarshal(raw, &s)
				n += (len(s)+1)/2 + 1
			case "SS":
				var ss []string
				_ = json.Unmarshal(raw, &ss)
				for _, s := range ss {
					n += len(s)
				}
			default:
				n += len(raw)
			}
		}
	}
	return n
}

func (m *readMeter) take() (queries, items int, units float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	queries, items, units = m.queries, m.items, m.units
	m.queries, m.items, m.units = 0, 0, 0
	return
}

// testListCost prints what a listing page costs under N = 1, 4 and 8
// shards on a busy day (2,000 uploads): queries and read units for the
// first page of 50 (the API default) and of 1,000 (the maximum). It
// checks that a page spends at most one query per written partition of
// the day plus the register read, as the README states.
func testListCost(t *testing.T, srv *dynalitetest.Server) {
	for _, n := range []int{1, 4, 8} {
		cfg := srv.NewTable(t)
		meter := &readMeter{next: http.DefaultTransport}
		client := dynamodb.New(dynamodb.Options{
			Region: cfg.Region, BaseEndpoint: aws.String(cfg.Endpoint),
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
			HTTPClient:  &http.Client{Transport: meter, Timeout: 5 * time.Second},
		})
		s := dynamo.New(client, cfg.Table, dynamo.WithListingShards(n))
		day := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
		var times []time.Time
		for i := 0; i < 2000; i++ {
			times = append(times, day.Add(time.Duration(i)*7*time.Second))
		}
		putConcurrently(t, s, docsAt(times))
		meter.take()
		for _, limit := range []int{50, 1000} {
			page, err := s.List(t.Context(), backend.ListOptions{Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Documents) != limit || page.NextCursor == "" {
				t.Fatalf("N=%d limit %d: %d documents, cursor %q", n, limit, len(page.Documents), page.NextCursor)
			}
			q, items, units := meter.take()
			t.Logf("N=%d, page of %4d: %2d queries (1 register + %d partitions), %4d items read, %.1f read units",
				n, limit, q, q-1, items, units)
			if q > 1+n {
				t.Errorf("N=%d page of %d spent %d queries; want at most %d (register + one per partition)", n, limit, q, 1+n)
			}
		}
	}
}
