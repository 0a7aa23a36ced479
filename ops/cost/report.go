package cost

import (
	"fmt"
	"slices"
	"strings"

	"github.com/docmeta/docmeta/topology"
)

// ReportProfiles is the order the report lists profiles in: the original
// design first, then what replaces it.
var ReportProfiles = []topology.Profile{topology.Seed, topology.Dev, topology.Prod}

// NotModelled lists what the estimates leave out, so nobody mistakes them
// for a bill.
var NotModelled = []string{
	"free tiers (EC2, DynamoDB's 25 GB, S3, CloudFront's 1 TB and 10 M requests, CloudWatch's 10 alarms) and Savings Plans",
	"data transfer out of a public load balancer (alb edge; uploads are inbound and free, responses are small JSON); behind CloudFront it is priced as CloudFront data out",
	"the target-tracking policy's own CloudWatch alarms, default metrics and CloudWatch Logs (the server logs to a file on the instance)",
	"SNS e-mail beyond the first 1,000 a month (alarm notifications are a handful)",
	"the Terraform state bucket/lock table (burstable types launch with standard CPU credits, so no surplus-credit charges arise)",
}

// Report is the cost of every profile under one price table and workload.
type Report struct {
	HoursPerMonth float64    `json:"hours_per_month"`
	Region        string     `json:"region"`
	Prices        PriceTable `json:"prices"`
	Workload      Workload   `json:"workload"`
	Estimates     []Estimate `json:"estimates"`
	// Comparison is dev against seed at idle.
	Comparison  Comparison `json:"comparison"`
	NotModelled []string   `json:"not_modelled"`
}

// Comparison puts one profile's idle cost beside the baseline's.
type Comparison struct {
	Profile         topology.Profile `json:"profile"`
	Baseline        topology.Profile `json:"baseline"`
	ProfileIdleUSD  float64          `json:"profile_idle_usd"`
	BaselineIdleUSD float64          `json:"baseline_idle_usd"`
	// PercentLess is how much cheaper the profile is, in percent of the
	// baseline (negative when it costs more).
	PercentLess float64 `json:"percent_less"`
	// AtMostHalf is the project's target: the profile costs at most half of
	// the baseline at idle.
	AtMostHalf bool `json:"at_most_half"`
	// SharedCapabilities lists what both deployments provide, checked on
	// their configurations, so the saving is not bought by dropping one.
	SharedCapabilities []string `json:"shared_capabilities"`
	// MissingCapabilities lists what the baseline has and the profile lacks.
	MissingCapabilities []string `json:"missing_capabilities,omitempty"`
}

// BuildReport estimates every config (one per profile, all in the price
// table's region) and compares dev with seed at idle.
func BuildReport(configs []topology.Config, prices PriceTable, w Workload) (Report, error) {
	if err := prices.Validate(); err != nil {
		return Report{}, err
	}
	r := Report{HoursPerMonth: HoursPerMonth, Region: prices.Region, Prices: prices, Workload: w, NotModelled: NotModelled}
	byProfile := map[topology.Profile]Estimate{}
	for _, c := range configs {
		e, err := EstimateFootprint(c.Footprint(), c.StackName(), prices, w)
		if err != nil {
			return Report{}, err
		}
		r.Estimates = append(r.Estimates, e)
		byProfile[c.Profile] = e
	}
	dev, okDev := byProfile[topology.Dev]
	seed, okSeed := byProfile[topology.Seed]
	if !okDev || !okSeed {
		return Report{}, fmt.Errorf("the report compares dev with seed: both profiles are needed")
	}
	r.Comparison = Compare(dev, seed)
	var devCfg, seedCfg topology.Config
	for _, c := range configs {
		switch c.Profile {
		case topology.Dev:
			devCfg = c
		case topology.Seed:
			seedCfg = c
		}
	}
	r.Comparison.SharedCapabilities, r.Comparison.MissingCapabilities = compareCapabilities(devCfg, seedCfg)
	return r, nil
}

