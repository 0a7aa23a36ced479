// Package dynamo is docmeta's production store: document metadata in a
// DynamoDB table (aws-sdk-go-v2), following the data model of
// docs/ARCHITECTURE.md.
//
//   - Table key "id" (the document's UUIDv7). Puts are conditional
//     (attribute_not_exists(id)), so an ID is never overwritten.
//   - Global secondary index "by-day" (projection ALL): partition key "day"
//     = "DOCS#yyyy-mm-dd" (UTC day of uploaded_at), sort key
//     "uploaded_at_id" = "<uploaded_at>#<id>". uploaded_at has a fixed-width
//     layout (backend.TimeLayout), so the sort key is the listing order.
//   - Newest-first listing queries the index backwards, one day partition
//     after another, never a Scan.
//
// Which days to query: the index also holds one small register item per
// upload day, in the partition "DAYS" with the day's partition key as its
// sort key. A Put writes its day's register item before the document (once
// per day per process, remembered in memory; the write is idempotent), so
// every stored document's day is registered. List queries "DAYS" backwards
// to learn the days, then each day in turn. Compared with walking back day
// by day from today, this never spends a query on an empty day (a gap of a
// year costs nothing), needs no horizon that could hide old documents, and
// also finds documents dated after the server's clock (clock skew between
// instances). It uses only PutItem, GetItem, Query and DescribeTable.
//
// Known limit: one day's documents share one index partition, which AWS
// caps at about 1,000 writes/s; beyond that the day key would need a shard
// suffix and List a merge across shards.
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

// Register items: id "#day#DOCS#yyyy-mm-dd", day "DAYS", sort key
// "DOCS#yyyy-mm-dd". IDs starting with '#' are reserved for them; a UUID
// never starts with '#'.
const (
	reservedIDPrefix  = "#"
	registerIDPrefix  = "#day#"
	registerPartition = "DAYS"
)

// Store is a backend.Store on a DynamoDB table. It is safe for concurrent
// use.
type Store struct {
	client *dynamodb.Client
	table  *string

	// recordedDays remembers the days this process has added to the
	// register, so a Put costs one write except on the first upload of a
	// day.
	recordedDays sync.Map // string -> struct{}
}

var _ backend.Store = (*Store)(nil)

