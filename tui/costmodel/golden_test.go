package costmodel

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/docmeta/docmeta/tui"
)

// TestMain fixes the colour profile so screens compare as plain text.
func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// Golden screens of the Costs view priced by the real cost model (every line
// `make cost` prints), at 80x24 and 120x40. Regenerate with:
// go test ./tui/costmodel -run Golden -update

var goldenNow = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

// varyingNAT is 0-9 GB a day, the same days every run.
type varyingNAT struct{ err error }

func (v varyingNAT) DailyNATBytes(_ context.Context, _ []string, start, end time.Time) ([]tui.DayBytes, error) {
	if v.err != nil {
		return nil, v.err
	}
	var out []tui.DayBytes
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		out = append(out, tui.DayBytes{Day: d, Bytes: float64(d.Day()*7%10) * 1e9})
	}
	return out, nil
}

func runCostsGolden(t *testing.T, src Source, stack, model, done string) {
	t.Helper()
	for _, size := range []struct {
		name       string
		cols, rows int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}} {
		t.Run(size.name, func(t *testing.T) {
			cfg := tui.Config{Mode: "aws", Server: "https://docmeta.example.com", Stack: stack, Profile: "ops", Region: "us-east-1", Model: model,
				Intervals: tui.Intervals{Costs: time.Hour}, Now: func() time.Time { return goldenNow }, Location: time.UTC, Costs: src}
			if !src.Observe {
				cfg.Mode, cfg.Server, cfg.Stack, cfg.Profile, cfg.Region = "local", "http://127.0.0.1:8080", "local", "", ""
			}
			tm := teatest.NewTestModel(t, tui.New(cfg), teatest.WithInitialTermSize(size.cols, size.rows))
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Costs")) },
				teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
			tm.Type("3")
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(done)) },
				teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*tui.Model)
			golden.RequireEqual(t, []byte(final.View()))
		})
	}
}

func TestGoldenCostsLocal(t *testing.T) {
	runCostsGolden(t, Source{Profile: "dev", Lookup: noEnv}, "local", "dev", "Cost model")
}

func TestGoldenCostsAWSWithoutNAT(t *testing.T) {
	src := Source{Profile: "dev", Region: "us-east-1", Lookup: noEnv, Observe: true, Metrics: varyingNAT{},
		InterfaceEndpointIDs: []string{"vpce-0123456789abcdef0", "vpce-0fedcba9876543210"}, Days: 14, Now: func() time.Time { return goldenNow }}
	runCostsGolden(t, src, "docmeta-dev", "dev", "Cost model")
}

func TestGoldenCostsAWSWithNAT(t *testing.T) {
	src := Source{Profile: "seed", Region: "us-east-1", Lookup: noEnv, Observe: true, Metrics: varyingNAT{},
		NATGatewayIDs: []string{"nat-0123456789abcdef0"}, Days: 14, Now: func() time.Time { return goldenNow }}
	runCostsGolden(t, src, "docmeta-seed", "seed", "Cost model")
}

// CloudWatch refusing the credentials: the model stays, the status line
// names the failure, the header marks the view stale.
func TestGoldenCostsAWSError(t *testing.T) {
	src := Source{Profile: "dev", Region: "us-east-1", Lookup: noEnv, Observe: true,
		Metrics:       varyingNAT{err: tui.CallErrorf("cloudwatch:GetMetricData", tui.ProblemUnauthorized, nil, "cloudwatch:GetMetricData refused (ExpiredToken): AWS credentials expired or lack permission; refresh them (aws sso login / new keys) or pick --profile")},
		NATGatewayIDs: []string{"nat-0123456789abcdef0"}, Days: 14, Now: func() time.Time { return goldenNow }}
	runCostsGolden(t, src, "docmeta-dev", "dev", "Cost model")
}
