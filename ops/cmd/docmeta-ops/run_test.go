package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/ops/cost"
	"github.com/docmeta/docmeta/ops/cost/pricelisttest"
	"github.com/docmeta/docmeta/ops/teardown/fakeaws"

	"github.com/docmeta/docmeta/internal/testenv"
)

var testCreds = map[string]string{"AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret"}

func runCmd(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, testenv.Getenv(env), &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

var comparisonRe = regexp.MustCompile(`^dev vs seed: \$([0-9]+\.[0-9]{2}) vs \$([0-9]+\.[0-9]{2}) per month \(([0-9]+)% less\)$`)

func TestCostTextEndsWithTheComparisonOfTheJSONTotals(t *testing.T) {
	text, _, err := runCmd(t, nil, "cost")
	if err != nil {
		t.Fatalf("cost: %v", err)
	}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	m := comparisonRe.FindStringSubmatch(lines[len(lines)-1])
	if m == nil {
		t.Fatalf("last line %q does not match %s", lines[len(lines)-1], comparisonRe)
	}
	js, _, err := runCmd(t, nil, "cost", "--json")
	if err != nil {
		t.Fatalf("cost --json: %v", err)
	}
	var r cost.Report
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatalf("cost --json is not a report: %v", err)
	}
	if got := fmt.Sprintf("%.2f", r.Comparison.ProfileIdleUSD); got != m[1] {
		t.Errorf("text dev total %s, JSON %s", m[1], got)
	}
	if got := fmt.Sprintf("%.2f", r.Comparison.BaselineIdleUSD); got != m[2] {
		t.Errorf("text seed total %s, JSON %s", m[2], got)
	}
	for _, e := range r.Estimates {
		if !strings.Contains(text, fmt.Sprintf("TOTAL %s", e.Profile)) {
			t.Errorf("text lacks the %s total", e.Profile)
		}
	}
}

func TestCostWorkloadFlagsChangeTheWorkloadColumnOnly(t *testing.T) {
	js, _, err := runCmd(t, nil, "cost", "--json", "--nat-gb", "100", "--uploads", "0", "--reads", "0", "--exports", "0", "--endpoint-gb", "0")
	if err != nil {
		t.Fatal(err)
	}
	var r cost.Report
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	seed := r.Estimates[0]
	nat, _ := seed.Item(cost.ItemNATData)
	if seed.Profile != "seed" || fmt.Sprintf("%.2f", nat.WorkloadUSD) != "4.50" || nat.IdleUSD != 0 {
		t.Errorf("seed NAT data at 100 GB: %+v", nat)
	}
	// With no requests, the only workload extra over idle is NAT traffic.
	if d := seed.WorkloadTotalUSD - seed.IdleTotalUSD; fmt.Sprintf("%.2f", d) != "4.50" {
		t.Errorf("seed workload - idle = %.4f, want the NAT traffic only", d)
	}
}

func TestCostInARegionWithoutATableNamesLivePrices(t *testing.T) {
	_, _, err := runCmd(t, map[string]string{"DOCMETA_REGION": "eu-west-1"}, "cost")
	if err == nil || !strings.Contains(err.Error(), "--live-prices") {
		t.Fatalf("err = %v", err)
	}
}

