package teardown

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/internal/testenv"
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
	cfg := testenv.FakeAWSConfig("") // each service has its own fake, in ep
	db, st := NewClients(cfg, testRegion, ep)
	f.runner = &Runner{
		DB: db, S3: st, ELB: NewELBv2Client(cfg, testRegion, ep), Out: f.out, Log: slog.New(slog.NewTextHandler(f.logs, nil)),
		Exec: func(_ context.Context, argv []string) error {
			f.execs = append(f.execs, argv)
			return nil
		},
		Now:      time.Now,
		NewToken: func() string { return "token-1" },
	}
	return f
}

// failDestroy makes the destroy command fail with "exit status 1", after
// partly (when not nil) has done what the destroy got done, runs the
// teardown and returns its error message: a failed destroy must never be
// reported as success.
func (f *fakeAWS) failDestroy(t *testing.T, partly func()) string {
	t.Helper()
	f.runner.Exec = func(context.Context, []string) error {
		if partly != nil {
			partly()
		}
		return errors.New("exit status 1")
	}
	_, err := f.runner.Run(context.Background(), runDestroyConfig())
	if err == nil {
		t.Fatal("failed destroy reported success")
	}
	return err.Error()
}
