package tui

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestHealthViewChartsEverySeriesAndTheActivities(t *testing.T) {
	m := newTestModel(t, Config{Mode: "aws", Health: &fakeHealth{value: sampleHealth()}})
	m.Update(teaSize(80, 24))
	run(t, m, m.Init())
	press(t, m, "4")
	screen := m.View()
	mustContain(t, screen, "[4 Health]", "Service last 3h, one column per 5m",
		"ALB requests", "ALB 5XX (target)", "! total 72", "ALB 5XX (ELB)", "total 0 max 0/col", "Response p50", "Response p99",
		"last 40 max 900 ms", "Unhealthy hosts", "! last 0 max 1 hosts", "DynamoDB throttled", "DynamoDB PutItem", "DynamoDB Query",
		"07:30", "10:30", // the time axis, in the local zone (CET)
		"Scaling activities", "11-27 09:45  Successful Launching a new EC2 instance: i-0ddd3333eeee4444f",
		"? help", "q quit")
	mustFit(t, screen, 80)
	// The causes are below the fold at 80x24: page down reaches them.
	press(t, m, "f")
	mustContain(t, m.View(), "a user request update of AutoScalingGroup")
}

func TestHealthViewPartialAndStale(t *testing.T) {
	src := &fakeHealth{value: sampleHealth()}
	clock := newTestClock()
	m := newTestModel(t, Config{Mode: "aws", Health: src, Now: clock.Now})
	run(t, m, m.Init())
	press(t, m, "4")
	clock.advance(2 * time.Minute)
	h := sampleHealth()
	h.Series, h.Failed = nil, []string{"metrics"}
	src.set(h, CallErrorf("cloudwatch:GetMetricData", ProblemThrottled, nil, "cloudwatch:GetMetricData throttled by AWS (Throttling)"))
	press(t, m, "r")
	mustContain(t, m.View(), "PARTIAL: GetMetricData failed, rest updated 10:32:00 (0s ago)", "Not fetched: metrics", "throttled: cloudwatch:GetMetricData", "Launching a new EC2 instance")
	mustNotContain(t, m.View(), "ALB requests")

	// Nothing came back at all: the last good picture stays.
	src.set(ServiceHealth{}, Errorf(ProblemUnreachable, nil, "cloudwatch: AWS endpoint not reachable"))
	press(t, m, "r")
	mustContain(t, m.View(), "STALE: refresh failed, data from 10:32:00", "Launching a new EC2 instance", "unreachable")
	mustNotContain(t, m.View(), "PARTIAL")
}

// Outputs without the ALB suffixes leave its metrics out with no failed
// call: the note says why and sends nobody to a status line that says ok.
func TestHealthViewMissingOutputsNeedNoStatusLine(t *testing.T) {
	h := sampleHealth()
	h.Failed = []string{"ALB metrics (no alb_arn_suffix output: redeploy)"}
	m := newTestModel(t, Config{Mode: "aws", Health: &fakeHealth{value: h}})
	m.Update(teaSize(120, 40))
	run(t, m, m.Init())
	press(t, m, "4")
	mustContain(t, m.View(), "Not fetched: ALB metrics (no alb_arn_suffix output: redeploy)")
	mustNotContain(t, m.View(), "see the status line")
}

func TestHealthTabOnlyInAWSMode(t *testing.T) {
	m := newTestModel(t, Config{Documents: &fakeDocs{}})
	press(t, m, "4")
	if m.ActiveTitle() != "Documents" {
		t.Errorf("4 without a health source went to %s", m.ActiveTitle())
	}
	mustNotContain(t, m.View(), "Health")
}

func TestSparklineAndColumns(t *testing.T) {
	nan := math.NaN()
	if got := sparkline([]float64{0, 1, 2, 4, nan, 8}); got != "▁▂▃▅ █" {
		t.Errorf("sparkline = %q", got)
	}
	if got := sparkline([]float64{0, 0}); got != "▁▁" {
		t.Errorf("all-zero sparkline = %q", got)
	}
	// Folding keeps the peak of each column, so a one-period spike shows.
	got := columns([]float64{1, 9, 1, 1, nan, nan}, 3)
	if got[0] != 9 || got[1] != 1 || !math.IsNaN(got[2]) {
		t.Errorf("columns = %v", got)
	}
	axis := timeAxis(fixedNow.Add(-3*time.Hour), fixedNow, 36, time.UTC)
	if !strings.HasPrefix(axis, "06:30") || !strings.HasSuffix(axis, "09:30") || !strings.Contains(axis, "08:00") {
		t.Errorf("axis = %q", axis)
	}
}