func TestCostLivePricesFromThePriceListAPI(t *testing.T) {
	srv := httptest.NewServer(pricelisttest.RecordedUSEast1())
	defer srv.Close()
	live, _, err := runCmd(t, testCreds, "cost", "--live-prices", "--pricing-endpoint", srv.URL, "--json")
	if err != nil {
		t.Fatalf("cost --live-prices: %v", err)
	}
	var r cost.Report
	if err := json.Unmarshal([]byte(live), &r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Prices.Provenance, "Price List API") || r.Prices.Prices[0].Published != "2026-11-01" || !cost.ValidDate(r.Prices.Prices[0].Date) {
		t.Errorf("live table provenance %q, first price %+v", r.Prices.Provenance, r.Prices.Prices[0])
	}
	for _, p := range r.Prices.Prices {
		if p.Key != cost.PriceGatewayEndpointMonth && !strings.Contains(p.Source, "Price List API") {
			t.Errorf("price %s not from the API: %s", p.Key, p.Source)
		}
	}
	// The recorded products carry the shipped prices, so the totals agree.
	shippedJS, _, err := runCmd(t, nil, "cost", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var s cost.Report
	_ = json.Unmarshal([]byte(shippedJS), &s)
	if r.Comparison.String() != s.Comparison.String() {
		t.Errorf("live %q vs shipped %q", r.Comparison, s.Comparison)
	}
}

func TestCostRejectsBadFlags(t *testing.T) {
	if _, _, err := runCmd(t, nil, "cost", "--nat-gb", "-3"); err == nil {
		t.Error("negative NAT GB accepted")
	}
	if _, _, err := runCmd(t, nil, "cost", "extra"); err == nil {
		t.Error("stray argument accepted")
	}
	if _, _, err := runCmd(t, nil, "bogus"); err == nil || !strings.Contains(err.Error(), "cost, teardown or smoke") {
		t.Errorf("unknown subcommand: %v", err)
	}
}

func writeOutputs(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "outputs.json")
	doc := fmt.Sprintf(`{"docmeta-prod": {"table_name": %q, "region": %q, "asg_name": "docmeta-prod-asg", "alb_arn": %q, "alb_arn_suffix": "app/docmeta-prod-alb/50dc6c495c0c9188"},
 "docmeta-prod-exports": {"export_bucket": %q}}`, fakeaws.Table, fakeaws.Region, fakeaws.ALBARN, fakeaws.Bucket)
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTeardownFromTheOutputsFileAgainstFakes(t *testing.T) {
	srv := fakeaws.Start(t)
	out, logs, err := runCmd(t, testCreds, "teardown", "--stack", "docmeta-prod", "--outputs-file", writeOutputs(t),
		"--dynamodb-endpoint", srv.DynamoDBURL, "--s3-endpoint", srv.S3URL, "--elbv2-endpoint", srv.ELBv2URL, "--poll-interval", "1ms")
	if err != nil {
		t.Fatalf("teardown: %v\n%s\n%s", err, out, logs)
	}
	for _, want := range []string{"5/6 manifest verified: 3 items in 2 data files", "deletion protection is still ON", "--run-destroy"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if srv.DB.Called("UpdateTable") != 0 || !srv.DB.Protection {
		t.Errorf("teardown without --run-destroy changed the table")
	}
	if !strings.Contains(logs, "export started") {
		t.Errorf("export start not logged:\n%s", logs)
	}
}

func TestTeardownFlagsOverrideOutputsAndErrorsNameTheFix(t *testing.T) {
	_, _, err := runCmd(t, nil, "teardown", "--stack", "docmeta-prod", "--outputs-file", filepath.Join(t.TempDir(), "missing.json"))
	if err == nil || !strings.Contains(err.Error(), "--outputs-file") {
		t.Errorf("missing outputs file: %v", err)
	}
	f, _, err := parseTeardownFlags([]string{"--stack", "docmeta-prod", "--outputs-file", writeOutputs(t), "--table", "other-table"}, testenv.Getenv(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if f.cfg.Table != "other-table" || f.cfg.ExportBucket != fakeaws.Bucket || f.cfg.Region != fakeaws.Region || f.cfg.ALBARN != fakeaws.ALBARN {
		t.Errorf("config = %+v", f.cfg)
	}
	f, _, err = parseTeardownFlags([]string{"--stack", "docmeta-dev", "--region", "us-east-1", "--table", "docmeta-dev-documents", "--export-bucket", "b-exports", "--run-destroy"},
		testenv.Getenv(nil), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "--alb-arn") {
		t.Errorf("--run-destroy without the load balancer: err = %v", err)
	}
	f, _, err = parseTeardownFlags([]string{"--stack", "docmeta-dev", "--region", "us-east-1", "--table", "docmeta-dev-documents", "--export-bucket", "b-exports", "--run-destroy",
		"--alb-arn", fakeaws.ALBARN},
		testenv.Getenv(map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:1"}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if !f.cfg.LiftDeletionProtection || strings.Join(f.cfg.DestroyCommand, " ") != "cdktf destroy docmeta-dev" || f.endpoints.DynamoDB != "http://127.0.0.1:1" {
		t.Errorf("run-destroy config = %+v endpoints %+v", f.cfg, f.endpoints)
	}
}

// fakeCdktf puts a `cdktf` on PATH that records its arguments and exits
// with the given code.
func fakeCdktf(t *testing.T, exitCode int) (argsFile string) {
	dir := t.TempDir()
	argsFile = filepath.Join(dir, "args")
	script := fmt.Sprintf("#!/bin/sh\necho \"$@\" > %q\nexit %d\n", argsFile, exitCode)
	if err := os.WriteFile(filepath.Join(dir, "cdktf"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return argsFile
}

func TestTeardownRunDestroyExecsCdktfAfterLiftingProtection(t *testing.T) {
	srv := fakeaws.Start(t)
	argsFile := fakeCdktf(t, 0)
	out, logs, err := runCmd(t, testCreds, "teardown", "--stack", "docmeta-prod", "--outputs-file", writeOutputs(t),
		"--dynamodb-endpoint", srv.DynamoDBURL, "--s3-endpoint", srv.S3URL, "--elbv2-endpoint", srv.ELBv2URL, "--poll-interval", "1ms", "--run-destroy")
	if err != nil {
		t.Fatalf("teardown --run-destroy: %v\n%s\n%s", err, out, logs)
	}
	args, err := os.ReadFile(argsFile)
	if err != nil || strings.TrimSpace(string(args)) != "destroy docmeta-prod" {
		t.Errorf("cdktf ran with %q (%v), want \"destroy docmeta-prod\"", args, err)
	}
	if srv.DB.Protection || srv.DB.Called("UpdateTable") != 1 {
		t.Errorf("protection %v after %d UpdateTable calls", srv.DB.Protection, srv.DB.Called("UpdateTable"))
	}
	if srv.ELB.Enabled(fakeaws.ALBARN) || strings.Join(srv.ELB.Modifications, ",") != "false" {
		t.Errorf("load balancer protection %v after changes %v; want lifted from alb_arn of the outputs file", srv.ELB.Enabled(fakeaws.ALBARN), srv.ELB.Modifications)
	}
}

func TestTeardownFailedCdktfDestroyRestoresProtection(t *testing.T) {
	srv := fakeaws.Start(t)
	fakeCdktf(t, 1)
	_, _, err := runCmd(t, testCreds, "teardown", "--stack", "docmeta-prod", "--outputs-file", writeOutputs(t),
		"--dynamodb-endpoint", srv.DynamoDBURL, "--s3-endpoint", srv.S3URL, "--elbv2-endpoint", srv.ELBv2URL, "--poll-interval", "1ms", "--run-destroy")
	if err == nil || !strings.Contains(err.Error(), "exit status 1") || !strings.Contains(err.Error(), "restored") {
		t.Fatalf("err = %v", err)
	}
	if !srv.DB.Protection || !srv.ELB.Enabled(fakeaws.ALBARN) {
		t.Errorf("deletion protection left off after a failed destroy (table %v, load balancer %v)", srv.DB.Protection, srv.ELB.Enabled(fakeaws.ALBARN))
	}
}

func writeCdktfJSON(t *testing.T, context string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cdktf.json")
	if err := os.WriteFile(path, []byte(`{"language":"go","app":"go run main.go","context":`+context+`}`), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func devInstancePrice(t *testing.T, env map[string]string, args ...string) []string {
	t.Helper()
	js, _, err := runCmd(t, env, append([]string{"cost", "--json"}, args...)...)
	if err != nil {
		t.Fatalf("cost: %v", err)
	}
	var r cost.Report
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	for _, e := range r.Estimates {
		if e.Profile == "dev" {
			it, _ := e.Item(cost.ItemInstances)
			return it.PriceKeys
		}
	}
	t.Fatal("no dev estimate")
	return nil
}

func TestCostReadsCdktfJSONContextAfterTheEnvironment(t *testing.T) {
	file := writeCdktfJSON(t, `{"DOCMETA_DEV_INSTANCE_TYPE": "t4g.small"}`)
	if got := devInstancePrice(t, nil, "--cdktf-json", file); !slices.Contains(got, cost.InstanceHourKey("t4g.small")) {
		t.Errorf("dev instances priced as %v, want t4g.small from cdktf.json context", got)
	}
	env := map[string]string{"DOCMETA_DEV_INSTANCE_TYPE": "t4g.micro"}
	if got := devInstancePrice(t, env, "--cdktf-json", file); !slices.Contains(got, cost.InstanceHourKey("t4g.micro")) {
		t.Errorf("dev instances priced as %v, want the environment's t4g.micro over the context", got)
	}
	// The repository's own cdktf.json is read the same way.
	if _, _, err := runCmd(t, nil, "cost", "--cdktf-json", filepath.Join("..", "..", "..", "cdktf.json")); err != nil {
		t.Errorf("cost with the repository's cdktf.json: %v", err)
	}
}

func TestCostRejectsNonStringContextAndMissingFiles(t *testing.T) {
	_, _, err := runCmd(t, nil, "cost", "--cdktf-json", writeCdktfJSON(t, `{"DOCMETA_DEV_ASG_DESIRED": 2}`))
	if err == nil || !strings.Contains(err.Error(), `"DOCMETA_DEV_ASG_DESIRED" is a number`) || !strings.Contains(err.Error(), `write it as "2"`) {
		t.Errorf("number in context: err = %v", err)
	}
	_, _, err = runCmd(t, nil, "cost", "--cdktf-json", filepath.Join(t.TempDir(), "none.json"))
	if err == nil || !strings.Contains(err.Error(), "--cdktf-json") {
		t.Errorf("missing explicit cdktf.json: err = %v", err)
	}
	// Without the flag a missing cdktf.json (not run from the root) is said
	// on stderr and the environment alone is used.
	_, stderr, err := runCmd(t, nil, "cost")
	if err != nil || !strings.Contains(stderr, "environment only") {
		t.Errorf("no cdktf.json in the working directory: err %v, stderr %q", err, stderr)
	}
}
