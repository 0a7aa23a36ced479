package stacks

import (
	"testing"

	"github.com/docmeta/docmeta/topology"
)

// stackCheck asserts on one synthesized stack built from cfg.
type stackCheck func(t *testing.T, doc map[string]any, cfg topology.Config)

// forEachProfile runs check as one subtest per profile on the stack that
// stackOf names: topology.Config.StackName for the application stack,
// topology.Config.ExportStackName for the exports.
func forEachProfile(t *testing.T, stackOf func(topology.Config) string, check stackCheck) {
	t.Helper()
	for _, p := range topology.Profiles() {
		t.Run(string(p), func(t *testing.T) {
			cfg := testConfig(t, p)
			check(t, synthesized(t, stackOf(cfg)), cfg)
		})
	}
}

// forEachStack runs check on every profile's application stack and then, in
// a "variants" subtest, on the application stack of each fixture variant
// that variants returns (read after the fixture is synthesized).
func forEachStack(t *testing.T, variants func() []topology.Config, check stackCheck) {
	t.Helper()
	forEachProfile(t, topology.Config.StackName, check)
	t.Run("variants", func(t *testing.T) {
		ensureFixture(t)
		for _, v := range variants() {
			check(t, synthesizedVariant(t, v.StackName()), v)
		}
	})
}

// optionVariant is the fixture variant that exercises the non-default
// options (per-AZ NAT, customer KMS key, scale-in protection, …).
func optionVariant() []topology.Config { return []topology.Config{fixture.variant} }

// allVariants adds the custom-domain variant to the option variant.
func allVariants() []topology.Config { return []topology.Config{fixture.variant, fixture.domain} }
