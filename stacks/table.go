package stacks

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dynamodbtable"
	"github.com/docmeta/docmeta/topology"
)

// TableProps are the inputs of the metadata table.
type TableProps struct {
	Name               string
	DeletionProtection bool
}

// NewTable creates the on-demand metadata table with PITR (which the
// teardown's export needs), server-side encryption, the listing GSI and
// TTL on the idempotency records' expiry.
// DeletionProtection is on in every profile (topology validates it): the
// teardown command lifts it only after a verified export.
func NewTable(scope constructs.Construct, id string, p TableProps) dynamodbtable.DynamodbTable {
	c := constructs.NewConstruct(scope, str(id))
	return pin(dynamodbtable.NewDynamodbTable(c, str("table"), &dynamodbtable.DynamodbTableConfig{
		Name:        str(p.Name),
		BillingMode: str("PAY_PER_REQUEST"),
		HashKey:     str(topology.TableHashKey),
		Attribute: &[]*dynamodbtable.DynamodbTableAttribute{
			{Name: str(topology.TableHashKey), Type: str("S")},
			{Name: str(topology.ListingIndexHash), Type: str("S")},
			{Name: str(topology.ListingIndexSort), Type: str("S")},
		},
		GlobalSecondaryIndex: &[]*dynamodbtable.DynamodbTableGlobalSecondaryIndex{{
			Name:           str(topology.ListingIndexName),
			HashKey:        str(topology.ListingIndexHash),
			RangeKey:       str(topology.ListingIndexSort),
			ProjectionType: str("ALL"),
		}},
		// Idempotency records (Idempotency-Key on uploads) expire after
		// a day; TTL deletes them at no cost. Documents never carry the
		// attribute, so TTL never touches them.
		Ttl:                       &dynamodbtable.DynamodbTableTtl{AttributeName: str(topology.TableTTLAttribute), Enabled: true},
		PointInTimeRecovery:       &dynamodbtable.DynamodbTablePointInTimeRecovery{Enabled: true},
		ServerSideEncryption:      &dynamodbtable.DynamodbTableServerSideEncryption{Enabled: true},
		DeletionProtectionEnabled: p.DeletionProtection,
		Tags:                      nameTag(p.Name),
	}), "table")
}
