package tui

import "context"

// StaticCosts is a CostSource that answers with a fixed report.
type StaticCosts struct{ Report CostReport }

// Costs returns the report.
func (s StaticCosts) Costs(context.Context) (CostReport, error) { return s.Report, nil }

// ActiveTitle names the active view.
func (m *Model) ActiveTitle() string { return m.current().Title() }

// testPricer prices a day at fixed unit prices, as ops/cost does with its
// table; the views only show what it returns.
type testPricer struct{ NATHour, NATPerGB, EndpointAZHour float64 }

func (p testPricer) PriceDay(natGateways, endpointAZs int, natBytes float64) (float64, float64) {
	return float64(natGateways)*24*p.NATHour + natBytes/1e9*p.NATPerGB, float64(endpointAZs) * 24 * p.EndpointAZHour
}
