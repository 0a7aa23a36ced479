package dynamo

import (
	"fmt"
	"hash/fnv"
	"strconv"

	"github.com/docmeta/docmeta/topology"
)

// Listing shards. Every document of a UTC day used to share one by-day
// index partition, and AWS caps a partition at about 1,000 writes/s; a
// throttled index throttles the table's writes, so the whole fleet could
// not store more than about 1,000 uploads/s. With N shards a day's
// documents spread over the partitions "DOCS#yyyy-mm-dd#k", k = hash(ID)
// mod N, which raises that ceiling to about N × 1,000 uploads/s. N = 1
// keeps the unsuffixed "DOCS#yyyy-mm-dd", the layout of tables written
// before sharding, so their days still list. The price is on the read
// side: a listing page queries each partition a busy day used (in
// parallel), while a quiet day touches fewer shards and costs fewer
// queries (see recordPartition). The bounds live in topology, which the
// cost model that prices those reads also reads.
const (
	// DefaultListingShards is the shard count when none is configured
	// (topology.DefaultListingShards: about 8,000 uploads/s fleet-wide).
	DefaultListingShards = topology.DefaultListingShards
	// MaxListingShards bounds N so that one day's partitions always fit
	// the query budget of one List call (maxListQueries).
	MaxListingShards = topology.MaxListingShards
)

// CheckListingShards validates a configured shard count; the error names
// the setting and the fix.
func CheckListingShards(n int) error {
	if n < 1 || n > MaxListingShards {
		return fmt.Errorf("listing shards must be from 1 to %d (DOCMETA_LISTING_SHARDS); %d is the default", MaxListingShards, DefaultListingShards)
	}
	return nil
}

// partitionKey is the by-day index partition of document id uploaded on
// day (a dayKey) when the writer uses shards shards.
func partitionKey(day, id string, shards int) string {
	if shards <= 1 {
		return day
	}
	return day + "#" + strconv.Itoa(shardOf(id, shards))
}

// shardOf spreads IDs evenly over n shards. A hash of the whole ID, not
// its leading characters: UUIDv7 IDs begin with the time, so uploads of
// one moment share a prefix and must not share a shard.
func shardOf(id string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}