// capabilities are what a deployment must keep to count as equivalent:
// the instances stay private (every profile's ASG is in private subnets;
// what varies is whether they can be reached), operators reach them through
// Session Manager, and the metadata is durable.
var capabilities = []struct {
	name string
	has  func(topology.Config) bool
}{
	{"Session Manager access to private instances (ssm + ssmmessages endpoints)", func(c topology.Config) bool {
		return slices.Contains(c.InterfaceEndpoints, "ssm") && slices.Contains(c.InterfaceEndpoints, "ssmmessages") && c.EndpointAZCount >= 1
	}},
	{"durable metadata (on-demand table with point-in-time recovery)", func(c topology.Config) bool { return c.Table.PITR && c.Table.OnDemand }},
	{"at least one running instance behind the load balancer", func(c topology.Config) bool { return c.ASG.Desired >= 1 }},
	{"safe teardown (retained export bucket)", func(c topology.Config) bool { return c.Footprint().ExportBuckets >= 1 }},
}

func compareCapabilities(p, baseline topology.Config) (shared, missing []string) {
	for _, c := range capabilities {
		switch {
		case c.has(p) && c.has(baseline):
			shared = append(shared, c.name)
		case c.has(baseline):
			missing = append(missing, c.name)
		}
	}
	return shared, missing
}

// Compare puts e's idle cost beside the baseline's.
func Compare(e, baseline Estimate) Comparison {
	c := Comparison{Profile: e.Profile, Baseline: baseline.Profile, ProfileIdleUSD: e.IdleTotalUSD, BaselineIdleUSD: baseline.IdleTotalUSD}
	if baseline.IdleTotalUSD > 0 {
		c.PercentLess = (baseline.IdleTotalUSD - e.IdleTotalUSD) / baseline.IdleTotalUSD * 100
	}
	c.AtMostHalf = e.IdleTotalUSD <= baseline.IdleTotalUSD/2
	return c
}

// String is the report's last line: "dev vs seed: $X vs $Y per month (Z% less)".
func (c Comparison) String() string {
	rel := fmt.Sprintf("%.0f%% less", c.PercentLess)
	if c.PercentLess < 0 {
		rel = fmt.Sprintf("%.0f%% more", -c.PercentLess)
	}
	return fmt.Sprintf("%s vs %s: $%.2f vs $%.2f per month (%s)", c.Profile, c.Baseline, c.ProfileIdleUSD, c.BaselineIdleUSD, rel)
}

// ProfileConfig loads a profile's configuration the way the stacks do
// (topology.Load over lookup). prod on the alb edge refuses to validate
// without a certificate ARN; the certificate does not change the cost, so
// when none is set a syntactically valid placeholder stands in for the
// estimate only.
func ProfileConfig(p topology.Profile, lookup func(string) string) (topology.Config, error) {
	certSet := strings.TrimSpace(lookup(topology.EnvName(p, topology.KeyCertificateARN))) != "" ||
		strings.TrimSpace(lookup("DOCMETA_"+topology.KeyCertificateARN)) != ""
	if p != topology.Prod || certSet || topology.EdgeSetting(p, lookup) != topology.EdgeALB {
		return topology.Load(p, lookup)
	}
	region := strings.TrimSpace(lookup(topology.EnvName(p, topology.KeyRegion)))
	if region == "" {
		region = strings.TrimSpace(lookup("DOCMETA_" + topology.KeyRegion))
	}
	if region == "" {
		d, err := topology.Defaults(p)
		if err != nil {
			return topology.Config{}, err
		}
		region = d.Region
	}
	placeholder := "arn:aws:acm:" + region + ":000000000000:certificate/cost-estimate-placeholder"
	return topology.Load(p, func(k string) string {
		if k == topology.EnvName(p, topology.KeyCertificateARN) {
			return placeholder
		}
		return lookup(k)
	})
}
