package stacks

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/internal/testenv"
	"github.com/docmeta/docmeta/topology"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// accountWideTypes are the resource types whose names are unique per
// account rather than per region (IAM, S3 buckets, budgets, CloudFront
// policies and VPC origins, CLOUDFRONT-scope web ACLs), with the argument
// path of the name.
var accountWideTypes = map[string][]string{
	"aws_iam_role":                           {"name"},
	"aws_iam_instance_profile":               {"name"},
	"aws_iam_policy":                         {"name"},
	"aws_s3_bucket":                          {"bucket"},
	"aws_budgets_budget":                     {"name"},
	"aws_cloudfront_cache_policy":            {"name"},
	"aws_cloudfront_origin_request_policy":   {"name"},
	"aws_cloudfront_response_headers_policy": {"name"},
	"aws_cloudfront_vpc_origin":              {"vpc_origin_endpoint_config", "name"},
	"aws_wafv2_web_acl":                      {"name"},
}

// globalNames are the names a stack claims beyond its own region, each as
// "<type> <name>": those of account-wide types, and any name of a resource
// placed in another region through an aliased provider (the edge's
// us-east-1 alarms and topic are shared by every region's deployment). A
// bucket with a generated name (bucket_prefix) is unique by construction
// and not listed.
func globalNames(t *testing.T, doc map[string]any) []string {
	t.Helper()
	var out []string
	byType, _ := doc["resource"].(map[string]any)
	for typ := range byType {
		for name, r := range resourcesOf(doc, typ) {
			path, accountWide := accountWideTypes[typ]
			switch {
			case accountWide && at(r, path...) != nil:
				out = append(out, typ+" "+fmt.Sprint(at(r, path...)))
			case typ == "aws_s3_bucket" && r["bucket_prefix"] != nil:
			case accountWide:
				t.Errorf("%s.%s has neither a fixed nor a generated name", typ, name)
			case r["provider"] != nil:
				for _, k := range []string{"name", "alarm_name"} {
					if v, ok := r[k]; ok {
						out = append(out, typ+" "+fmt.Sprint(v))
					}
				}
			}
		}
	}
	return out
}

// TestTwoRegionsTwoProfilesOneStateBucket synthesizes dev and seed in two
// regions each, all with one state bucket (in a third region), and asserts
// that no two stacks share a stack name, a state key or a global name.
func TestTwoRegionsTwoProfilesOneStateBucket(t *testing.T) {
	ensureFixture(t)
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: str(filepath.Join(fixture.dir, "regions"))})
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		for _, p := range []topology.Profile{topology.Dev, topology.Seed} {
			cfg, err := topology.Load(p, testenv.Getenv(map[string]string{
				"DOCMETA_REGION":           region,
				"DOCMETA_STATE_BUCKET":     "docmeta-terraform-state",
				"DOCMETA_STATE_REGION":     testStateRegion,
				"DOCMETA_STATE_LOCK_TABLE": "docmeta-terraform-locks",
				// No shipped prices for eu-west-1: the budget is set.
				"DOCMETA_BUDGET_MONTHLY_USD": "60",
			}))
			if err != nil {
				t.Fatal(err)
			}
			bin := filepath.Join(fixture.dir, "bin", string(cfg.Arch()), "docmeta-server")
			if _, err := NewDeployment(app, Options{Config: cfg, BinaryPath: bin}); err != nil {
				t.Fatal(err)
			}
		}
	}
	app.Synth()
	docs, err := readStacks(filepath.Join(fixture.dir, "regions"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 8 {
		t.Fatalf("synthesized %d stacks, want 8 (2 regions x 2 profiles x app and exports): %v", len(docs), sortedKeys(docs))
	}
	stateKeys := map[string]string{}
	names := map[string]string{}
	for _, stack := range sortedKeys(docs) {
		doc := docs[stack]
		s3 := at(doc, "terraform", "backend", "s3")
		if at(s3, "bucket") != "docmeta-terraform-state" || at(s3, "region") != testStateRegion {
			t.Errorf("%s backend = %v, want the one state bucket in %s", stack, s3, testStateRegion)
		}
		key := fmt.Sprint(at(s3, "key"))
		if other, ok := stateKeys[key]; ok {
			t.Errorf("%s and %s share the state key %s", other, stack, key)
		}
		stateKeys[key] = stack
		if want := "docmeta/" + stack + ".tfstate"; key != want {
			t.Errorf("%s state key %s, want %s", stack, key, want)
		}
		for _, n := range globalNames(t, doc) {
			if other, ok := names[n]; ok {
				t.Errorf("%s and %s both create %s", other, stack, n)
			}
			names[n] = stack
		}
	}
	// Every stack name carries its region (local state is
	// terraform.<stack>.tfstate, so it is per region too).
	for stack := range docs {
		if !strings.Contains(stack, "-us-east-1") && !strings.Contains(stack, "-eu-west-1") {
			t.Errorf("stack %s does not name its region", stack)
		}
	}
	// The IAM names are the ones that broke a second region; they must be
	// among what was compared.
	for _, want := range []string{"aws_iam_role docmeta-dev-eu-west-1-instance", "aws_iam_instance_profile docmeta-seed-us-east-1-instance"} {
		if _, ok := names[want]; !ok {
			t.Errorf("global names lack %q: %v", want, sortedKeys(names))
		}
	}
}
