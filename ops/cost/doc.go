// Package cost computes the monthly cost of a docmeta deployment profile from
// the same topology description the cdktf stacks synthesize (package
// topology), priced from a table shipped in the repository (prices/*.json,
// one file per region) or refreshed from the AWS Price List API.
//
// The package is plain Go (no jsii) so the operator console can import it.
// A month is 730 hours (8760 h / 12), the convention AWS pricing pages use.
package cost
