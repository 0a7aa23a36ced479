package teardown

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/ops/teardown/fakeaws"
)

func testConfig(stack string) Config {
	return Config{
		Region: testRegion, Table: testTable, ExportBucket: testBucket, Stack: stack, ALBARN: fakeaws.ALBARN,
		PollInterval: time.Millisecond, WaitTimeout: time.Minute,
	}.WithDefaults(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC))
}

// assertUntouched checks the table saw no write: no UpdateTable at all.
func assertUntouched(t *testing.T, f *fakeAWS, err error) {
	t.Helper()
	if n := f.db.Called("UpdateTable"); n != 0 {
		t.Errorf("UpdateTable called %d times on a failed teardown", n)
	}
	if !f.db.Protection {
		t.Errorf("deletion protection is off after a failed teardown")
	}
	if len(f.execs) != 0 {
		t.Errorf("destroy ran: %v", f.execs)
	}
	if !f.elb.Enabled(fakeaws.ALBARN) {
		t.Errorf("load balancer deletion protection is off after a failed teardown (changes %v)", f.elb.Modifications)
	}
	if err != nil && !strings.Contains(err.Error(), "untouched") {
		t.Errorf("error does not say the table is untouched: %v", err)
	}
}

func TestTeardownVerifiesTheExportThenPrintsTheDestroyCommand(t *testing.T) {
	f := startFakeAWS(t)
	f.db.Protection = false // dev: no deletion protection
	cfg := testConfig("docmeta-dev")
	res, err := f.runner.Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run: %v\noutput:\n%s", err, f.out)
	}
	if res.ItemCount != 3 || res.DataFiles != 2 || res.ProtectionLifted || res.Destroyed {
		t.Errorf("result = %+v", res)
	}
	req := f.db.ExportRequests[0]
	if req["TableArn"] != testTableARN || req["S3Bucket"] != testBucket || req["S3Prefix"] != "teardown/"+testTable+"/20261127T080000Z" ||
		req["ExportFormat"] != "DYNAMODB_JSON" || req["ExportType"] != "FULL_EXPORT" || req["ClientToken"] != "token-1" {
		t.Errorf("export request = %v", req)
	}
	out := f.out.String()
	for _, want := range []string{"1/6", "2/6 point-in-time recovery: ENABLED", "3/6 export started", "IN_PROGRESS (poll 1", "4/6 export COMPLETED: 3 items",
		"5/6 manifest verified: 3 items in 2 data files", "safe to destroy now: cdktf destroy docmeta-dev"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if f.db.Called("UpdateTable") != 0 || len(f.execs) != 0 {
		t.Errorf("printed-only teardown changed something: updates %v execs %v", f.db.Updates, f.execs)
	}
}

func TestProtectedTableStaysProtectedWithoutAnExplicitFlag(t *testing.T) {
	f := startFakeAWS(t)
	res, err := f.runner.Run(context.Background(), testConfig("docmeta-prod"))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	assertUntouched(t, f, nil)
	out := f.out.String()
	if !strings.Contains(out, "deletion protection is still ON") || !strings.Contains(out, "--export-arn "+res.ExportARN+" --run-destroy") {
		t.Errorf("output does not say how to proceed:\n%s", out)
	}
}

func TestRunDestroyLiftsProtectionAsALoggedStepThenRunsCdktfDestroy(t *testing.T) {
	f := startFakeAWS(t)
	cfg := testConfig("docmeta-prod")
	cfg.RunDestroy = true
	cfg = cfg.WithDefaults(time.Now())
	var protectionAtExec []bool
	f.runner.Exec = func(_ context.Context, argv []string) error {
		f.execs = append(f.execs, argv)
		protectionAtExec = append(protectionAtExec, f.db.Protection)
		return nil
	}
	res, err := f.runner.Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, f.out)
	}
	if !res.ProtectionLifted || !res.Destroyed {
		t.Errorf("result = %+v", res)
	}
	if len(f.db.Updates) != 1 || f.db.Updates[0]["DeletionProtectionEnabled"] != false || f.db.Updates[0]["TableName"] != testTable {
		t.Errorf("UpdateTable calls = %v", f.db.Updates)
	}
	if len(f.execs) != 1 || strings.Join(f.execs[0], " ") != "cdktf destroy docmeta-prod" || protectionAtExec[0] {
		t.Errorf("execs = %v (protection at exec %v)", f.execs, protectionAtExec)
	}
	if !strings.Contains(f.logs.String(), "deletion protection lifted") || !strings.Contains(f.logs.String(), res.ExportARN) {
		t.Errorf("lifting was not logged with the export ARN:\n%s", f.logs)
	}
}

