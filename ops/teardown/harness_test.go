package teardown

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/ops/teardown/fakeaws"
)

// Short names for the fakes' fixed identities.
const (
	testRegion = fakeaws.Region
	testTable  = fakeaws.Table
	testBucket = fakeaws.Bucket
)

var testTableARN = fakeaws.TableARN

// fakeAWS is a running pair of fakes and a Runner pointed at them.
type fakeAWS struct {
	db     *fakeaws.DynamoDB
	s3     *fakeaws.S3
	elb    *fakeaws.ELBv2
	runner *Runner
	out    *strings.Builder
	logs   *strings.Builder
	execs  [][]string
}

func startFakeAWS(t *testing.T) *fakeAWS {
	t.Helper()
	srv := fakeaws.Start(t)
	f := &fakeAWS{db: srv.DB, s3: srv.S3, elb: srv.ELB, out: &strings.Builder{}, logs: &strings.Builder{}}
	ep := Endpoints{DynamoDB: srv.DynamoDBURL, S3: srv.S3URL, ELBv2: srv.ELBv2URL}
	db, st := NewClients(fakeaws.ClientConfig(), testRegion, ep)
	f.runner = &Runner{
		DB: db, S3: st, ELB: NewELBv2Client(fakeaws.ClientConfig(), testRegion, ep), Out: f.out, Log: slog.New(slog.NewTextHandler(f.logs, nil)),
		Exec: func(_ context.Context, argv []string) error {
			f.execs = append(f.execs, argv)
			return nil
		},
		Now:      time.Now,
		NewToken: func() string { return "token-1" },
	}
	return f
}
