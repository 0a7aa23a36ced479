package tui

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestCostsModelBesideSeed(t *testing.T) {
	m := newTestModel(t, Config{Costs: StaticCosts{Report: sampleReport()}})
	run(t, m, m.Init())
	press(t, m, "3")
	mustContain(t, m.View(),
		"Cost model us-east-1, prices as of 2026-11-01",
		"EC2 instances              1 x t4g.micro  $6.13     1 x t3.micro  $7.59",
		"Interface endpoints        2 x 1 AZ       $14.60    3 x 2 AZ      $43.80",
		"NAT gateway hours          -              -         1 x 730 h     $32.85",
		"Total                                     $37.16                  $104.32",
		"dev vs seed: $37.16 vs $104.32 per month (64% less)",
		"Observed NAT / endpoint spend: AWS mode only")
}

// fakeNAT returns fixed daily bytes, or an error.
type fakeNAT struct {
	days  []DayBytes
	err   error
	start time.Time
	end   time.Time
	ids   []string
}

func (f *fakeNAT) DailyNATBytes(_ context.Context, ids []string, start, end time.Time) ([]DayBytes, error) {
	f.ids, f.start, f.end = ids, start, end
	return f.days, f.err
}

var testPrices = testPricer{NATHour: 0.045, NATPerGB: 0.045, EndpointAZHour: 0.01}

func TestObservedCostsPricesEachDay(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	nat := &fakeNAT{days: []DayBytes{{Day: day(20), Bytes: 10e9}, {Day: day(26), Bytes: 2e9}}}
	report := sampleReport()
	report.Profile.InterfaceEndpointAZs = 2
	src := ObservedCosts{Model: report, Metrics: nat, NATGatewayIDs: []string{"nat-1"}, Prices: testPrices, Days: 14,
		Now: func() time.Time { return fixedNow }}
	got, err := src.Costs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !nat.start.Equal(day(13)) || !nat.end.Equal(day(27)) {
		t.Errorf("asked for [%s, %s), want the 14 complete days [11-13, 11-27)", nat.start, nat.end)
	}
	days := got.Observed.Days
	if len(days) != 14 || !days[0].Day.Equal(day(13)) || !days[13].Day.Equal(day(26)) {
		t.Fatalf("days = %d from %v to %v", len(days), days[0].Day, days[len(days)-1].Day)
	}
	// 11-20: 24 NAT hours (1.08) + 10 GB (0.45) + 2 endpoint AZs x 24 h (0.48).
	d20 := days[7]
	if !d20.Day.Equal(day(20)) || !near(d20.NATDollars, 1.53) || !near(d20.EndpointDollars, 0.48) || !near(d20.Dollars(), 2.01) {
		t.Errorf("11-20 priced %+v, want NAT 1.53 + endpoints 0.48", d20)
	}
	// A day without data points still pays the NAT and endpoint hours.
	if !near(days[0].Dollars(), 1.08+0.48) {
		t.Errorf("quiet day priced %.4f, want 1.56", days[0].Dollars())
	}
}

func TestObservedCostsWithoutNATAsksNothing(t *testing.T) {
	nat := &fakeNAT{err: errors.New("must not be called")}
	src := ObservedCosts{Model: sampleReport(), Metrics: nat, Prices: testPrices, Now: func() time.Time { return fixedNow }}
	got, err := src.Costs(context.Background())
	if err != nil || nat.ids != nil {
		t.Fatalf("err %v, CloudWatch asked for %v", err, nat.ids)
	}
	if n := len(got.Observed.Days); n != 14 || !near(got.Observed.Days[0].Dollars(), 0.48) {
		t.Errorf("%d days, first %.2f; want 14 days of endpoint hours only (0.48)", n, got.Observed.Days[0].Dollars())
	}
}

