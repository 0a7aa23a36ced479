package teardown

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/ops/teardown/fakeaws"
)

func runDestroyConfig() Config {
	cfg := testConfig("docmeta-prod")
	cfg.RunDestroy = true
	return cfg.WithDefaults(time.Now())
}

func assertContainsAll(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, text)
		}
	}
}

func TestProdRunDestroyLiftsTableAndLoadBalancerProtectionThenDestroys(t *testing.T) {
	f := startFakeAWS(t)
	type state struct{ table, alb bool }
	var atExec []state
	f.runner.Exec = func(_ context.Context, argv []string) error {
		f.execs = append(f.execs, argv)
		atExec = append(atExec, state{f.db.Protection, f.elb.Enabled(fakeaws.ALBARN)})
		return nil
	}
	res, err := f.runner.Run(context.Background(), runDestroyConfig())
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, f.out)
	}
	if !res.ProtectionLifted || !res.ALBProtectionLifted || !res.Destroyed {
		t.Errorf("result = %+v", res)
	}
	if len(atExec) != 1 || atExec[0] != (state{false, false}) {
		t.Errorf("protections at destroy = %+v, want both off", atExec)
	}
	if strings.Join(f.elb.Modifications, ",") != "false" || f.elb.Called("DescribeLoadBalancerAttributes") != 1 {
		t.Errorf("load balancer calls %v, modifications %v", f.elb.Calls, f.elb.Modifications)
	}
	logs := f.logs.String()
	assertContainsAll(t, "log", logs, "load balancer deletion protection lifted", fakeaws.ALBARN, "table deletion protection lifted", res.ExportARN)
	assertContainsAll(t, "output", f.out.String(), "deletion protection lifted on load balancer "+fakeaws.ALBARN, "deletion protection lifted on table")
}

func TestDevRunDestroyLeavesAnUnprotectedLoadBalancerAlone(t *testing.T) {
	f := startFakeAWS(t)
	f.db.Protection = false
	f.elb.Protection[fakeaws.ALBARN] = false
	res, err := f.runner.Run(context.Background(), runDestroyConfig())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.ALBProtectionLifted || res.ProtectionLifted || !res.Destroyed || len(f.elb.Modifications) != 0 || f.db.Called("UpdateTable") != 0 {
		t.Errorf("result %+v, ALB changes %v, table updates %v", res, f.elb.Modifications, f.db.Updates)
	}
}

func TestRunDestroyWithoutTheLoadBalancerIsRefused(t *testing.T) {
	cfg := runDestroyConfig()
	cfg.ALBARN = ""
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "--alb-arn") || !strings.Contains(err.Error(), "alb_arn") {
		t.Fatalf("Validate = %v, want --alb-arn named", err)
	}
	cfg.ALBARN = "arn:aws:dynamodb:us-east-1:123456789012:table/x"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "not an Application Load Balancer ARN") {
		t.Fatalf("Validate = %v", err)
	}
}

func TestFailedDestroyRestoresBothProtections(t *testing.T) {
	f := startFakeAWS(t)
	assertContainsAll(t, "error", f.failDestroy(t, nil), "exit status 1",
		"table "+testTable+": exists with its data as it was; deletion protection restored (ON)",
		"load balancer "+fakeaws.ALBARN+": deletion protection restored (ON)",
		"what to do: fix the cause above and run `", "--run-destroy`")
	if !f.db.Protection || len(f.db.Updates) != 2 || f.db.Updates[1]["DeletionProtectionEnabled"] != true {
		t.Errorf("table protection %v; updates %v", f.db.Protection, f.db.Updates)
	}
	if !f.elb.Enabled(fakeaws.ALBARN) || strings.Join(f.elb.Modifications, ",") != "false,true" {
		t.Errorf("load balancer protection %v; modifications %v", f.elb.Enabled(fakeaws.ALBARN), f.elb.Modifications)
	}
}

func TestFailedDestroyAfterTheTableWasDeletedSaysSoAndDoesNotRecreate(t *testing.T) {
	f := startFakeAWS(t)
	msg := f.failDestroy(t, func() {
		// Terraform deleted the table (and the load balancer) before
		// failing on something else.
		f.db.TableMissing = true
		f.elb.Forget(fakeaws.ALBARN)
	})
	assertContainsAll(t, "error", msg,
		"table "+testTable+": DELETED by the destroy", "verified export s3://"+testBucket+"/", "PITR system backup",
		"load balancer "+fakeaws.ALBARN+": already destroyed",
		"the destroy got partway", "run `cdktf destroy docmeta-prod` again", "Restoring")
	if strings.Contains(msg, "restored (ON)") || strings.Contains(msg, "untouched") {
		t.Errorf("message claims a restored or untouched table:\n%s", msg)
	}
	if n := f.db.Called("UpdateTable"); n != 1 {
		t.Errorf("UpdateTable called %d times; after the table is gone only the lift should have happened", n)
	}
	if f.db.Called("DescribeTable") != 2 {
		t.Errorf("DescribeTable calls = %d, want the check after the failed destroy", f.db.Called("DescribeTable"))
	}
}
