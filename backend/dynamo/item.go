package dynamo

import (
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/docmeta/docmeta/backend"
)

// dayKeyPrefix starts every day key.
const dayKeyPrefix = "DOCS#"

// dayKey is the day of a document uploaded at uploadedAt (a
// backend.TimeLayout string, whose first ten bytes are the UTC date):
// "DOCS#yyyy-mm-dd", the register's sort key and, unsharded, the by-day
// partition key (see partitionKey).
func dayKey(uploadedAt string) string { return dayKeyPrefix + uploadedAt[:10] }

// sortKey is the by-day sort key: "<uploaded_at>#<id>".
func sortKey(uploadedAt, id string) string { return uploadedAt + "#" + id }

// marshalDoc is the table item of d, in its day's partition for a writer
// using shards listing shards.
func marshalDoc(d backend.Document, shards int) map[string]types.AttributeValue {
	at := d.UploadedAtString()
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	return map[string]types.AttributeValue{
		attrID:                  s(d.ID),
		attrFilename:            s(d.Filename),
		attrSizeBytes:           &types.AttributeValueMemberN{Value: strconv.FormatInt(d.SizeBytes, 10)},
		attrUploadedAt:          s(at),
		attrSHA256:              s(d.SHA256),
		attrContentType:         s(d.ContentType),
		attrDeclaredContentType: s(d.DeclaredContentType),
		attrDay:                 s(partitionKey(dayKey(at), d.ID, shards)),
		attrSortKey:             s(sortKey(at, d.ID)),
	}
}

func unmarshalDoc(item map[string]types.AttributeValue) (backend.Document, error) {
	str := func(name string) string {
		if v, ok := item[name].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}
	id := str(attrID)
	n, ok := item[attrSizeBytes].(*types.AttributeValueMemberN)
	if !ok {
		return backend.Document{}, fmt.Errorf("dynamodb store: item %s has no numeric %s", id, attrSizeBytes)
	}
	size, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return backend.Document{}, fmt.Errorf("dynamodb store: item %s: %s %q: %w", id, attrSizeBytes, n.Value, err)
	}
	at, err := backend.ParseTime(str(attrUploadedAt))
	if err != nil {
		return backend.Document{}, fmt.Errorf("dynamodb store: item %s: %w", id, err)
	}
	return backend.Document{
		ID:                  id,
		Filename:            str(attrFilename),
		SizeBytes:           size,
		UploadedAt:          at,
		SHA256:              str(attrSHA256),
		ContentType:         str(attrContentType),
		DeclaredContentType: str(attrDeclaredContentType),
	}, nil
}
