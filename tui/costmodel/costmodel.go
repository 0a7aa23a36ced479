// Package costmodel adapts docmeta's cost model (package cost, over package
// topology: plain Go, no jsii) to the console's tui.CostSource: the
// configured profile's idle monthly estimate beside the seed topology's, and
// in AWS mode the observed NAT / endpoint spend priced with the same table.
package costmodel

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/docmeta/docmeta/ops/cost"
	"github.com/docmeta/docmeta/topology"
	"github.com/docmeta/docmeta/tui"
)

// Source is a tui.CostSource. The model is rebuilt on every call (it is pure
// computation), so a configuration error shows in the status line instead of
// stopping the console.
type Source struct {
	// Profile is the topology profile to price (dev, prod, seed).
	Profile string
	// Region, when set, is the deployed stack's region; it overrides the
	// profile configuration's region so prices match what runs.
	Region string
	// Lookup reads the same DOCMETA_* settings the stacks read ("" = unset).
	Lookup func(string) string

	// Observe enables the AWS-mode part: Metrics over NATGatewayIDs for the
	// last Days complete UTC days.
	Observe       bool
	Metrics       tui.NATMetrics
	NATGatewayIDs []string
	// InterfaceEndpointIDs are the stack's interface endpoints (nil when
	// its outputs do not list them).
	InterfaceEndpointIDs []string
	Days                 int
	Now                  func() time.Time
}

// Costs implements tui.CostSource.
func (s Source) Costs(ctx context.Context) (tui.CostReport, error) {
	report, prices, err := Build(s.Profile, s.Region, s.Lookup)
	if err != nil {
		return tui.CostReport{}, err
	}
	if !s.Observe {
		return report, nil
	}
	return tui.ObservedCosts{Model: report, Metrics: s.Metrics, NATGatewayIDs: s.NATGatewayIDs,
		InterfaceEndpointIDs: s.InterfaceEndpointIDs, Prices: prices, Days: s.Days, Now: s.Now}.Costs(ctx)
}

// Build estimates profile and seed at idle with the shipped price table of
// the profile's region and returns the prices, from the same table, that
// the observed spend is priced with.
func Build(profile, region string, lookup func(string) string) (tui.CostReport, cost.ObservedPrices, error) {
	if lookup == nil {
		lookup = func(string) string { return "" }
	}
	if region != "" {
		base := lookup
		lookup = func(k string) string {
			if k == "DOCMETA_"+topology.KeyRegion || k == topology.EnvName(topology.Profile(profile), topology.KeyRegion) ||
				k == topology.EnvName(topology.Seed, topology.KeyRegion) {
				return region
			}
			return base(k)
		}
	}
	model, table, err := estimate(topology.Profile(profile), lookup)
	if err != nil {
		return tui.CostReport{}, cost.ObservedPrices{}, err
	}
	seed, _, err := estimate(topology.Seed, lookup)
	if err != nil {
		return tui.CostReport{}, cost.ObservedPrices{}, err
	}
	prices, err := table.ObservedPrices()
	if err != nil {
		return tui.CostReport{}, cost.ObservedPrices{}, tui.Errorf(tui.ProblemOther, err, "prices for the observed spend")
	}
	return tui.CostReport{Profile: model, Seed: seed}, prices, nil
}

func estimate(p topology.Profile, lookup func(string) string) (tui.CostModel, cost.PriceTable, error) {
	cfg, err := cost.ProfileConfig(p, lookup)
	if err != nil {
		return tui.CostModel{}, cost.PriceTable{}, tui.Errorf(tui.ProblemOther, err, "configuration of profile %s", p)
	}
	table, err := cost.ShippedTable(cfg.Region)
	if err != nil {
		return tui.CostModel{}, cost.PriceTable{}, tui.Errorf(tui.ProblemOther, err, "prices for %s", cfg.Region)
	}
	fp := cfg.Footprint()
	e, err := cost.EstimateFootprint(fp, cfg.StackName(), table, cost.DefaultWorkload())
	if err != nil {
		return tui.CostModel{}, cost.PriceTable{}, tui.Errorf(tui.ProblemOther, err, "cost model of %s", p)
	}
	m := tui.CostModel{Name: string(p), Region: e.Region, PricesAsOf: table.Recorded,
		NATGateways: fp.NATGateways, InterfaceEndpoints: fp.InterfaceEndpoints, InterfaceEndpointAZs: fp.InterfaceEndpointAZs}
	for _, it := range e.Items {
		m.Lines = append(m.Lines, tui.CostLine{Key: it.Key, Kind: kind(it.Key), Item: it.Name,
			Quantity: quantity(it), Monthly: it.IdleUSD})
	}
	return m, table, nil
}

// kind maps the model's line keys to the groups the Costs view treats
// specially (the NAT saving, the endpoint hours).
func kind(key string) string {
	switch key {
	case cost.ItemNATGateways, cost.ItemNATData:
		return tui.KindNAT
	case cost.ItemPublicIPv4:
		return tui.KindIPv4
	case cost.ItemInterfaceEndpoints, cost.ItemEndpointData:
		return tui.KindEndpoint
	}
	return key
}

func quantity(it cost.LineItem) string {
	unit := it.CountUnit
	if it.Count != 1 && unit != "" && unit != "GiB" {
		if strings.HasSuffix(unit, "s") {
			unit += "es"
		} else {
			unit += "s"
		}
	}
	return fmt.Sprintf("%d %s", it.Count, unit)
}