func TestPITROffFailsBeforeAnyExportAndNamesTheFix(t *testing.T) {
	f := startFakeAWS(t)
	f.db.PITR = "DISABLED"
	_, err := f.runner.Run(context.Background(), testConfig("docmeta-prod"))
	if err == nil || !strings.Contains(err.Error(), "update-continuous-backups") || !strings.Contains(err.Error(), "DISABLED") {
		t.Fatalf("err = %v", err)
	}
	if n := f.db.Called("ExportTableToPointInTime"); n != 0 {
		t.Errorf("export started with PITR off (%d calls)", n)
	}
	assertUntouched(t, f, err)
}

func TestExportFailureLeavesTheTableUntouched(t *testing.T) {
	f := startFakeAWS(t)
	f.db.FailExport = true
	cfg := testConfig("docmeta-prod")
	cfg.RunDestroy = true
	cfg = cfg.WithDefaults(time.Now())
	_, err := f.runner.Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "FAILED: S3NoSuchBucket") || !strings.Contains(err.Error(), "run teardown again") {
		t.Fatalf("err = %v", err)
	}
	assertUntouched(t, f, err)
}

func TestInterruptedWaitLeavesTheTableUntouchedAndResumes(t *testing.T) {
	f := startFakeAWS(t)
	f.db.PollsBeforeDone = 1000
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.db.OnDescribeExport = func(n int) {
		if n == 2 {
			cancel() // the operator presses Ctrl-C during the wait
		}
	}
	cfg := testConfig("docmeta-prod")
	cfg.RunDestroy = true
	cfg = cfg.WithDefaults(time.Now())
	res, err := f.runner.Run(ctx, cfg)
	var ie *InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want an InterruptedError caused by cancellation", err)
	}
	msg := err.Error()
	for _, want := range []string{"untouched", "describe-export --export-arn " + res.ExportARN, "--export-arn " + res.ExportARN, "IN_PROGRESS"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	assertUntouched(t, f, err)

	// The export finishes on AWS meanwhile; resuming waits on the same export.
	f.db.OnDescribeExport = nil
	f.db.PollsBeforeDone = 0
	resume := cfg
	resume.ExportARN = res.ExportARN
	res2, err := f.runner.Run(context.Background(), resume)
	if err != nil {
		t.Fatalf("resume: %v\n%s", err, f.out)
	}
	if n := f.db.Called("ExportTableToPointInTime"); n != 1 {
		t.Errorf("resume started a new export (%d exports)", n)
	}
	if res2.ExportARN != res.ExportARN || !res2.Destroyed || !res2.ProtectionLifted {
		t.Errorf("resume result = %+v", res2)
	}
}

func TestWaitIsBounded(t *testing.T) {
	f := startFakeAWS(t)
	f.db.PollsBeforeDone = 1 << 30
	cfg := testConfig("docmeta-prod")
	cfg.PollInterval, cfg.WaitTimeout = time.Millisecond, 20*time.Millisecond
	_, err := f.runner.Run(context.Background(), cfg)
	var ie *InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, errWaitBound) || !strings.Contains(err.Error(), "--wait-timeout") {
		t.Fatalf("err = %v, want the wait bound named", err)
	}
	assertUntouched(t, f, err)
}

