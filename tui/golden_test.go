package tui

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// Golden screens: each view run by the real bubbletea program (teatest) at a
// fixed 120x40 size, with the Ascii colour profile (TestMain), a fixed clock
// and a fixed time zone. Regenerate with: go test ./tui -run Golden -update

func goldenConfig(mode string) Config {
	c := Config{Mode: mode, Server: "http://127.0.0.1:8080", Stack: "local", Model: "dev", Intervals: Intervals{Documents: 15 * time.Second, Fleet: 15 * time.Second, Costs: time.Hour, Health: time.Minute},
		Now: func() time.Time { return fixedNow }, Location: testZone}
	if mode == "aws" {
		c.Server, c.Stack, c.Profile, c.Region = "https://docmeta.example.com", "docmeta-dev", "ops", "us-east-1"
	}
	return c
}

func runGolden(t *testing.T, cfg Config, waitFor string, keys ...string) {
	t.Helper()
	m := New(cfg)
	// Auto-refresh stays visible in the header but never fires during the test.
	m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	for _, k := range keys {
		tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		if k == "\r" {
			tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		}
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(waitFor)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	golden.RequireEqual(t, []byte(final.View()))
}

func TestGoldenDocuments(t *testing.T) {
	cfg := goldenConfig("local")
	cfg.Documents = &fakeDocs{docs: sampleDocs(12)}
	cfg.PageSize = 10
	runGolden(t, cfg, "report-03.pdf")
}

func TestGoldenDocumentsDetail(t *testing.T) {
	cfg := goldenConfig("local")
	cfg.Documents = &fakeDocs{docs: sampleDocs(4)}
	m := New(cfg)
	m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("report-01.pdf")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(tea.KeyMsg{Type: tea.KeyDown})
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("client's claim")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	golden.RequireEqual(t, []byte(final.View()))
}

func TestGoldenFleetAWS(t *testing.T) {
	cfg := goldenConfig("aws")
	cfg.Fleet = &fakeFleet{fleet: Fleet{Group: sampleGroup()}}
	runGolden(t, cfg, "instances healthy", "2")
}

func TestGoldenFleetLocal(t *testing.T) {
	cfg := goldenConfig("local")
	cfg.Fleet = &fakeFleet{fleet: Fleet{Server: &ServerStatus{URL: "http://127.0.0.1:8080", Reachable: true,
		Version: "v0.3.0", Store: "bolt", Latency: 850 * time.Microsecond}}}
	runGolden(t, cfg, "latency", "2")
}

func goldenNAT() *fakeNAT {
	var days []DayBytes
	for d := 13; d <= 26; d++ {
		gb := []float64{3, 4, 2, 6, 5, 1, 1, 7, 8, 4, 3, 9, 2, 5}[d-13]
		days = append(days, DayBytes{Day: time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC), Bytes: gb * 1e9})
	}
	return &fakeNAT{days: days}
}

func TestGoldenCostsAWSWithNAT(t *testing.T) {
	cfg := goldenConfig("aws")
	cfg.Model, cfg.Stack = "prod", "docmeta-prod"
	report := sampleReport()
	report.Profile = CostModel{Name: "prod", Region: "us-east-1", PricesAsOf: "2026-11-01", NATGateways: 1, InterfaceEndpoints: 2, InterfaceEndpointAZs: 4,
		Lines: []CostLine{
			{Kind: "compute", Item: "EC2 instances", Quantity: "2 x t4g.small", Monthly: 24.53},
			{Kind: "alb", Item: "Application Load Balancer", Quantity: "1", Monthly: 16.43},
			{Kind: KindEndpoint, Item: "Interface endpoints", Quantity: "2 x 2 AZ", Monthly: 29.20},
			{Kind: KindNAT, Item: "NAT gateway hours", Quantity: "1 x 730 h", Monthly: 32.85},
			{Kind: KindIPv4, Item: "Public IPv4 (NAT)", Quantity: "1 x 730 h", Monthly: 3.65},
		}}
	cfg.Costs = ObservedCosts{Model: report, Metrics: goldenNAT(), NATGatewayIDs: []string{"nat-0123456789abcdef0"},
		InterfaceEndpointIDs: []string{"vpce-0123456789abcdef0", "vpce-0fedcba9876543210"}, Prices: testPrices, Days: 14, Now: func() time.Time { return fixedNow }}
	runGolden(t, cfg, "projected", "3")
}

func TestGoldenCostsAWSWithoutNAT(t *testing.T) {
	cfg := goldenConfig("aws")
	cfg.Costs = ObservedCosts{Model: sampleReport(), Metrics: &fakeNAT{}, Prices: testPrices, Days: 14,
		Now: func() time.Time { return fixedNow }}
	runGolden(t, cfg, "projected", "3")
}
