package dynamo

import (
	"context"
	"errors"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/topology"
)

// maxListQueries bounds the DynamoDB queries of one List call: register
// pages and index partition queries together. Over sparse data (one
// document a day for years) a full page would otherwise take a query per
// day, past the store timeout, and every retry would pay the same again.
// When the budget is spent, List returns what it has with a cursor that
// resumes exactly there: a short page, possibly an empty one, with a
// cursor is not the end of the listing. 32 queries of a few milliseconds
// each stay far inside the store timeout, and the budget always covers
// one register page and every partition of a day (at most
// MaxListingShards + 1), so each call makes progress.
const maxListQueries = 32

// errBudgetSpent stops a listing whose query budget is used up.
var errBudgetSpent = errors.New("dynamodb store: listing query budget spent")

// queryBudget counts the queries a List call may still spend.
type queryBudget struct{ left int }

// take spends n queries, or none if fewer than n are left.
func (b *queryBudget) take(n int) bool {
	if b.left < n {
		return false
	}
	b.left -= n
	return true
}

// List returns one page, newest first. It reads the registered days, then
// each day's index partitions, merged newest first, starting below the
// cursor's position, until the page is full or the query budget is spent.
// It reads one document beyond the page to know whether a next page
// exists, so the last page carries no cursor.
//
// The index is eventually consistent in AWS: a document acknowledged a
// moment ago may appear in the listing slightly later (Get is consistent).
func (s *Store) List(ctx context.Context, opts backend.ListOptions) (backend.Page, error) {
	if err := opts.Validate(); err != nil {
		return backend.Page{}, err
	}
	l := &listing{s: s, want: opts.Limit + 1, budget: queryBudget{left: maxListQueries}}
	if opts.Cursor != "" {
		p, err := decodeCursor(opts.Cursor)
		if err != nil {
			return backend.Page{}, err
		}
		l.at = &p
	}
	start := l.at
	err := l.run(ctx)
	page := backend.Page{Documents: l.docs}
	switch {
	case errors.Is(err, errBudgetSpent):
		if l.at == nil || l.at == start {
			// maxListQueries covers a register page and a whole day,
			// so this means a bug, not a large table.
			return backend.Page{}, backend.Errorf(backend.EINTERNAL, "listing made no progress within %d queries", maxListQueries)
		}
		page.NextCursor = l.at.encode()
	case err != nil:
		return backend.Page{}, err
	case len(l.docs) > opts.Limit:
		page.Documents = l.docs[:opts.Limit]
		page.NextCursor = encodeCursor(page.Documents[opts.Limit-1])
	}
	return page, nil
}

// listing is the state of one List call.
type listing struct {
	s      *Store
	want   int // documents to read: the page plus one look-ahead
	budget queryBudget
	docs   []backend.Document
	// at is the listing position reached: everything above it is in docs
	// or was on earlier pages. nil is the top of the listing.
	at *position
}