func TestManifestMismatchStopsBeforeDestroy(t *testing.T) {
	cases := map[string]func(f *fakeAWS, e *fakeaws.Export){
		"summary item count differs from DescribeExport": func(f *fakeAWS, e *fakeaws.Export) {
			fakeaws.WriteExportFiles(f.s3, e, []int64{2, 1})
			f.db.ItemCount = 4
		},
		"data file missing": func(f *fakeAWS, e *fakeaws.Export) {
			fakeaws.WriteExportFiles(f.s3, e, []int64{2, 1})
			f.s3.Delete(e.Bucket, e.Dir()+"/data/file-1.json.gz")
		},
		"data file changed": func(f *fakeAWS, e *fakeaws.Export) {
			fakeaws.WriteExportFiles(f.s3, e, []int64{2, 1})
			f.s3.Put(e.Bucket, e.Dir()+"/data/file-0.json.gz", []byte("truncated"))
		},
		"files list fewer items than the summary": func(f *fakeAWS, e *fakeaws.Export) {
			fakeaws.WriteExportFiles(f.s3, e, []int64{2, 1})
			f.s3.Put(e.Bucket, e.Dir()+"/manifest-files.json", []byte(`{"itemCount":2,"etag":"","dataFileS3Key":"`+e.Dir()+`/data/file-0.json.gz"}`+"\n"))
		},
		"summary of another export": func(f *fakeAWS, e *fakeaws.Export) {
			other := *e
			other.ARN = testTableARN + "/export/01700000000000-deadbeef"
			fakeaws.WriteExportFiles(f.s3, &other, []int64{3})
			body := f.s3.Objects[other.Bucket+"/"+other.Dir()+"/manifest-summary.json"]
			f.s3.Put(e.Bucket, e.Dir()+"/manifest-summary.json", body)
		},
		"manifest missing": func(f *fakeAWS, e *fakeaws.Export) {},
	}
	for name, corrupt := range cases {
		t.Run(name, func(t *testing.T) {
			f := startFakeAWS(t)
			f.db.OnComplete = func(e *fakeaws.Export) { corrupt(f, e) }
			cfg := testConfig("docmeta-prod")
			cfg.RunDestroy = true
			cfg = cfg.WithDefaults(time.Now())
			_, err := f.runner.Run(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), "verify export") {
				t.Fatalf("err = %v, want a verification failure", err)
			}
			if name != "manifest missing" && !errors.Is(err, errManifest) {
				t.Errorf("err = %v, want errManifest", err)
			}
			if name == "manifest missing" && !strings.Contains(err.Error(), "no manifest-summary.json") {
				t.Errorf("err = %v, want the missing summary named", err)
			}
			assertUntouched(t, f, err)
		})
	}
}

func TestMissingTableNamesTheFlags(t *testing.T) {
	f := startFakeAWS(t)
	f.db.TableMissing = true
	_, err := f.runner.Run(context.Background(), testConfig("docmeta-prod"))
	if err == nil || !strings.Contains(err.Error(), "ResourceNotFoundException") || !strings.Contains(err.Error(), "--table/--region") {
		t.Fatalf("err = %v", err)
	}
	assertUntouched(t, f, err)
}

func TestResumingAnotherTablesExportIsRefused(t *testing.T) {
	f := startFakeAWS(t)
	other := &fakeaws.Export{ARN: "arn:aws:dynamodb:us-east-1:123456789012:table/other/export/01700000000000-abcdef01",
		Bucket: testBucket, Prefix: "x", TableARN: "arn:aws:dynamodb:us-east-1:123456789012:table/other", Status: "COMPLETED"}
	f.db.Exports[other.ARN] = other
	cfg := testConfig("docmeta-prod")
	cfg.ExportARN = other.ARN
	_, err := f.runner.Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "not "+testTableARN) {
		t.Fatalf("err = %v", err)
	}
	assertUntouched(t, f, err)
}

func TestConfigValidateNamesEveryFlag(t *testing.T) {
	err := Config{ExportARN: "nope", PollInterval: time.Second, WaitTimeout: time.Millisecond}.Validate()
	if err == nil {
		t.Fatal("empty config validated")
	}
	for _, want := range []string{"--region", "--table", "--export-bucket", "--stack", "--export-arn", "--wait-timeout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("validation error lacks %s:\n%v", want, err)
		}
	}
	if err := testConfig("docmeta-dev").Validate(); err != nil {
		t.Errorf("valid config rejected: %v", err)
	}
}

func TestManifestKeyRelativeToThePrefixIsFound(t *testing.T) {
	f := startFakeAWS(t)
	f.db.Protection = false
	f.db.ManifestRelative = true
	res, err := f.runner.Run(context.Background(), testConfig("docmeta-dev"))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.HasPrefix(res.Manifest, "teardown/") || res.ItemCount != 3 {
		t.Errorf("result = %+v", res)
	}
}
