package stacks

import (
	"testing"

	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/topology"
)

// The table the stacks create must be the one the server's store expects
// (dynamo.Open checks the index at start and refuses a different schema).
func TestTableSchemaMatchesTheStore(t *testing.T) {
	for name, pair := range map[string][2]string{
		"table key":      {topology.TableHashKey, dynamo.TableKey},
		"index name":     {topology.ListingIndexName, dynamo.IndexName},
		"index hash key": {topology.ListingIndexHash, dynamo.IndexPartitionKey},
		"index sort key": {topology.ListingIndexSort, dynamo.IndexSortKey},
		"TTL attribute":  {topology.TableTTLAttribute, dynamo.TTLAttribute},
	} {
		if pair[0] != pair[1] {
			t.Errorf("%s: stacks create %q, the store expects %q", name, pair[0], pair[1])
		}
	}
}
