package teardown

import (
	"context"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/ops/teardown/fakeaws"
)

// Each failure before the protection step must leave the table (and the
// load balancer) untouched, say so, and name the remedy.
func TestFailuresBeforeAnyChangeSayUntouchedAndNameTheRemedy(t *testing.T) {
	otherBucket := "docmeta-prod-exports-old"
	cases := []struct {
		name  string
		setup func(f *fakeAWS, cfg *Config)
		wants []string
	}{
		{"export call denied", func(f *fakeAWS, _ *Config) {
			f.db.Errors = map[string]string{"ExportTableToPointInTime": "AccessDeniedException"}
		}, []string{"start export of " + testTable, "AccessDeniedException", "permission denied", "dynamodb:ExportTableToPointInTime and s3:PutObject", "deploy the exports stack"}},
		{"DescribeExport API error", func(f *fakeAWS, _ *Config) {
			f.db.Errors = map[string]string{"DescribeExport": "AccessDeniedException"}
		}, []string{"describe export", "permission denied: the credentials need dynamodb:DescribeExport", "aws dynamodb describe-export --export-arn", "resume with `docmeta-ops teardown", "--export-arn"}},
		{"table not ACTIVE", func(f *fakeAWS, _ *Config) {
			f.db.TableStatus = "UPDATING"
		}, []string{"is UPDATING, not ACTIVE", "wait until it is ACTIVE and run teardown again"}},
		{"bucket mismatch on resume", func(f *fakeAWS, cfg *Config) {
			e := &fakeaws.Export{ARN: testTableARN + "/export/01700000000000-0000beef", Bucket: otherBucket, Prefix: "teardown/old", TableARN: testTableARN, Status: "COMPLETED"}
			f.db.Exports[e.ARN] = e
			cfg.ExportARN = e.ARN
		}, []string{"was written to bucket " + otherBucket + ", not " + testBucket, "pass --export-bucket " + otherBucket, "omit --export-arn to export again"}},
		{"load balancer protection cannot be lifted", func(f *fakeAWS, _ *Config) {
			f.elb.Errors = map[string]string{"ModifyLoadBalancerAttributes": "AccessDenied"}
		}, []string{"lift deletion protection of load balancer " + fakeaws.ALBARN, "permission denied: grant elasticloadbalancing:ModifyLoadBalancerAttributes", "--run-destroy`"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := startFakeAWS(t)
			cfg := runDestroyConfig()
			c.setup(f, &cfg)
			_, err := f.runner.Run(context.Background(), cfg)
			if err == nil {
				t.Fatalf("Run succeeded; output:\n%s", f.out)
			}
			assertContainsAll(t, "error", err.Error(), append(c.wants, "the table is untouched")...)
			assertUntouched(t, f, err)
		})
	}
}

func TestTableProtectionLiftFailureRestoresTheLoadBalancerAndSaysUntouched(t *testing.T) {
	f := startFakeAWS(t)
	f.db.FailLift = true
	_, err := f.runner.Run(context.Background(), runDestroyConfig())
	if err == nil {
		t.Fatal("Run succeeded with UpdateTable denied")
	}
	assertContainsAll(t, "error", err.Error(), "lift deletion protection of "+testTable, "AccessDeniedException",
		"load balancer "+fakeaws.ALBARN+": deletion protection restored (ON)",
		"the table is untouched: deletion protection is still ON", "grant dynamodb:UpdateTable", "--run-destroy`")
	if !f.db.Protection || !f.elb.Enabled(fakeaws.ALBARN) || len(f.execs) != 0 {
		t.Errorf("table protection %v, load balancer %v (changes %v), execs %v", f.db.Protection, f.elb.Enabled(fakeaws.ALBARN), f.elb.Modifications, f.execs)
	}
	if strings.Join(f.elb.Modifications, ",") != "false,true" {
		t.Errorf("load balancer changes %v, want lifted then restored", f.elb.Modifications)
	}
}

func TestRestoreFailuresAfterAFailedDestroyNameTheCommandsToRun(t *testing.T) {
	t.Run("table", func(t *testing.T) {
		f := startFakeAWS(t)
		f.db.FailRestore = true
		msg := f.failDestroy(t, nil)
		assertContainsAll(t, "error", msg, "table "+testTable+": exists with its data, but deletion protection is still OFF",
			"aws dynamodb update-table --region us-east-1 --table-name "+testTable+" --deletion-protection-enabled",
			"first make sure the table's deletion protection is ON",
			"load balancer "+fakeaws.ALBARN+": deletion protection restored (ON)")
		if strings.Contains(msg, "untouched") {
			t.Errorf("message claims an untouched table while its protection is off:\n%s", msg)
		}
		if f.db.Protection || !strings.Contains(f.logs.String(), "could not restore table deletion protection") {
			t.Errorf("protection %v; logs:\n%s", f.db.Protection, f.logs)
		}
	})
	t.Run("load balancer", func(t *testing.T) {
		f := startFakeAWS(t)
		f.elb.FailRestore = true
		assertContainsAll(t, "error", f.failDestroy(t, nil), "table "+testTable+": exists with its data as it was; deletion protection restored (ON)",
			"load balancer "+fakeaws.ALBARN+": deletion protection still OFF",
			"aws elbv2 modify-load-balancer-attributes --region us-east-1 --load-balancer-arn "+fakeaws.ALBARN+" --attributes Key=deletion_protection.enabled,Value=true")
		if f.elb.Enabled(fakeaws.ALBARN) || !f.db.Protection {
			t.Errorf("load balancer protection %v, table %v", f.elb.Enabled(fakeaws.ALBARN), f.db.Protection)
		}
	})
}