func TestObservedCostsMetricsFailureKeepsModel(t *testing.T) {
	throttled := Errorf(ProblemThrottled, nil, "cloudwatch:GetMetricData throttled by AWS (Throttling); the next refresh retries")
	src := ObservedCosts{Model: sampleReport(), Metrics: &fakeNAT{err: throttled}, NATGatewayIDs: []string{"nat-1"},
		Prices: testPrices, Now: func() time.Time { return fixedNow }}
	m := newTestModel(t, Config{Mode: "aws", Costs: src})
	run(t, m, m.Init())
	press(t, m, "3")
	mustContain(t, m.View(), "throttled: cloudwatch:GetMetricData throttled", "dev vs seed: $37.16 vs $104.32")
}

func TestCostsChartAndProjectionWithNAT(t *testing.T) {
	var days []DayBytes
	for d := 13; d <= 26; d++ {
		days = append(days, DayBytes{Day: time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC), Bytes: float64(d-12) * 1e9})
	}
	src := ObservedCosts{Model: sampleReport(), Metrics: &fakeNAT{days: days}, NATGatewayIDs: []string{"nat-0abc"},
		Prices: testPrices, Days: 14, Now: func() time.Time { return fixedNow }}
	m := newTestModel(t, Config{Mode: "aws", Costs: src})
	m.Update(teaSize(120, 60))
	run(t, m, m.Init())
	press(t, m, "3")
	screen := m.View()
	// 11-26: 1.08 NAT hours + 14 GB x 0.045 (0.63) + 0.48 endpoints = 2.19,
	// the peak: the top label and the only bar reaching the top row.
	mustContain(t, screen, "NAT gateways: nat-0abc", "$2.19 │                         ▁▁ ▃▃ ▄▄ ▅▅ ▇▇ ██",
		"   $0 │ ░░ ░░ ░░ ░░ ░░ ░░ ░░ ░░ ░░ ░░ ░░ ░░ ░░ ░░", "██ NAT  ░░ interface endpoints",
		" 13 14 15 16 17 18 19 20 21 22 23 24 25 26  (Nov 2026, UTC days)",
		"Mean: $1.90/day (NAT $1.42/day, endpoints $0.48/day) · NAT data 105.00 GB in 14 days")
	// Month: 14 days observed in November; 16 days left at the mean of the
	// last 7 (8..14 GB: mean 11 GB -> 1.56+0.495 = 2.055).
	var mtd float64
	for d := 1; d <= 14; d++ {
		mtd += 1.56 + float64(d)*0.045
	}
	projected := mtd + 16*2.055
	// (2.055 sits on a rounding edge, so only the projection is compared to the cent.)
	mustContain(t, screen, "Month: November projected "+money(projected)+" = "+money(mtd)+" observed on 14 days + $2.0",
		"/day (mean of the last 7) x 16 other days")
}

