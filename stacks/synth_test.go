package stacks

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/docmeta/docmeta/topology"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/docmeta/docmeta/internal/testenv"
)

// This file is the shared synthesis fixture of package stacks (also used by
// cost_match_test.go): every profile is synthesized ONCE per test binary
// (cdktf starts Node, which takes seconds), and tests read the parsed JSON.
//
//	synthesized(t, "docmeta-dev-us-east-1")         // app stack of a profile
//	synthesized(t, "docmeta-dev-us-east-1-exports") // its export stack
//	testConfig(t, topology.Dev)                     // the exact config synthesized
//	synthesizedVariant(t, fixture.variant.StackName()) // dev on the alb edge with per-AZ NAT, 3 AZs, HTTPS, KMS key, S3 backend
//	synthesizedVariant(t, fixture.domain.StackName())  // prod behind CloudFront with a custom domain, alert e-mail, eu-west-1

// testCertificateARN is a well-formed ARN; nothing is deployed in tests.
const testCertificateARN = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"

// testStateRegion differs from the deploy region: the backend must name
// the bucket's region, not follow the stack's.
const testStateRegion = "eu-central-1"

const testKMSKeyARN = "arn:aws:kms:us-east-1:123456789012:key/11112222-3333-4444-5555-666677778888"

var fixture struct {
	once    sync.Once
	dir     string
	err     error
	configs map[topology.Profile]topology.Config
	variant topology.Config
	// domain is the second variant: prod with a custom domain and
	// certificate, an alert e-mail and a region other than us-east-1.
	domain   topology.Config
	binaries map[topology.Arch]string // arch -> sha256
	stacks   map[string]map[string]any
	variants map[string]map[string]any
	warnings map[string][]string // stack -> synth-time warnings
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

// testConfigs are the configurations the fixture synthesizes: the profile
// defaults, and two variants exercising the options.
func testConfigs() (map[topology.Profile]topology.Config, topology.Config, topology.Config, error) {
	out := map[topology.Profile]topology.Config{}
	env := testenv.Getenv(nil)
	for _, p := range topology.Profiles() {
		c, err := topology.Load(p, env)
		if err != nil {
			return nil, topology.Config{}, topology.Config{}, err
		}
		out[p] = c
	}
	domain, err := topology.Load(topology.Prod, testenv.Getenv(map[string]string{
		"DOCMETA_REGION":               "eu-west-1",
		"DOCMETA_PROD_CERTIFICATE_ARN": testCertificateARN,
		"DOCMETA_PROD_DOMAIN_NAMES":    "api.example.com,*.docs.example.com",
		"DOCMETA_ALERT_EMAIL":          "ops@example.com",
		"DOCMETA_BUDGET_MONTHLY_USD":   "150",
	}))
	if err != nil {
		return nil, topology.Config{}, topology.Config{}, err
	}
	variant, err := topology.Load(topology.Dev, testenv.Getenv(map[string]string{
		"DOCMETA_EDGE":                 "alb",
		"DOCMETA_NAT_MODE":             "per-az",
		"DOCMETA_AZ_COUNT":             "3",
		"DOCMETA_ENDPOINT_AZ_COUNT":    "2",
		"DOCMETA_INTERFACE_ENDPOINTS":  "ssm,ssmmessages,ec2messages",
		"DOCMETA_CERTIFICATE_ARN":      testCertificateARN,
		"DOCMETA_SCALE_IN_PROTECTION":  "true",
		"DOCMETA_API_KEYS_KMS_KEY_ARN": testKMSKeyARN,
		"DOCMETA_STATE_BUCKET":         "docmeta-terraform-state",
		"DOCMETA_STATE_LOCK_TABLE":     "docmeta-terraform-locks",
		"DOCMETA_STATE_REGION":         testStateRegion,
		"DOCMETA_INSTANCE_TYPE":        "m7g.medium",
		"DOCMETA_ASG_MAX":              "6",
		"DOCMETA_ASG_DESIRED":          "3",
	}))
	return out, variant, domain, err
}

func synthesizeFixture() (err error) {
	defer func() {
		// jsii reports JavaScript errors as panics.
		if r := recover(); r != nil {
			err = fmt.Errorf("synthesis panicked (is Node installed? `node --version`): %v", r)
		}
	}()
	fixture.dir, err = os.MkdirTemp("", "docmeta-stacks-test-")
	if err != nil {
		return err
	}
	fixture.warnings = map[string][]string{}
	fixture.configs, fixture.variant, fixture.domain, err = testConfigs()
	if err != nil {
		return err
	}
	// Stand-in server binaries: the stack only hashes and uploads them.
	fixture.binaries = map[topology.Arch]string{}
	for _, arch := range []topology.Arch{topology.ARM64, topology.AMD64} {
		path := filepath.Join(fixture.dir, "bin", string(arch), "docmeta-server")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte("docmeta-server test binary for "+arch), 0o755); err != nil {
			return err
		}
		if fixture.binaries[arch], err = FileSHA256(path); err != nil {
			return err
		}
	}
	binary := func(a topology.Arch) string { return filepath.Join(fixture.dir, "bin", string(a), "docmeta-server") }

	outdir := filepath.Join(fixture.dir, "out")
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: str(outdir)})
	for _, p := range topology.Profiles() {
		c := fixture.configs[p]
		d, err := NewDeployment(app, Options{Config: c, BinaryPath: binary(c.Arch())})
		if err != nil {
			return err
		}
		fixture.warnings[c.StackName()] = d.Warnings
	}
	app.Synth()
	variantDir := filepath.Join(fixture.dir, "variant")
	vapp := cdktf.NewApp(&cdktf.AppConfig{Outdir: str(variantDir)})
	for _, c := range []topology.Config{fixture.variant, fixture.domain} {
		if _, err := NewDeployment(vapp, Options{Config: c, BinaryPath: binary(c.Arch())}); err != nil {
			return err
		}
	}
	vapp.Synth()

	if fixture.stacks, err = readStacks(outdir); err != nil {
		return err
	}
	fixture.variants, err = readStacks(variantDir)
	return err
}

