package costmodel

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/ops/cost"
	"github.com/docmeta/docmeta/topology"
	"github.com/docmeta/docmeta/tui"
)

func noEnv(string) string { return "" }

// The console must show exactly what `make cost` computes: same lines, same
// totals, for the configured profile and the seed.
func TestBuildMatchesTheCostModel(t *testing.T) {
	var configs []topology.Config
	for _, p := range []topology.Profile{topology.Seed, topology.Dev} {
		c, err := cost.ProfileConfig(p, noEnv)
		if err != nil {
			t.Fatal(err)
		}
		configs = append(configs, c)
	}
	table, err := cost.ShippedTable(configs[0].Region)
	if err != nil {
		t.Fatal(err)
	}
	want, err := cost.BuildReport(configs, table, cost.DefaultWorkload())
	if err != nil {
		t.Fatal(err)
	}
	report, prices, err := Build("dev", "", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range want.Estimates {
		got := report.Seed
		if e.Profile == topology.Dev {
			got = report.Profile
		}
		if got.Name != string(e.Profile) || len(got.Lines) != len(e.Items) || math.Abs(got.Total()-e.IdleTotalUSD) > 1e-9 {
			t.Errorf("%s: %d lines totalling %.4f, model has %d totalling %.4f", e.Profile, len(got.Lines), got.Total(), len(e.Items), e.IdleTotalUSD)
		}
		for i, it := range e.Items {
			if got.Lines[i].Key != it.Key || got.Lines[i].Monthly != it.IdleUSD {
				t.Errorf("%s line %d = %+v, model %s %.4f", e.Profile, i, got.Lines[i], it.Key, it.IdleUSD)
			}
		}
	}
	// The endpoint count the view compares with the stack's is the model's
	// footprint: at least ssm and ssmmessages, each in one or more AZs.
	for _, m := range []tui.CostModel{report.Profile, report.Seed} {
		if m.InterfaceEndpoints < 2 || m.InterfaceEndpointAZs < m.InterfaceEndpoints {
			t.Errorf("%s: %d endpoints in %d endpoint-AZs", m.Name, m.InterfaceEndpoints, m.InterfaceEndpointAZs)
		}
	}
	if report.Seed.NATGateways == 0 || report.Seed.TotalOf(tui.KindNAT) <= 0 {
		t.Errorf("seed has no priced NAT: %+v", report.Seed)
	}
	if report.Profile.PricesAsOf == "" || report.Profile.Region != table.Region {
		t.Errorf("profile model %+v lacks its price date / region", report.Profile)
	}
	for name, p := range map[string]float64{"NAT hour": prices.NATHour, "NAT GB": prices.NATPerGB, "endpoint AZ-hour": prices.EndpointAZHour} {
		if p <= 0 {
			t.Errorf("%s price is %v", name, p)
		}
	}
}

func TestRegionWithoutPriceTableIsAnErrorNotAnotherRegionsPrices(t *testing.T) {
	_, _, err := Build("dev", "ap-south-2", noEnv)
	if err == nil || !strings.Contains(err.Error(), "ap-south-2") {
		t.Fatalf("got %v", err)
	}
}

type fixedNAT struct{ bytes float64 }

func (f fixedNAT) DailyNATBytes(_ context.Context, _ []string, start, end time.Time) ([]tui.DayBytes, error) {
	var out []tui.DayBytes
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		out = append(out, tui.DayBytes{Day: d, Bytes: f.bytes})
	}
	return out, nil
}

func TestObservedSpendUsesTheTablesPrices(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	src := Source{Profile: "seed", Lookup: noEnv, Observe: true, Metrics: fixedNAT{bytes: 1e9},
		NATGatewayIDs: []string{"nat-1"}, InterfaceEndpointIDs: []string{"vpce-1"}, Days: 14, Now: func() time.Time { return now }}
	r, err := src.Costs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, prices, _ := Build("seed", "", noEnv)
	want := 24*prices.NATHour + prices.NATPerGB + float64(r.Profile.InterfaceEndpointAZs)*24*prices.EndpointAZHour
	if strings.Join(r.Observed.InterfaceEndpointIDs, ",") != "vpce-1" {
		t.Errorf("observed endpoints = %v, want the source's [vpce-1]", r.Observed.InterfaceEndpointIDs)
	}
	if len(r.Observed.Days) != 14 || math.Abs(r.Observed.Days[0].Dollars()-want) > 1e-9 {
		t.Errorf("day priced %v, want %v", r.Observed.Days[0].Dollars(), want)
	}
}