// New returns a store on an existing client and table, without checking
// the table (Open does). Use it when the caller configures the client.
func New(client *dynamodb.Client, table string) *Store {
	return &Store{client: client, table: aws.String(table)}
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
	item := marshalDoc(doc)
	// A random token identifies this Put, so a retry that finds the item
	// can tell its own earlier attempt from another writer's document.
	token := newPutToken()
	item[attrPutToken] = &types.AttributeValueMemberS{Value: token}
	if err := s.recordDay(ctx, item[attrDay].(*types.AttributeValueMemberS).Value); err != nil {
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

// recordDay writes the register item of day unless this process already
// did. The write is an unconditional PutItem of a fixed item, so concurrent
// first Puts of a day (here or in other processes) are harmless.
func (s *Store) recordDay(ctx context.Context, day string) error {
	if _, ok := s.recordedDays.Load(day); ok {
		return nil
	}
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: s.table,
		Item: map[string]types.AttributeValue{
			attrID:      &types.AttributeValueMemberS{Value: registerIDPrefix + day},
			attrDay:     &types.AttributeValueMemberS{Value: registerPartition},
			attrSortKey: &types.AttributeValueMemberS{Value: day},
		},
	})
	if err != nil {
		return classify("register upload day "+day, err)
	}
	s.recordedDays.Store(day, struct{}{})
	return nil
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

// List returns one page, newest first: it reads the registered days, then
// queries the by-day index backwards day by day, starting below the
// cursor's position, until the page is full. It reads one document beyond
// the page to know whether a next page exists, so the last page carries no
// cursor.
//
// The index is eventually consistent in AWS: a document acknowledged a
// moment ago may appear in the listing slightly later (Get is consistent).
func (s *Store) List(ctx context.Context, opts backend.ListOptions) (backend.Page, error) {
	if err := opts.Validate(); err != nil {
		return backend.Page{}, err
	}
	var from *position
	if opts.Cursor != "" {
		p, err := decodeCursor(opts.Cursor)
		if err != nil {
			return backend.Page{}, err
		}
		from = &p
	}
	days := &dayIterator{s: s}
	if from != nil {
		days.upTo = from.day()
	}
	want := opts.Limit + 1
	docs := make([]backend.Document, 0, min(want, 64))
	for len(docs) < want {
		day, ok, err := days.next(ctx)
		if err != nil {
			return backend.Page{}, err
		}
		if !ok {
			break
		}
		below := ""
		if from != nil && day == from.day() {
			below = from.sortKey()
		}
		if docs, err = s.queryDay(ctx, day, below, want, docs); err != nil {
			return backend.Page{}, err
		}
	}
	page := backend.Page{Documents: docs}
	if len(docs) > opts.Limit {
		page.Documents = docs[:opts.Limit]
		page.NextCursor = encodeCursor(page.Documents[opts.Limit-1])
	}
	return page, nil
}

// queryDay appends the day's documents with sort key below `below` (all of
// them if below is empty), newest first, until docs holds want documents.
func (s *Store) queryDay(ctx context.Context, day, below string, want int, docs []backend.Document) ([]backend.Document, error) {
	cond := "#day = :day"
	values := map[string]types.AttributeValue{":day": &types.AttributeValueMemberS{Value: day}}
	names := map[string]string{"#day": attrDay}
	if below != "" {
		cond += " AND #sk < :below"
		values[":below"] = &types.AttributeValueMemberS{Value: below}
		names["#sk"] = attrSortKey
	}
	var startKey map[string]types.AttributeValue
	for len(docs) < want {
		out, err := s.client.Query(ctx, &dynamodb.QueryInput{
			TableName:                 s.table,
			IndexName:                 aws.String(IndexName),
			KeyConditionExpression:    aws.String(cond),
			ExpressionAttributeNames:  names,
			ExpressionAttributeValues: values,
			ScanIndexForward:          aws.Bool(false),
			Limit:                     aws.Int32(int32(want - len(docs))),
			ExclusiveStartKey:         startKey,
		})
		if err != nil {
			return nil, classify("list documents of "+day, err)
		}
		for _, item := range out.Items {
			doc, err := unmarshalDoc(item)
			if err != nil {
				return nil, err
			}
			docs = append(docs, doc)
		}
		// A Query page ends at Limit items or 1 MB; continue the day
		// only if DynamoDB says there is more.
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		startKey = out.LastEvaluatedKey
	}
	return docs, nil
}

// dayIterator yields registered upload days, newest first, at or before
// upTo (all days if upTo is empty), reading the register in small pages.
type dayIterator struct {
	s       *Store
	upTo    string
	buf     []string
	lastKey map[string]types.AttributeValue // LastEvaluatedKey of the last page
	done    bool
}

// registerPage is how many days one register Query reads; most listings
// need one or two days, and the items are tiny.
const registerPage = 8

func (it *dayIterator) next(ctx context.Context) (string, bool, error) {
	for len(it.buf) == 0 {
		if it.done {
			return "", false, nil
		}
		cond := "#day = :days"
		values := map[string]types.AttributeValue{":days": &types.AttributeValueMemberS{Value: registerPartition}}
		names := map[string]string{"#day": attrDay}
		if it.upTo != "" {
			cond += " AND #sk <= :upTo"
			values[":upTo"] = &types.AttributeValueMemberS{Value: it.upTo}
			names["#sk"] = attrSortKey
		}
		out, err := it.s.client.Query(ctx, &dynamodb.QueryInput{
			TableName:                 it.s.table,
			IndexName:                 aws.String(IndexName),
			KeyConditionExpression:    aws.String(cond),
			ExpressionAttributeNames:  names,
			ExpressionAttributeValues: values,
			ScanIndexForward:          aws.Bool(false),
			Limit:                     aws.Int32(registerPage),
			ExclusiveStartKey:         it.lastKey,
		})
		if err != nil {
			return "", false, classify("read upload days", err)
		}
		for _, item := range out.Items {
			if v, ok := item[attrSortKey].(*types.AttributeValueMemberS); ok {
				it.buf = append(it.buf, v.Value)
			}
		}
		it.lastKey = out.LastEvaluatedKey
		it.done = len(out.LastEvaluatedKey) == 0
	}
	day := it.buf[0]
	it.buf = it.buf[1:]
	return day, true, nil
}
