package report

import (
	"fmt"
	"io"
	"math"
	"sort"
	"text/tabwriter"
)

// BoltVsSinkGoals are the targets of bolt's rate as a share (percent) of the
// sink's at the same connection count: a lone client must not wait on a
// batch timer, and the share rises with concurrency as commits are shared.
var BoltVsSinkGoals = map[int]float64{1: 10, 16: 40, 64: 60}

// ConcurrencyRow is the sink and docmeta on bolt loaded with the same
// number of connections in the same rounds (medians over the rounds).
type ConcurrencyRow struct {
	Connections       int     `json:"connections"`
	SinkUploadsPerS   float64 `json:"sink_uploads_per_s"`
	SinkP50Ms         float64 `json:"sink_p50_ms"`
	SinkP99Ms         float64 `json:"sink_p99_ms"`
	BoltUploadsPerS   float64 `json:"bolt_uploads_per_s"`
	BoltP50Ms         float64 `json:"bolt_p50_ms"`
	BoltP99Ms         float64 `json:"bolt_p99_ms"`
	BoltVsSinkPercent float64 `json:"bolt_vs_sink_percent"`
	// GoalPercent is the target share, 0 where the issue sets none.
	GoalPercent float64 `json:"goal_percent,omitempty"`

	hasSink, hasBolt bool
}

// SetSink records the sink's rate and latencies at conns connections.
func (r *Results) SetSink(conns int, perS, p50, p99 float64) {
	row := r.row(conns)
	row.SinkUploadsPerS, row.SinkP50Ms, row.SinkP99Ms, row.hasSink = perS, p50, p99, true
}

// SetBolt records docmeta-on-bolt's rate and latencies at conns connections.
func (r *Results) SetBolt(conns int, perS, p50, p99 float64) {
	row := r.row(conns)
	row.BoltUploadsPerS, row.BoltP50Ms, row.BoltP99Ms, row.hasBolt = perS, p50, p99, true
}

func (r *Results) row(conns int) *ConcurrencyRow {
	for _, row := range r.Concurrency {
		if row.Connections == conns {
			return row
		}
	}
	row := &ConcurrencyRow{Connections: conns, GoalPercent: BoltVsSinkGoals[conns]}
	r.Concurrency = append(r.Concurrency, row)
	sort.Slice(r.Concurrency, func(i, j int) bool { return r.Concurrency[i].Connections < r.Concurrency[j].Connections })
	return row
}

// concurrencyTargets fills each row's share and judges the rows that have
// a goal.
func (r *Results) concurrencyTargets() []Target {
	var ts []Target
	for _, row := range r.Concurrency {
		if row.hasSink && row.hasBolt && row.SinkUploadsPerS > 0 {
			row.BoltVsSinkPercent = math.Round(1000*row.BoltUploadsPerS/row.SinkUploadsPerS) / 10
		}
		if row.GoalPercent == 0 {
			continue
		}
		t := Target{
			Name:  fmt.Sprintf("bolt vs sink, %d conns (%%)", row.Connections),
			Value: row.BoltVsSinkPercent,
			Goal:  fmt.Sprintf(">= %g%% of the sink at %d conns", row.GoalPercent, row.Connections),
		}
		if row.hasSink && row.hasBolt && row.SinkUploadsPerS > 0 {
			t.Met = t.Value >= row.GoalPercent
		} else {
			t.Reason = "needs both the sink and bolt at this connection count"
		}
		ts = append(ts, t)
	}
	return ts
}

// printConcurrency writes the per-connection-count table.
func (r *Results) printConcurrency(w io.Writer) {
	if len(r.Concurrency) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "connections\tsink/s\tsink p50 ms\tsink p99 ms\tbolt/s\tbolt p50 ms\tbolt p99 ms\tbolt/sink\tgoal")
	for _, row := range r.Concurrency {
		goal := "-"
		if row.GoalPercent > 0 {
			goal = fmt.Sprintf(">= %g%%", row.GoalPercent)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s%%\t%s\n", row.Connections,
			format(row.SinkUploadsPerS), format(row.SinkP50Ms), format(row.SinkP99Ms),
			format(row.BoltUploadsPerS), format(row.BoltP50Ms), format(row.BoltP99Ms),
			format(row.BoltVsSinkPercent), goal)
	}
	tw.Flush()
	fmt.Fprintln(w)
}
