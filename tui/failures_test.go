package tui

import (
	"bytes"
	"errors"
	"log/slog"
	"testing"
	"time"
)

// A source that never answers ends at the request timeout with an error
// that says so, and the screen stops loading.
func TestHangingSourceEndsAtTheRequestTimeout(t *testing.T) {
	docs := &hangingDocs{release: make(chan struct{})}
	defer close(docs.release)
	m := newTestModel(t, Config{Documents: docs, RequestTimeout: 20 * time.Millisecond})
	run(t, m, m.Init())
	mustContain(t, m.View(), "unreachable: no answer within 20ms (is the server or AWS endpoint up?)",
		"Documents could not be listed")
	mustNotContain(t, m.View(), "loading")
}

func TestCostsFailingOnFirstLoad(t *testing.T) {
	down := Errorf(ProblemUnauthorized, nil, "AWS credentials expired: run `aws sso login` (or refresh the profile's keys)")
	src := &fakeCosts{err: down}
	m := newTestModel(t, Config{Costs: src})
	run(t, m, m.Init())
	press(t, m, "3")
	mustContain(t, m.View(), "Costs unavailable (see the status line).", "unauthorized: AWS credentials expired")
	mustNotContain(t, m.View(), "Loading costs", "loading")

	// The next refresh that works draws the model and clears the error.
	src.set(sampleReport(), nil)
	press(t, m, "r")
	mustContain(t, m.View(), "dev vs seed: $37.16 vs $104.32")
	mustNotContain(t, m.View(), "unauthorized", "Costs unavailable")
}

// An empty report without an error says what is missing instead of
// "Loading costs..." forever.
func TestCostsEmptyReportSaysSo(t *testing.T) {
	m := newTestModel(t, Config{Costs: &fakeCosts{}})
	run(t, m, m.Init())
	press(t, m, "3")
	mustContain(t, m.View(), `The cost source returned no line items for the "dev" model`, "then press r.")
	mustNotContain(t, m.View(), "Loading costs", "loading")
}

func TestDocumentsNextPageFailure(t *testing.T) {
	docs := &fakeDocs{docs: sampleDocs(15)}
	m := newTestModel(t, Config{Documents: docs, PageSize: 10})
	run(t, m, m.Init())
	mustContain(t, m.View(), "page 1 · 10 documents · more: n")

	docs.set(sampleDocs(15), errors.New("connection reset by peer"))
	press(t, m, "n")
	// The failure shows in the status line; page 1 stays on screen and
	// usable, and n tries the same page again.
	mustContain(t, m.View(), "error: connection reset by peer", "page 1 · 10 documents · more: n", "report-15.pdf")
	mustNotContain(t, m.View(), "loading")

	docs.set(sampleDocs(15), nil)
	press(t, m, "n")
	mustContain(t, m.View(), "page 2 · 5 documents · last page · back: p", "report-05.pdf")
	mustNotContain(t, m.View(), "connection reset")
	if got := docs.calls; len(got) != 3 || got[1] != "c10" || got[2] != "c10" {
		t.Errorf("cursors asked for %q, want \"\", c10, c10", got)
	}
}

// The debug log keeps a crashed source's full stack, which the status line
// has no room for.
func TestPanicStackGoesToTheDebugLog(t *testing.T) {
	var log bytes.Buffer
	m := newTestModel(t, Config{Documents: panickingDocs{}, Logger: slog.New(slog.NewJSONHandler(&log, nil))})
	run(t, m, m.Init())
	mustContain(t, log.String(), `"msg":"fetch"`, `"view":"Documents"`, `"error":"the data source crashed`, `"stack":"goroutine `, "panickingDocs.ListDocuments")
}

// When several calls of one refresh fail, the status line names the first
// with its fix and says, at 80 columns, how many more failed and where to
// read them: the debug log, which holds every one.
func TestSeveralFailedCallsAreCountedInTheStatusLine(t *testing.T) {
	partial := sampleGroup()
	partial.Failed = []string{PartInstanceRefresh, PartTargetHealth, PartLaunchTimes}
	err := JoinErrors(
		CallErrorf("autoscaling:DescribeInstanceRefreshes", ProblemUnauthorized, errors.New("api error AccessDenied: not authorized"),
			"autoscaling:DescribeInstanceRefreshes refused (AccessDenied): AWS credentials expired or lack permission; refresh them (aws sso login / new keys) or pick --profile"),
		CallErrorf("elasticloadbalancing:DescribeTargetHealth", ProblemThrottled, nil, "elasticloadbalancing:DescribeTargetHealth throttled by AWS (Throttling); the next refresh retries, or raise --interval"),
		CallErrorf("ec2:DescribeInstances", ProblemUnauthorized, nil, "ec2:DescribeInstances refused (UnauthorizedOperation): AWS credentials expired or lack permission"))
	for _, tc := range []struct {
		name  string
		log   *bytes.Buffer
		where string
	}{{"without debug log", nil, "(+2 more failed: rerun with --debug-log)"}, {"with debug log", &bytes.Buffer{}, "(+2 more failed: see --debug-log)"}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Mode: "aws", Fleet: &fakeFleet{value: Fleet{Group: partial}, err: err}}
			if tc.log != nil {
				cfg.Logger = slog.New(slog.NewJSONHandler(tc.log, nil))
			}
			m := newTestModel(t, cfg)
			m.Update(teaSize(80, 24))
			run(t, m, m.Init())
			press(t, m, "2")
			screen := m.View()
			mustContain(t, screen, "unauthorized: autoscaling:DescribeInstanceRefreshes refused (AccessDenied)", tc.where, "? help", "q quit")
			mustNotContain(t, screen, "unauthorized: 3 calls failed")
			mustFit(t, screen, 80)
			if tc.log != nil {
				mustContain(t, tc.log.String(), "DescribeInstanceRefreshes refused", "DescribeTargetHealth throttled", "ec2:DescribeInstances refused")
			}
		})
	}
}

// A single failure keeps its whole message: no count, no tail.
func TestOneFailedCallHasNoCount(t *testing.T) {
	m := newTestModel(t, Config{Documents: &fakeDocs{err: JoinErrors(nil, errors.New("connection refused"), nil)}})
	run(t, m, m.Init())
	mustContain(t, m.View(), "error: connection refused")
	mustNotContain(t, m.View(), "more failed")
}
