package tui

import (
	"bytes"
	"errors"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// Golden screens: each view run by the real bubbletea program (teatest) at
// 80x24 (the smallest terminal the console is made for) and 120x40, with
// the Ascii colour profile (TestMain), a fixed clock and a fixed time zone.
// Regenerate with: go test ./tui -run Golden -update
// The Costs goldens, priced by the real cost model, live in tui/costmodel.

var goldenSizes = []struct {
	name       string
	cols, rows int
}{{"80x24", 80, 24}, {"120x40", 120, 40}}

func goldenConfig(mode string) Config {
	c := Config{Mode: mode, Server: "http://127.0.0.1:8080", Stack: "local", Model: "dev",
		Intervals: Intervals{Documents: 15 * time.Second, Fleet: 15 * time.Second, Costs: time.Hour, Health: time.Minute},
		Now:       func() time.Time { return fixedNow }, Location: testZone}
	if mode == "aws" {
		c.Server, c.Stack, c.Profile, c.Region = "https://docmeta.example.com", "docmeta-dev", "ops", "us-east-1"
	}
	return c
}

// runGolden runs cfg at both sizes: it waits for ready (the data on
// screen), sends keys, waits for done, quits and compares the final screen
// with testdata/<test>/<size>.golden.
func runGolden(t *testing.T, cfg Config, ready, done string, keys ...string) {
	t.Helper()
	for _, size := range goldenSizes {
		t.Run(size.name, func(t *testing.T) {
			m := New(cfg)
			// The clock stays in the header but never fires during the test.
			m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(size.cols, size.rows))
			wait := func(s string) {
				teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(s)) },
					teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
			}
			wait(ready)
			for _, k := range keys {
				tm.Send(keyMsg(k))
			}
			if done != "" {
				wait(done)
			}
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
			golden.RequireEqual(t, []byte(final.View()))
		})
	}
}

func TestGoldenDocuments(t *testing.T) {
	cfg := goldenConfig("local")
	cfg.Documents = &fakeDocs{docs: sampleDocs(12)}
	cfg.PageSize = 10
	runGolden(t, cfg, "report-03.pdf", "")
}

func TestGoldenDocumentsDetail(t *testing.T) {
	cfg := goldenConfig("local")
	cfg.Documents = &fakeDocs{docs: sampleDocs(4)}
	runGolden(t, cfg, "report-01.pdf", "client's", "down", "enter")
}

func TestGoldenDocumentsFilterOpen(t *testing.T) {
	cfg := goldenConfig("local")
	cfg.Documents = &fakeDocs{docs: sampleDocs(12)}
	runGolden(t, cfg, "report-03.pdf", `match "report-1"`, "/", "report-1")
}

func TestGoldenDocumentsFullHelp(t *testing.T) {
	cfg := goldenConfig("local")
	cfg.Documents = &fakeDocs{docs: sampleDocs(4)}
	runGolden(t, cfg, "report-01.pdf", "previous view", "?")
}

func TestGoldenDocumentsError(t *testing.T) {
	cfg := goldenConfig("local")
	cfg.Documents = &fakeDocs{err: Errorf(ProblemUnauthorized, nil, "the server rejected the API key (401): pass the server's key with --api-key or DOCMETA_API_KEY")}
	runGolden(t, cfg, "rejected the API", "")
}

func TestGoldenFleetAWS(t *testing.T) {
	cfg := goldenConfig("aws")
	cfg.Fleet = &fakeFleet{value: Fleet{Group: sampleGroup()}}
	runGolden(t, cfg, "Fleet", "instances healthy", "2")
}

func TestGoldenFleetAWSDetail(t *testing.T) {
	cfg := goldenConfig("aws")
	cfg.Fleet = &fakeFleet{value: Fleet{Group: sampleGroup()}}
	runGolden(t, cfg, "Fleet", "reason code", "2", "down", "enter")
}

func TestGoldenFleetAWSPartialError(t *testing.T) {
	cfg := goldenConfig("aws")
	g := sampleGroup()
	g.Refresh, g.Failed = nil, []string{PartInstanceRefresh, PartTargetHealth}
	for i := range g.Instances {
		g.Instances[i].Target = Target{}
	}
	cfg.Fleet = &fakeFleet{value: Fleet{Group: g}, err: JoinErrors(
		CallErrorf("autoscaling:DescribeInstanceRefreshes", ProblemThrottled, nil, "autoscaling:DescribeInstanceRefreshes throttled by AWS (Throttling); the next refresh retries, or raise --interval"),
		CallErrorf("elasticloadbalancing:DescribeTargetHealth", ProblemUnauthorized, nil, "elasticloadbalancing:DescribeTargetHealth refused (AccessDenied): AWS credentials expired or lack permission; refresh them (aws sso login / new keys) or pick --profile"))}
	runGolden(t, cfg, "Fleet", "its call failed", "2")
}

func TestGoldenFleetLocal(t *testing.T) {
	cfg := goldenConfig("local")
	cfg.Fleet = &fakeFleet{value: Fleet{Server: &ServerStatus{URL: "http://127.0.0.1:8080", Reachable: true,
		Version: "v0.3.0", Store: "bolt", Latency: 850 * time.Microsecond}}}
	runGolden(t, cfg, "Fleet", "latency", "2")
}

func TestGoldenHealth(t *testing.T) {
	cfg := goldenConfig("aws")
	cfg.Health = &fakeHealth{value: sampleHealth()}
	runGolden(t, cfg, "Health", "Scaling activities", "4")
}

func TestGoldenHealthPartialError(t *testing.T) {
	cfg := goldenConfig("aws")
	h := sampleHealth()
	h.Activities, h.Failed = nil, []string{"scaling activities"}
	cfg.Health = &fakeHealth{value: h, err: CallErrorf("autoscaling:DescribeScalingActivities", ProblemUnauthorized, errors.New("api error ExpiredToken"),
		"autoscaling:DescribeScalingActivities refused (ExpiredToken): AWS credentials expired or lack permission; refresh them (aws sso login / new keys) or pick --profile")}
	runGolden(t, cfg, "Health", "Not fetched", "4")
}
