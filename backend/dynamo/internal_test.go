package dynamo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/backend/storetest"
)

func TestCursorRoundTripAndDamage(t *testing.T) {
	at := time.Date(2026, 11, 27, 23, 59, 59, 999999000, time.UTC)
	doc := backend.Document{ID: "01a21bdb-d541-7346-abce-c63282229269", UploadedAt: at}
	c := encodeCursor(doc)
	p, err := decodeCursor(c)
	if err != nil {
		t.Fatalf("decodeCursor(encodeCursor(..)): %v", err)
	}
	if p.day() != "DOCS#2026-11-27" || p.sortKey() != "2026-11-27T23:59:59.999999Z#"+doc.ID {
		t.Fatalf("cursor position day %q sort key %q", p.day(), p.sortKey())
	}
	storetest.RequireDamagedCursorsRefused(t, c, func(s string) error { _, err := decodeCursor(s); return err })
	// Well-formed JSON whose time is not in the storage layout.
	bad := position{UploadedAt: "2026-11-27T23:59:59Z", ID: doc.ID}.encode()
	if _, err := decodeCursor(bad); backend.ErrorCode(err) != backend.EINVALID {
		t.Fatalf("cursor with a non-canonical time accepted (err %v)", err)
	}
}

func TestDayKeyIsTheUTCDay(t *testing.T) {
	// 01:30 in UTC+5 is the previous day in UTC.
	at := time.Date(2026, 11, 28, 1, 30, 0, 0, time.FixedZone("UTC+5", 5*3600))
	item := marshalDoc(backend.Document{ID: "x", UploadedAt: at}, 1)
	if got := item[attrDay].(*types.AttributeValueMemberS).Value; got != "DOCS#2026-11-27" {
		t.Fatalf("day = %q, want DOCS#2026-11-27", got)
	}
	if got := item[attrSortKey].(*types.AttributeValueMemberS).Value; got != "2026-11-27T20:30:00.000000Z#x" {
		t.Fatalf("uploaded_at_id = %q", got)
	}
}

func TestClassify(t *testing.T) {
	apiErr := func(code string, fault smithy.ErrorFault) error {
		return &smithy.GenericAPIError{Code: code, Message: "m", Fault: fault}
	}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&types.ProvisionedThroughputExceededException{}, backend.EUNAVAILABLE},
		{apiErr("ThrottlingException", smithy.FaultClient), backend.EUNAVAILABLE},
		{apiErr("SomethingNew", smithy.FaultServer), backend.EUNAVAILABLE},
		{&types.InternalServerError{}, backend.EUNAVAILABLE},
		{&types.ResourceNotFoundException{}, backend.EUNAVAILABLE},
		{refused, backend.EUNAVAILABLE},
		{&retry.MaxAttemptsError{Attempt: 3, Err: refused}, backend.EUNAVAILABLE},
		{fmt.Errorf("op: %w", context.DeadlineExceeded), backend.EUNAVAILABLE},
		{apiErr("ValidationException", smithy.FaultClient), backend.EINTERNAL},
	} {
		err := classify("op", tc.err)
		if got := backend.ErrorCode(err); got != tc.want {
			t.Errorf("classify(%T %v) = %q, want %q", tc.err, tc.err, got, tc.want)
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("classify(%v) lost the cause", tc.err)
		}
	}
}

// TestDayEndCursor: the cursor of a listing that stopped after a whole day
// resumes with the days before it, and only its exact form is accepted.
func TestDayEndCursor(t *testing.T) {
	c := position{Before: "2026-11-27"}.encode()
	p, err := decodeCursor(c)
	if err != nil || p.Before != "2026-11-27" || p.day() != "DOCS#2026-11-27" {
		t.Fatalf("decodeCursor(day end) = %+v, %v", p, err)
	}
	for _, bad := range []position{
		{Before: "2026-11-31"},
		{Before: "2026-1-27"},
		{Before: "2026-11-27", ID: "01a21bdb-d541-7346-abce-c63282229269"},
		{Before: "2026-11-27", UploadedAt: "2026-11-27T23:59:59.999999Z"},
		{UploadedAt: "2026-11-27T23:59:59.999999Z"},
	} {
		if _, err := decodeCursor(bad.encode()); backend.ErrorCode(err) != backend.EINVALID {
			t.Errorf("cursor %+v accepted (err %v)", bad, err)
		}
	}
}

func TestPerPartLimit(t *testing.T) {
	for _, c := range []struct{ remaining, n, want int }{
		// mean + 3 standard deviations of the binomial share, + 2
		{51, 1, 51}, {51, 8, 16}, {2, 8, 2}, {1001, 8, 159}, {1001, 3, 381}, {5, 2, 5},
	} {
		if got := perPartLimit(c.remaining, c.n); int(got) != c.want {
			t.Errorf("perPartLimit(%d, %d) = %d, want %d", c.remaining, c.n, got, c.want)
		}
	}
}
