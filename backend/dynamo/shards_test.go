package dynamo_test

import (
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/backend/dynamo"
)

// TestHottestShardTakesItsShare: under random uploads (real IDs from the
// server's generator, many per millisecond as under load), the busiest
// index partition of a day takes within 10% of 1/N of the writes, so N
// shards lift the fleet's write ceiling about N-fold. It prints the
// figure for each N.
func TestHottestShardTakesItsShare(t *testing.T) {
	const uploads = 200_000
	gen := &backend.IDGenerator{}
	start := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	i := 0
	gen.Now = func() time.Time { i++; return start.Add(time.Duration(i) * 50 * time.Microsecond) }
	ids := make([]string, uploads)
	for i := range ids {
		ids[i], _ = gen.Next()
	}
	for _, n := range []int{2, 3, 4, 8, 16} {
		counts := make([]int, n)
		for _, id := range ids {
			counts[dynamo.ShardOf(id, n)]++
		}
		hottest := 0
		for _, c := range counts {
			hottest = max(hottest, c)
		}
		share := float64(hottest) / uploads
		t.Logf("N=%2d: hottest partition takes %.4f of the writes (1/N = %.4f, ratio %.3f)", n, share, 1/float64(n), share*float64(n))
		if share > 1.1/float64(n) {
			t.Errorf("N=%d: hottest partition takes %.4f of the writes, more than 1.1/N = %.4f", n, share, 1.1/float64(n))
		}
	}
}

func TestCheckListingShards(t *testing.T) {
	for _, n := range []int{1, dynamo.DefaultListingShards, dynamo.MaxListingShards} {
		if err := dynamo.CheckListingShards(n); err != nil {
			t.Errorf("CheckListingShards(%d): %v", n, err)
		}
	}
	for _, n := range []int{0, -1, dynamo.MaxListingShards + 1} {
		if err := dynamo.CheckListingShards(n); err == nil {
			t.Errorf("CheckListingShards(%d) accepted", n)
		}
	}
}
