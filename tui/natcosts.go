package tui

import (
	"context"
	"time"
)

// DayBytes is one UTC day's NAT data processed (both directions summed over
// every gateway).
type DayBytes struct {
	Day   time.Time
	Bytes float64
}

// NATMetrics reads NAT gateway traffic (CloudWatch in AWS mode).
type NATMetrics interface {
	// DailyNATBytes returns per-day sums of BytesOutToDestination and
	// BytesOutToSource over the gateways for the UTC days in [start, end).
	DailyNATBytes(ctx context.Context, gatewayIDs []string, start, end time.Time) ([]DayBytes, error)
}

// DayPricer prices one UTC day of a deployed stack: the hours and data of
// its NAT gateways and the AZ-hours of its interface endpoints. The cost
// model implements it (ops/cost, wired in tui/costmodel): the console shows
// what it computes.
type DayPricer interface {
	PriceDay(natGateways, endpointAZs int, natBytes float64) (natUSD, endpointUSD float64)
}

// ObservedCosts is the AWS-mode CostSource: the model plus the last Days
// complete UTC days of NAT traffic and interface-endpoint hours, priced.
type ObservedCosts struct {
	Model         CostReport
	Metrics       NATMetrics
	NATGatewayIDs []string
	// InterfaceEndpointIDs are the deployed endpoints from the stack outputs
	// (nil = unknown); the view warns when their number differs from the
	// model's.
	InterfaceEndpointIDs []string
	Prices               DayPricer
	Days                 int
	Now                  func() time.Time
}

// Costs fetches the NAT metrics (none when the stack has no NAT gateway) and
// has Prices price each day. On a metrics failure the model is still
// returned with the error, so the view keeps the line items.
func (o ObservedCosts) Costs(ctx context.Context) (CostReport, error) {
	days := o.Days
	if days <= 0 {
		days = 14
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	end := now().UTC().Truncate(24 * time.Hour)
	start := end.AddDate(0, 0, -days)
	byDay := map[time.Time]float64{}
	if len(o.NATGatewayIDs) > 0 {
		if o.Metrics == nil {
			return o.Model, Errorf(ProblemOther, nil, "no NAT metrics source for gateways %v: the console was built without CloudWatch (start with --outputs)", o.NATGatewayIDs)
		}
		points, err := o.Metrics.DailyNATBytes(ctx, o.NATGatewayIDs, start, end)
		if err != nil {
			return o.Model, err
		}
		for _, p := range points {
			byDay[p.Day.UTC().Truncate(24*time.Hour)] += p.Bytes
		}
	}
	report := o.Model
	obs := &ObservedSpend{NATGatewayIDs: o.NATGatewayIDs, InterfaceEndpointIDs: o.InterfaceEndpointIDs}
	if o.Prices == nil {
		return o.Model, Errorf(ProblemOther, nil, "no prices for the observed spend: the console was built without the cost model")
	}
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		b := byDay[d]
		nat, ep := o.Prices.PriceDay(len(o.NATGatewayIDs), report.Profile.InterfaceEndpointAZs, b)
		obs.Days = append(obs.Days, DailySpend{Day: d, NATBytes: b, NATDollars: nat, EndpointDollars: ep})
	}
	report.Observed = obs
	return report, nil
}
