package dynamo

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// The day register: which days have documents, and in which index
// partitions. Each register item sits in the index partition "DAYS" with
// the day's key ("DOCS#yyyy-mm-dd") as its sort key, so List reads the days
// newest first without a Scan.
//
// A day may have two register items, both read and merged:
//   - "#parts#DOCS#yyyy-mm-dd" holds the string set "parts": every index
//     partition a writer used that day, added (ADD, idempotent and safe
//     under concurrent writers) before the writer's first document in it.
//     Recording the partitions used rather than a shard count makes a
//     quiet day cheap to list (one upload, one partition, one query) and
//     lets N change at any time: writers under N = 1, 8 and 3 on the same
//     day leave the union of their partitions.
//   - "#day#DOCS#yyyy-mm-dd", without "parts", written by servers from
//     before listing shards: its day's documents are in the unsuffixed
//     partition. It is a separate item because those servers write it
//     with an unconditional PutItem, which would wipe a "parts" set.
const (
	registerPartition      = "DAYS"
	legacyRegisterIDPrefix = "#day#"
	partsRegisterIDPrefix  = "#parts#"
	attrParts              = "parts"
)

// recordPartition adds part to day's register unless this process already
// did; Put calls it before writing a document into part, so every stored
// document's partition is registered.
func (s *Store) recordPartition(ctx context.Context, day, part string) error {
	if _, ok := s.recordedParts.Load(part); ok {
		return nil
	}
	_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        s.table,
		Key:              map[string]types.AttributeValue{attrID: &types.AttributeValueMemberS{Value: partsRegisterIDPrefix + day}},
		UpdateExpression: aws.String("SET #day = :days, #sk = :dayKey ADD #parts :part"),
		ExpressionAttributeNames: map[string]string{
			"#day": attrDay, "#sk": attrSortKey, "#parts": attrParts,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":days":   &types.AttributeValueMemberS{Value: registerPartition},
			":dayKey": &types.AttributeValueMemberS{Value: day},
			":part":   &types.AttributeValueMemberSS{Value: []string{part}},
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
	// A day's two register items may straddle a page boundary, so a day
	// is handed out only once a later day (or the end) has been read.
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
		parts := []string{day.Value} // an item from before listing shards
		if ss, ok := item[attrParts].(*types.AttributeValueMemberSS); ok {
			parts = ss.Value
		}
		it.add(day.Value, parts)
	}
	it.lastKey = out.LastEvaluatedKey
	it.done = len(out.LastEvaluatedKey) == 0
	return nil
}

// add appends a register item, merging it into the previous entry when
// both describe the same day.
func (it *dayIterator) add(day string, parts []string) {
	if n := len(it.buf); n > 0 && it.buf[n-1].day == day {
		parts = append(it.buf[n-1].parts, parts...)
		it.buf = it.buf[:n-1]
	} else {
		parts = slices.Clone(parts)
	}
	slices.Sort(parts)
	it.buf = append(it.buf, registeredDay{day: day, parts: slices.Compact(parts)})
}