func (l *listing) run(ctx context.Context) error {
	days := &dayIterator{s: l.s, pageSize: registerPageSize(l.want)}
	if l.at != nil {
		if l.at.Before != "" {
			days.before = l.at.day()
		} else {
			days.upTo = l.at.day()
		}
	}
	for len(l.docs) < l.want {
		d, ok, err := days.next(ctx, &l.budget)
		if err != nil || !ok {
			return err
		}
		if err := l.mergeDay(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// registerPageSize is how many register items one query reads: a day has
// one per partition written (at most MaxListingShards + 1), and a page
// should usually cover the days the listing spans. The items are about
// 90 bytes, so even the largest page is a few read units.
func registerPageSize(want int) int32 {
	return int32(min(max(want, 2*(MaxListingShards+1)), 200))
}

// mergeDay appends day's documents below the position, newest first,
// merging its partitions, until docs is full. The partitions share the
// sort key order, so one position places the listing in all of them.
func (l *listing) mergeDay(ctx context.Context, d registeredDay) error {
	below := ""
	if l.at != nil && l.at.Before == "" && l.at.day() == d.day {
		below = l.at.sortKey()
	}
	shards := make([]*partReader, len(d.parts))
	for i, p := range d.parts {
		shards[i] = &partReader{s: l.s, part: p, below: below}
	}
	for len(l.docs) < l.want {
		var empty []*partReader
		for _, sh := range shards {
			if len(sh.buf) == 0 && !sh.done {
				empty = append(empty, sh)
			}
		}
		if len(empty) > 0 {
			if !l.budget.take(len(empty)) {
				return errBudgetSpent
			}
			if err := readAll(ctx, empty, perPartLimit(l.want-len(l.docs), len(shards))); err != nil {
				return err
			}
		}
		var next *partReader
		for _, sh := range shards {
			if len(sh.buf) > 0 && (next == nil || sh.buf[0].key > next.buf[0].key) {
				next = sh
			}
		}
		if next == nil {
			l.at = &position{Before: d.day[len(dayKeyPrefix):]}
			return nil
		}
		doc := next.buf[0].doc
		next.buf = next.buf[1:]
		l.docs = append(l.docs, doc)
		l.at = &position{UploadedAt: doc.UploadedAtString(), ID: doc.ID}
	}
	return nil
}

// perPartLimit is the Query limit for one of n partitions when remaining
// documents are still wanted (topology.ListingPartLimit: the cost model
// prices a page's reads with the same limit).
func perPartLimit(remaining, n int) int32 {
	return int32(topology.ListingPartLimit(remaining, n))
}

// partReader reads one index partition of a day backwards, in pages.
type partReader struct {
	s       *Store
	part    string
	below   string // exclusive upper bound of the sort key, "" for none
	buf     []keyedDoc
	lastKey map[string]types.AttributeValue
	done    bool
}

type keyedDoc struct {
	key string // the index sort key
	doc backend.Document
}

// readAll reads the next page of every reader, in parallel: a day's
// partitions cost one round trip, not one per shard.
func readAll(ctx context.Context, readers []*partReader, limit int32) error {
	if len(readers) == 1 {
		return readers[0].read(ctx, limit)
	}
	errs := make([]error, len(readers))
	var wg sync.WaitGroup
	for i, r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.read(ctx, limit)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *partReader) read(ctx context.Context, limit int32) error {
	out, err := r.s.queryBackwards(ctx, r.part, "<", r.below, limit, r.lastKey)
	if err != nil {
		return classify("list documents of "+r.part, err)
	}
	for _, item := range out.Items {
		doc, err := unmarshalDoc(item)
		if err != nil {
			return err
		}
		r.buf = append(r.buf, keyedDoc{key: sortKey(doc.UploadedAtString(), doc.ID), doc: doc})
	}
	// A page ends at Limit items or 1 MB; the partition has more only if
	// DynamoDB says so.
	r.lastKey = out.LastEvaluatedKey
	r.done = len(out.LastEvaluatedKey) == 0
	return nil
}

// queryBackwards reads one page of the index partition part, newest
// first, limited to sort keys `op` bound (op "<" or "<="; any key when
// bound is empty), continuing after start.
func (s *Store) queryBackwards(ctx context.Context, part, op, bound string, limit int32, start map[string]types.AttributeValue) (*dynamodb.QueryOutput, error) {
	cond := "#day = :day"
	values := map[string]types.AttributeValue{":day": &types.AttributeValueMemberS{Value: part}}
	names := map[string]string{"#day": attrDay}
	if bound != "" {
		cond += " AND #sk " + op + " :bound"
		values[":bound"] = &types.AttributeValueMemberS{Value: bound}
		names["#sk"] = attrSortKey
	}
	return s.client.Query(ctx, &dynamodb.QueryInput{
		TableName:                 s.table,
		IndexName:                 aws.String(IndexName),
		KeyConditionExpression:    aws.String(cond),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
		ScanIndexForward:          aws.Bool(false),
		Limit:                     aws.Int32(limit),
		ExclusiveStartKey:         start,
	})
}