func TestCostsWithoutNATSaysSoAndShowsSaving(t *testing.T) {
	src := ObservedCosts{Model: sampleReport(), Metrics: &fakeNAT{}, Prices: testPrices, Days: 14, Now: func() time.Time { return fixedNow }}
	m := newTestModel(t, Config{Mode: "aws", Costs: src})
	m.Update(teaSize(120, 60))
	run(t, m, m.Init())
	press(t, m, "3")
	mustContain(t, m.View(), "No NAT gateway in this stack: $32.85 per month saved against the seed's NAT lines ($32.85).")
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestCostsStaleRefreshIsDropped(t *testing.T) {
	src := &fakeCosts{value: sampleReport()}
	m := newTestModel(t, Config{Costs: src})
	prod := sampleReport()
	prod.Profile.Name = "prod"
	checkStaleRefreshDropped(t, m, "3", func() { src.set(prod, nil) },
		[]string{"prod vs seed"}, []string{"dev vs seed"})
}

func TestCostsWarnWhenTheStackDisagreesWithTheModel(t *testing.T) {
	src := ObservedCosts{Model: sampleReport(), Metrics: &fakeNAT{}, NATGatewayIDs: []string{"nat-1"}, Prices: testPrices,
		Days: 14, Now: func() time.Time { return fixedNow }}
	m := newTestModel(t, Config{Mode: "aws", Costs: src})
	m.Update(teaSize(200, 60))
	run(t, m, m.Init())
	press(t, m, "3")
	mustContain(t, m.View(), "The dev model prices 0 NAT gateway(s) but the stack reports 1")

	agree := sampleReport()
	agree.Profile.NATGateways = 1
	src.Model = agree
	m = newTestModel(t, Config{Mode: "aws", Costs: src})
	m.Update(teaSize(200, 60))
	run(t, m, m.Init())
	press(t, m, "3")
	mustNotContain(t, m.View(), "but the stack reports")
}

// A half-configured source answers with the model and an error, or with the
// wall clock, instead of panicking inside a tea.Cmd.
func TestObservedCostsWithoutMetricsOrClock(t *testing.T) {
	src := ObservedCosts{Model: sampleReport(), NATGatewayIDs: []string{"nat-1"}, Prices: testPrices}
	got, err := src.Costs(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no NAT metrics source") || len(got.Profile.Lines) == 0 {
		t.Errorf("got %v lines, err %v; want the model and an error naming the missing metrics", len(got.Profile.Lines), err)
	}
	src = ObservedCosts{Model: sampleReport(), Prices: testPrices}
	got, err = src.Costs(context.Background())
	if err != nil || got.Observed == nil || len(got.Observed.Days) != 14 {
		t.Errorf("without a clock: %v, %+v", err, got.Observed)
	}
	got, err = ObservedCosts{Model: sampleReport()}.Costs(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no prices") || len(got.Profile.Lines) == 0 {
		t.Errorf("without prices: %v lines, err %v; want the model and an error", len(got.Profile.Lines), err)
	}
}

// The endpoints the stack reports are listed; a count that differs from the
// model's is flagged (the hours stay priced from the model's endpoint-AZs),
// and outputs without interface_endpoint_ids say so instead of warning.
func TestCostsCompareDeployedInterfaceEndpointsWithTheModel(t *testing.T) {
	view := func(ids []string, modelled int) string {
		report := sampleReport()
		report.Profile.InterfaceEndpoints = modelled
		src := ObservedCosts{Model: report, Metrics: &fakeNAT{}, InterfaceEndpointIDs: ids, Prices: testPrices,
			Days: 14, Now: func() time.Time { return fixedNow }}
		m := newTestModel(t, Config{Mode: "aws", Costs: src})
		m.Update(teaSize(200, 60))
		run(t, m, m.Init())
		press(t, m, "3")
		return m.View()
	}
	more := view([]string{"vpce-0a", "vpce-0b", "vpce-0c"}, 2)
	mustContain(t, more, "Interface endpoints: vpce-0a, vpce-0b, vpce-0c · hours priced from the dev model's 2 endpoint-AZs")
	mustContain(t, more, "The dev model prices 2 interface endpoint(s) but the stack reports 3")

	agree := view([]string{"vpce-0a", "vpce-0b"}, 2)
	mustContain(t, agree, "Interface endpoints: vpce-0a, vpce-0b")
	mustNotContain(t, agree, "interface endpoint(s) but the stack reports")

	none := view([]string{}, 2)
	mustContain(t, none, "Interface endpoints: none")
	mustContain(t, none, "The dev model prices 2 interface endpoint(s) but the stack reports 0")

	unknown := view(nil, 2)
	mustContain(t, unknown, "Interface endpoints: not in the outputs (redeploy to list them)")
	mustNotContain(t, unknown, "interface endpoint(s) but the stack reports")
}

func TestObservedCostsCarryTheInterfaceEndpointIDs(t *testing.T) {
	src := ObservedCosts{Model: sampleReport(), Metrics: &fakeNAT{}, InterfaceEndpointIDs: []string{"vpce-1"}, Prices: testPrices,
		Days: 14, Now: func() time.Time { return fixedNow }}
	got, err := src.Costs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Observed.InterfaceEndpointIDs, []string{"vpce-1"}) {
		t.Errorf("observed endpoints = %v, want [vpce-1]", got.Observed.InterfaceEndpointIDs)
	}
}
