// Package dynamo is docmeta's production store: document metadata in a
// DynamoDB table (aws-sdk-go-v2), following the data model of
// docs/ARCHITECTURE.md.
//
//   - Table key "id" (the document's UUIDv7). Puts are conditional
//     (attribute_not_exists(id)), so an ID is never overwritten.
//   - Global secondary index "by-day" (projection ALL): partition key "day"
//     = "DOCS#yyyy-mm-dd#k" (UTC day of uploaded_at, listing shard k of N
//     from the ID; without "#k" when N = 1), sort key "uploaded_at_id" =
//     "<uploaded_at>#<id>". uploaded_at has a fixed-width layout
//     (backend.TimeLayout), so the sort key is the listing order. Shards
//     lift the ~1,000 writes/s AWS allows one partition (shards.go).
//   - Newest-first listing queries the index backwards, a day at a time,
//     merging the day's shards, never a Scan, and spends at most
//     maxListQueries queries per call (listing.go).
//
// Which days and partitions to query: the index also holds small register
// items in the partition "DAYS", sorted by day, naming the partitions each
// day used (register.go). A Put registers its partition before the
// document (once per partition per process, remembered in memory; the
// write is idempotent), so every stored document is reachable. Compared
// with walking back day by day from today, this never spends a query on an
// empty day or shard (a gap of a year costs nothing), needs no horizon that
// could hide old documents, and also finds documents dated after the
// server's clock (clock skew between instances). It uses only PutItem,
// GetItem, Query and DescribeTable, the rights the stack grants the
// instance role.
package dynamo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/docmeta/docmeta/backend"
)

// Table schema, shared with the cdktf stack that creates the table in AWS
// (topology.TableHashKey, ListingIndexName, ListingIndexHash,
// ListingIndexSort; a test keeps them equal).
const (
	// TableKey is the table's partition key (string): the document ID.
	TableKey = "id"
	// IndexName is the global secondary index used for listing.
	IndexName = "by-day"
	// IndexPartitionKey is the index's partition key (string).
	IndexPartitionKey = "day"
	// IndexSortKey is the index's sort key (string).
	IndexSortKey = "uploaded_at_id"
)

// Attribute names of the table.
const (
	attrID                  = TableKey
	attrFilename            = "filename"
	attrSizeBytes           = "size_bytes"
	attrUploadedAt          = "uploaded_at"
	attrSHA256              = "sha256"
	attrContentType         = "content_type"
	attrDeclaredContentType = "declared_content_type"
	attrDay                 = IndexPartitionKey
	attrSortKey             = IndexSortKey
	attrPutToken            = "put_token" // random per Put, see resolveConflict
)

// IDs starting with '#' are reserved for the day register's items (see
// register.go); a UUID never starts with '#'.
const reservedIDPrefix = "#"

// Store is a backend.Store on a DynamoDB table. It is safe for concurrent
// use.
type Store struct {
	client *dynamodb.Client
	table  *string

	// shards is the number of listing shards new documents spread over.
	shards int

	// recordedParts remembers the index partitions this process has added
	// to the day register, so a Put costs one write except on its first
	// upload into a partition.
	recordedParts sync.Map // partition key -> struct{}
}

var _ backend.Store = (*Store)(nil)

// Option adjusts a Store made by New.
type Option func(*Store)

// WithListingShards spreads each day's new documents over n index
// partitions (1..MaxListingShards; CheckListingShards validates it).
// Documents already stored keep their partitions whatever n is now.
func WithListingShards(n int) Option { return func(s *Store) { s.shards = n } }

// New returns a store on an existing client and table, without checking
// the table (Open does). Use it when the caller configures the client.
// Without options it uses DefaultListingShards.
func New(client *dynamodb.Client, table string, opts ...Option) *Store {
	s := &Store{client: client, table: aws.String(table), shards: DefaultListingShards}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Close releases nothing: the SDK client holds only pooled connections,
// which close when idle.
func (s *Store) Close() error { return nil }

// Put stores doc with a conditional write, or returns ECONFLICT if its ID
// exists. It returns only after DynamoDB acknowledged the write.
func (s *Store) Put(ctx context.Context, doc backend.Document) error {
	if !usableID(doc.ID) {
		return backend.Errorf(backend.EINVALID, "document ID %q is not allowed", doc.ID)
	}
	item := marshalDoc(doc, s.shards)
	// A random token identifies this Put, so a retry that finds the item
	// can tell its own earlier attempt from another writer's document.
	token := newPutToken()
	item[attrPutToken] = &types.AttributeValueMemberS{Value: token}
	part := item[attrDay].(*types.AttributeValueMemberS).Value
	if err := s.recordPartition(ctx, dayKey(doc.UploadedAtString()), part); err != nil {
		return err
	}
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           s.table,
		Item:                item,
		ConditionExpression: aws.String("attribute_not_exists(id)"),
	})
	var exists *types.ConditionalCheckFailedException
	if errors.As(err, &exists) {
		return s.resolveConflict(ctx, doc.ID, token)
	}
	if err != nil {
		return classify("put document "+doc.ID, err)
	}
	return nil
}

// resolveConflict decides what a failed condition means. The SDK retries a
// PutItem whose answer was lost (a timeout, a reset connection); if the
// first attempt was in fact applied, the retry finds the item it wrote
// itself. That is a success, and reporting a conflict would make the server
// refuse an upload it has stored. Any other item with the ID is a conflict.
func (s *Store) resolveConflict(ctx context.Context, id, token string) error {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                s.table,
		Key:                      map[string]types.AttributeValue{attrID: &types.AttributeValueMemberS{Value: id}},
		ConsistentRead:           aws.Bool(true),
		ProjectionExpression:     aws.String("#token"),
		ExpressionAttributeNames: map[string]string{"#token": attrPutToken},
	})
	if err != nil {
		return classify("check conflicting document "+id, err)
	}
	if stored, ok := out.Item[attrPutToken].(*types.AttributeValueMemberS); ok && stored.Value == token {
		return nil
	}
	return backend.Errorf(backend.ECONFLICT, "document %s already exists", id)
}

// maxIDBytes keeps IDs well inside DynamoDB's 2 KB partition-key limit and
// the index sort key's 1 KB limit, so an odd ID is refused by us (EINVALID,
// ENOTFOUND) rather than by DynamoDB (a ValidationException, a 500).
const maxIDBytes = 512

// usableID reports whether id can name a document: not empty, not too long,
// not reserved for register items.
func usableID(id string) bool {
	return id != "" && len(id) <= maxIDBytes && !strings.HasPrefix(id, reservedIDPrefix)
}

func newPutToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// Get returns one document (strongly consistent read), or ENOTFOUND.
func (s *Store) Get(ctx context.Context, id string) (backend.Document, error) {
	if !usableID(id) {
		return backend.Document{}, backend.Errorf(backend.ENOTFOUND, "document %s not found", id)
	}
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      s.table,
		Key:            map[string]types.AttributeValue{attrID: &types.AttributeValueMemberS{Value: id}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return backend.Document{}, classify("get document "+id, err)
	}
	if out.Item == nil {
		return backend.Document{}, backend.Errorf(backend.ENOTFOUND, "document %s not found", id)
	}
	return unmarshalDoc(out.Item)
}
