package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunWritesTheJSONStacks is what `go run .` does (JSON mode, no cdktf
// CLI), for the dev profile only so it synthesizes once: it must write
// cdktf.out/stacks/docmeta-dev/cdk.tf.json, the file `cdktf deploy` and the
// docs point at.
func TestRunWritesTheJSONStacks(t *testing.T) {
	// The jsii runtime (Node) starts at the first cdktf call and inherits
	// the working directory and environment: run it in a scratch checkout
	// with none of the variables that redirect or change the output.
	// cdktf.json marks the project root that relative asset paths (the
	// server binary) resolve against.
	cdktfJSON, err := os.ReadFile("cdktf.json")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if err := os.WriteFile("cdktf.json", cdktfJSON, 0o644); err != nil {
		t.Fatal(err)
	}
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
	env := map[string]string{"DOCMETA_PROFILES": "dev"}
	var stdout, stderr bytes.Buffer
	if err := run(func(k string) string { return env[k] }, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\nstderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "synthesized docmeta-dev and docmeta-dev-exports") {
		t.Errorf("stdout = %q", stdout.String())
	}
	if !strings.Contains(stderr.String(), "warning: docmeta-dev: no certificate ARN") {
		t.Errorf("stderr lacks the plain-HTTP warning: %q", stderr.String())
	}
	for stack, resource := range map[string]string{"docmeta-dev": "aws_dynamodb_table", "docmeta-dev-exports": "aws_s3_bucket"} {
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
	if _, err := os.Stat(filepath.Join("cdktf.out", "stacks", "docmeta-prod")); !os.IsNotExist(err) {
		t.Errorf("prod was synthesized although DOCMETA_PROFILES=dev: %v", err)
	}
}
