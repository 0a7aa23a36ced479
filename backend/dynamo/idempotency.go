package dynamo

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/docmeta/docmeta/backend"
)

// TTLAttribute is the expiry attribute (Unix seconds) the stack enables
// DynamoDB TTL on (topology.TableTTLAttribute; a test keeps them equal).
// Only idempotency records carry it.
const TTLAttribute = "expires_at"

// Idempotency records are items of the table itself, id
// "#idem#<scoped key>" (the '#' prefix is reserved: Get and Put refuse it),
// without the index attributes, so they stay out of the listing index. An
// upload with an Idempotency-Key costs one extra write (this item, under
// 1 KB: 1 WCU) on top of the document's; an upload without one costs
// nothing extra; a replay costs reads only.
const (
	idemIDPrefix       = "#idem#"
	attrIdemDocumentID = "document_id"
	attrExpiresAt      = TTLAttribute
)

var _ backend.IdempotencyStore = (*Store)(nil)

// Claim writes rec with a conditional PutItem that succeeds only if no
// record with the key exists or the existing one has expired (TTL deletes
// expired items only within a day or two, so expiry is checked here too).
// When the condition fails, a consistent GetItem returns the record that
// holds the key. A record carrying rec.DocumentID is this claim's own write,
// applied by an attempt whose answer was lost: that counts as claimed.
func (s *Store) Claim(ctx context.Context, rec backend.IdempotencyRecord, now time.Time) (backend.IdempotencyRecord, bool, error) {
	str := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	id := idemIDPrefix + rec.Key
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: s.table,
		Item: map[string]types.AttributeValue{
			attrID:             str(id),
			attrIdemDocumentID: str(rec.DocumentID),
			attrUploadedAt:     str(rec.UploadedAt.UTC().Format(backend.TimeLayout)),
			attrSHA256:         str(rec.SHA256),
			attrFilename:       str(rec.Filename),
			attrExpiresAt:      &types.AttributeValueMemberN{Value: strconv.FormatInt(rec.ExpiresAt.Unix(), 10)},
		},
		ConditionExpression:       aws.String("attribute_not_exists(#id) OR #exp <= :now"),
		ExpressionAttributeNames:  map[string]string{"#id": attrID, "#exp": attrExpiresAt},
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Unix(), 10)}},
	})
	var held *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &held) {
		return backend.IdempotencyRecord{}, false, classify("record idempotency key", err)
	}
	if err == nil {
		return rec, true, nil
	}
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      s.table,
		Key:            map[string]types.AttributeValue{attrID: str(id)},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return backend.IdempotencyRecord{}, false, classify("read idempotency record", err)
	}
	if out.Item == nil {
		// Deleted by TTL between the two calls: the key is free again,
		// and the client's retry will claim it.
		return backend.IdempotencyRecord{}, false, backend.Errorf(backend.EUNAVAILABLE, "the idempotency key changed state while it was checked; retry")
	}
	existing, err := unmarshalIdemRecord(rec.Key, out.Item)
	if err != nil {
		return backend.IdempotencyRecord{}, false, err
	}
	return existing, existing.DocumentID == rec.DocumentID, nil
}

func unmarshalIdemRecord(key string, item map[string]types.AttributeValue) (backend.IdempotencyRecord, error) {
	str := func(name string) string {
		if v, ok := item[name].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}
	at, err := backend.ParseTime(str(attrUploadedAt))
	if err != nil {
		return backend.IdempotencyRecord{}, backend.WrapError(backend.EINTERNAL, "internal error", err)
	}
	rec := backend.IdempotencyRecord{
		Key: key, DocumentID: str(attrIdemDocumentID), UploadedAt: at,
		SHA256: str(attrSHA256), Filename: str(attrFilename),
	}
	if n, ok := item[attrExpiresAt].(*types.AttributeValueMemberN); ok {
		if sec, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
			rec.ExpiresAt = time.Unix(sec, 0).UTC()
		}
	}
	return rec, nil
}
