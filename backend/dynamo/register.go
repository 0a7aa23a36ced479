package dynamo

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The day register: which days have documents, and in which index
// partitions. Each register item sits in the index partition "DAYS" with
// the day's key ("DOCS#yyyy-mm-dd") as its sort key, so List reads the days
// newest first without a Scan.
//
// A day has one register item per index partition written that day:
//   - "#part#<partition key>", attribute "part" = the partition key,
//     written by a PutItem of fixed content (idempotent, safe under
//     concurrent writers, and within the PutItem/GetItem/Query rights the
//     stack grants the instance role) before the writer's first document
//     in that partition. Recording the partitions used rather than a
//     shard count makes a quiet day cheap to list (one upload, one
//     partition, one query) and lets N change at any time: writers under
//     N = 1, 8 and 3 on the same day leave the union of their partitions.
//   - "#day#DOCS#yyyy-mm-dd", without "part", written by servers from
//     before listing shards: its day's documents are in the unsuffixed
//     partition.
//
// The items of a day share a sort key and are merged when read.
const (
	registerPartition      = "DAYS"
	legacyRegisterIDPrefix = "#day#"
	partRegisterIDPrefix   = "#part#"
	attrPart               = "part"
)

// recordPartition registers part under day unless this process already
// did; Put calls it before writing a document into part, so every stored
// document's partition is registered.
func (s *Store) recordPartition(ctx context.Context, day, part string) error {
	if _, ok := s.recordedParts.Load(part); ok {
		return nil
	}
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: s.table,
		Item: map[string]types.AttributeValue{
			attrID:      &types.AttributeValueMemberS{Value: partRegisterIDPrefix + part},
			attrDay:     &types.AttributeValueMemberS{Value: registerPartition},
			attrSortKey: &types.AttributeValueMemberS{Value: day},
			attrPart:    &types.AttributeValueMemberS{Value: part},
		},
	})
	if err != nil {
		return classify("register index partition "+part, err)
	}
	s.recordedParts.Store(part, struct{}{})
	return nil
}

// registeredDay is one upload day and its index partitions, sorted.
type registeredDay struct {
	day   string // "DOCS#yyyy-mm-dd"
	parts []string
}

// dayIterator yields registered days newest first, at or before upTo, or
// strictly before `before` (all days if both are empty), reading the
// register in pages. Each page costs one query from the listing's budget.
type dayIterator struct {
	s        *Store
	upTo     string
	before   string
	pageSize int32
	buf      []registeredDay
	lastKey  map[string]types.AttributeValue // LastEvaluatedKey of the last page
	done     bool
}

func (it *dayIterator) next(ctx context.Context, b *queryBudget) (registeredDay, bool, error) {
	// A day's register items may straddle a page boundary, so a day is
	// handed out only once a later day (or the end) has been read.
	for !it.done && len(it.buf) < 2 {
		if !b.take(1) {
			return registeredDay{}, false, errBudgetSpent
		}
		if err := it.readPage(ctx); err != nil {
			return registeredDay{}, false, err
		}
	}
	if len(it.buf) == 0 {
		return registeredDay{}, false, nil
	}
	d := it.buf[0]
	it.buf = it.buf[1:]
	return d, true, nil
}

func (it *dayIterator) readPage(ctx context.Context) error {
	op, bound := "<=", it.upTo
	if it.before != "" {
		op, bound = "<", it.before
	}
	out, err := it.s.queryBackwards(ctx, registerPartition, op, bound, it.pageSize, it.lastKey)
	if err != nil {
		return classify("read upload days", err)
	}
	for _, item := range out.Items {
		day, ok := item[attrSortKey].(*types.AttributeValueMemberS)
		if !ok {
			continue
		}
		part := day.Value // an item from before listing shards
		if p, ok := item[attrPart].(*types.AttributeValueMemberS); ok {
			part = p.Value
		}
		it.add(day.Value, part)
	}
	it.lastKey = out.LastEvaluatedKey
	it.done = len(out.LastEvaluatedKey) == 0
	return nil
}

// add appends a register item, merging it into the previous entry when
// both describe the same day.
func (it *dayIterator) add(day, part string) {
	n := len(it.buf)
	if n == 0 || it.buf[n-1].day != day {
		it.buf = append(it.buf, registeredDay{day: day, parts: []string{part}})
		return
	}
	d := &it.buf[n-1]
	if i, found := slices.BinarySearch(d.parts, part); !found {
		d.parts = slices.Insert(d.parts, i, part)
	}
}
