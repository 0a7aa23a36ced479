package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/internal/testenv"
)

// TestRunWritesTheJSONStacks is what `go run .` does (JSON mode, no cdktf
// CLI), for the dev profile only so it synthesizes once: it must write
// cdktf.out/stacks/docmeta-dev-us-east-1/cdk.tf.json, the file `cdktf deploy` and the
// docs point at.
func TestRunWritesTheJSONStacks(t *testing.T) {
	// cdktf.json's context is read by `go run .` too (not only by the cdktf
	// CLI), so make synth deploys what make cost prices.
	// Both runs share one scratch directory: the jsii runtime (Node) keeps
	// the working directory it started in.
	scratchProject(t, map[string]any{"DOCMETA_DEV_AZ_COUNT": 3})
	refusesNonStringContext(t)
	writeCdktfContext(t, map[string]any{"DOCMETA_DEV_INSTANCE_TYPE": "t4g.small"})
	env := map[string]string{"DOCMETA_PROFILES": "dev"}
	var stdout, stderr bytes.Buffer
	if err := run(testenv.Getenv(env), &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "synthesized docmeta-dev-us-east-1 and docmeta-dev-us-east-1-exports") {
		t.Errorf("stdout = %q", stdout.String())
	}
	// dev serves HTTPS through CloudFront: no plain-HTTP warning.
	if strings.Contains(stderr.String(), "plain HTTP") {
		t.Errorf("stderr warns of plain HTTP for dev behind CloudFront: %q", stderr.String())
	}
	for stack, resource := range map[string]string{"docmeta-dev-us-east-1": "aws_cloudfront_distribution", "docmeta-dev-us-east-1-exports": "aws_s3_bucket"} {
		path := filepath.Join("cdktf.out", "stacks", stack, "cdk.tf.json")
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("go run . did not write %s: %v", path, err)
		}
		var doc struct {
			Resource map[string]any `json:"resource"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s is not JSON: %v", path, err)
		}
		if doc.Resource[resource] == nil {
			t.Errorf("%s has no %s", path, resource)
		}
	}
	if lt := launchTemplateType(t); lt != "t4g.small" {
		t.Errorf("launch template instance type = %q, want t4g.small from cdktf.json's context", lt)
	}
	if _, err := os.Stat(filepath.Join("cdktf.out", "stacks", "docmeta-prod-us-east-1")); !os.IsNotExist(err) {
		t.Errorf("prod was synthesized although DOCMETA_PROFILES=dev: %v", err)
	}
}

// scratchProject runs the test in a scratch copy of the project: the
// repository's cdktf.json with extra context entries, and a stand-in server
// binary where `make synth` puts the arm64 one.
func scratchProject(t *testing.T, context map[string]any) {
	t.Helper()
	// The jsii runtime (Node) starts at the first cdktf call and inherits
	// the working directory and environment: run it in a scratch checkout
	// with none of the variables that redirect or change the output.
	// cdktf.json marks the project root that relative asset paths (the
	// server binary) resolve against.
	raw, err := os.ReadFile("cdktf.json")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if err := os.WriteFile("cdktf.json", raw, 0o644); err != nil {
		t.Fatal(err)
	}
	writeCdktfContext(t, context)
	for _, k := range []string{"CDKTF_OUTDIR", "SYNTH_HCL_OUTPUT", "CDKTF_CONTEXT_JSON"} {
		if v, ok := os.LookupEnv(k); ok {
			os.Unsetenv(k)
			t.Cleanup(func() { os.Setenv(k, v) })
		}
	}
	// A stand-in server binary where `make synth` puts the arm64 one.
	bin := filepath.Join("bin", "linux-arm64", "docmeta-server")
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("docmeta-server stand-in"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// launchTemplateType reads the dev stack's launch template instance type.
func launchTemplateType(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("cdktf.out", "stacks", "docmeta-dev-us-east-1", "cdk.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Resource struct {
			LaunchTemplates map[string]struct {
				InstanceType string `json:"instance_type"`
			} `json:"aws_launch_template"`
		} `json:"resource"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, lt := range doc.Resource.LaunchTemplates {
		return lt.InstanceType
	}
	return ""
}

// writeCdktfContext replaces the context of ./cdktf.json.
func writeCdktfContext(t *testing.T, context map[string]any) {
	t.Helper()
	raw, err := os.ReadFile("cdktf.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["context"] = context
	if raw, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("cdktf.json", raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// refusesNonStringContext: a number in cdktf.json's context would otherwise
// be dropped for the default; the app names it and synthesizes nothing.
func refusesNonStringContext(t *testing.T) {
	t.Helper()
	env := map[string]string{"DOCMETA_PROFILES": "dev"}
	var stdout, stderr bytes.Buffer
	err := run(testenv.Getenv(env), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), `"DOCMETA_DEV_AZ_COUNT" is a number`) || !strings.Contains(err.Error(), `write it as "3"`) {
		t.Fatalf("run with a numeric context value: err = %v", err)
	}
	if _, err := os.Stat(filepath.Join("cdktf.out", "stacks", "docmeta-dev-us-east-1", "cdk.tf.json")); !os.IsNotExist(err) {
		t.Errorf("stacks were synthesized despite the bad context value: %v", err)
	}
}