func readStacks(outdir string) (map[string]map[string]any, error) {
	paths, err := filepath.Glob(filepath.Join(outdir, "stacks", "*", "cdk.tf.json"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("no synthesized stacks under %s (%v)", outdir, err)
	}
	out := map[string]map[string]any{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out[filepath.Base(filepath.Dir(p))] = doc
	}
	return out, nil
}

func ensureFixture(t testing.TB) {
	t.Helper()
	fixture.once.Do(func() { fixture.err = synthesizeFixture() })
	if fixture.err != nil {
		t.Fatalf("synthesizing the stacks failed: %v", fixture.err)
	}
}

// synthesized returns the parsed cdk.tf.json of a stack of the three
// profiles (docmeta-dev, docmeta-prod, docmeta-seed and their -exports).
func synthesized(t testing.TB, stack string) map[string]any {
	t.Helper()
	ensureFixture(t)
	doc, ok := fixture.stacks[stack]
	if !ok {
		t.Fatalf("no synthesized stack %q", stack)
	}
	return doc
}

// synthesizedVariant returns a stack of the option-exercising variant.
func synthesizedVariant(t testing.TB, stack string) map[string]any {
	t.Helper()
	ensureFixture(t)
	doc, ok := fixture.variants[stack]
	if !ok {
		t.Fatalf("no synthesized variant stack %q", stack)
	}
	return doc
}

// testConfig is the configuration a profile's fixture stacks were built from.
func testConfig(t testing.TB, p topology.Profile) topology.Config {
	t.Helper()
	ensureFixture(t)
	return fixture.configs[p]
}

// resourcesOf returns the resources of one Terraform type, by logical name.
func resourcesOf(doc map[string]any, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	byType, _ := doc["resource"].(map[string]any)
	rs, _ := byType[typ].(map[string]any)
	for name, r := range rs {
		out[name], _ = r.(map[string]any)
	}
	return out
}

// resource returns one resource or fails the test.
func resource(t testing.TB, doc map[string]any, typ, name string) map[string]any {
	t.Helper()
	r, ok := resourcesOf(doc, typ)[name]
	if !ok {
		t.Fatalf("no %s.%s in the synthesized stack", typ, name)
	}
	return r
}

// at walks nested maps and single-element block lists by keys.
func at(v any, path ...string) any {
	for _, k := range path {
		if l, ok := v.([]any); ok && len(l) == 1 {
			v = l[0]
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// stringsOf converts a JSON list of strings.
func stringsOf(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func ref(typ, name, attr string) string { return "${" + typ + "." + name + "." + attr + "}" }

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func equalSets(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
