package stacks

import (
	"errors"
	"fmt"
	"strings"

	"github.com/docmeta/docmeta/topology"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// ProfilesKey selects the profiles to synthesize (comma-separated; default
// all three).
const ProfilesKey = "DOCMETA_PROFILES"

// AddProfiles loads, validates and adds the deployments of the selected
// profiles, reporting every invalid profile at once. When no profile list is
// given, a prod on the alb edge is skipped with a warning if no certificate
// is configured (it cannot exist without HTTPS; the cloudfront edge needs
// none); naming prod explicitly makes that an error.
// The returned warnings are about skipped profiles; each Deployment carries
// its own.
func AddProfiles(app cdktf.App, lookup func(string) string) (deployments []*Deployment, warnings []string, err error) {
	explicit := strings.TrimSpace(lookup(ProfilesKey)) != ""
	profiles, err := SelectedProfiles(lookup(ProfilesKey))
	if err != nil {
		return nil, nil, err
	}
	var (
		out  []*Deployment
		errs []error
	)
	for _, p := range profiles {
		if p == topology.Prod && !explicit && topology.EdgeSetting(p, lookup) == topology.EdgeALB &&
			lookup(topology.EnvName(p, topology.KeyCertificateARN)) == "" && lookup("DOCMETA_"+topology.KeyCertificateARN) == "" {
			warnings = append(warnings, fmt.Sprintf(
				"docmeta-prod not synthesized: prod requires HTTPS; on the alb edge set %s to an ACM certificate ARN, or unset %s for CloudFront (or %s=dev,prod,seed to make this an error)",
				topology.EnvName(p, topology.KeyCertificateARN), topology.EnvName(p, topology.KeyEdge), ProfilesKey))
			continue
		}
		cfg, err := topology.Load(p, lookup)
		if err != nil {
			if p == topology.Prod {
				err = fmt.Errorf("%w\n  (to synthesize only dev and seed, set %s=dev,seed)", err, ProfilesKey)
			}
			errs = append(errs, err)
			continue
		}
		d, err := NewDeployment(app, Options{Config: cfg, BinaryPath: BinaryPathFor(cfg.Arch())})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, d)
	}
	return out, warnings, errors.Join(errs...)
}

// SelectedProfiles parses the profile list; empty means all profiles.
func SelectedProfiles(list string) ([]topology.Profile, error) {
	if strings.TrimSpace(list) == "" {
		return topology.Profiles(), nil
	}
	var out []topology.Profile
	for _, s := range strings.Split(list, ",") {
		p := topology.Profile(strings.TrimSpace(s))
		if _, err := topology.Defaults(p); err != nil {
			return nil, fmt.Errorf("%s: %w", ProfilesKey, err)
		}
		out = append(out, p)
	}
	return out, nil
}
