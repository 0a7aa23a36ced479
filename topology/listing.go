package topology

import "math"

// Listing shards (DOCMETA_LISTING_SHARDS). The store spreads each UTC
// day's new documents over N index partitions ("DOCS#yyyy-mm-dd#k",
// backend/dynamo/shards.go) because AWS caps one partition at about 1,000
// writes/s; a listing page then reads every partition a busy day used.
// The bounds and the per-partition read size live here, in the package
// every folder may import, so the store that reads the partitions and the
// cost model that prices those reads share one definition.
const (
	// DefaultListingShards is the shard count when none is configured:
	// about 8,000 uploads/s fleet-wide. The largest fleet the stacks allow
	// (prod: 4 × t4g.small, "up to 5 Gbit/s" each) receives at most about
	// 2,400 uploads/s of the cost model's 1 MiB average, so 8 leaves room
	// for smaller files; fleets of tiny uploads can go to 16.
	DefaultListingShards = 8
	// MaxListingShards bounds N so that one day's partitions, even a day
	// written under several shard counts, always fit the query budget of
	// one listing call.
	MaxListingShards = 16
)

// ListingPartLimit is the Query limit for one of n partitions of a day
// when remaining documents are still wanted. Random shard choice gives
// each partition a binomial share of them: mean remaining/n; asking for
// the mean plus three standard deviations (and 2) rarely needs a second
// query for any partition, and reads far fewer items than remaining per
// partition, which is what the read units of a page pay for.
func ListingPartLimit(remaining, n int) int {
	if n <= 1 {
		return remaining
	}
	mean := float64(remaining) / float64(n)
	sd := math.Sqrt(mean * (1 - 1/float64(n)))
	return min(remaining, int(math.Ceil(mean+3*sd))+2)
}
