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

// forEachStack runs check on every profile's application stack and then on
// the application stack of each fixture variant that variants returns, one
// subtest each.
func forEachStack(t *testing.T, variants func() []fixtureVariant, check stackCheck) {
	t.Helper()
	forEachProfile(t, topology.Config.StackName, check)
	ensureFixture(t)
	for _, v := range variants() {
		t.Run(v.name, func(t *testing.T) {
			check(t, synthesizedVariant(t, v.cfg.StackName()), v.cfg)
		})
	}
}

// fixtureVariant is a non-profile configuration the fixture synthesizes.
type fixtureVariant struct {
	name string
	cfg  topology.Config
}

// optionVariant is the variant exercising the non-default options (alb
// edge with a certificate, per-AZ NAT, customer KMS key, scale-in
// protection, …); read it only after ensureFixture.
func optionVariant() []fixtureVariant {
	return []fixtureVariant{{"option variant", fixture.variant}}
}

// allVariants adds the prod custom-domain variant to the option variant.
func allVariants() []fixtureVariant {
	return append(optionVariant(), fixtureVariant{"custom domain", fixture.domain})
}
