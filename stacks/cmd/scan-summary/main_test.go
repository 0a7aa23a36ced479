package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSummaryCountsBySeverity(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	report := `{"Results":[{"Target":"docmeta-dev/cdk.tf","Misconfigurations":[
	 {"ID":"AWS-0053","Severity":"HIGH","Title":"public lb","CauseMetadata":{"Resource":"aws_lb.alb"}},
	 {"ID":"AWS-0089","Severity":"LOW","Title":"logging","CauseMetadata":{"Resource":"aws_s3_bucket.b"}}]},
	 {"Target":"docmeta-dev-exports/cdk.tf"}]}`
	if err := os.WriteFile(path, []byte(report), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := run([]string{path}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "findings: 2 (CRITICAL 0, HIGH 1, MEDIUM 0, LOW 1)") ||
		!strings.Contains(out.String(), "HIGH     AWS-0053 docmeta-dev/cdk.tf aws_lb.alb (public lb)") {
		t.Errorf("summary:\n%s", out.String())
	}
	if err := run([]string{filepath.Join(t.TempDir(), "missing.json")}, &out); err == nil {
		t.Error("missing report accepted")
	}
}
