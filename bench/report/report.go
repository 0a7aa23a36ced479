// Package report holds the numbers `make bench` measures, checks them
// against the project's benchmark targets (the README's table), and
// renders them as the printed table and bench/out/results.json.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
)

// Metric keys written to results.json. The first ten are the ones the
// targets judge; the rest give context to read them by.
const (
	UploadsPerSBolt        = "uploads_per_s_bolt"
	P50MsBolt              = "p50_ms_bolt"
	P99MsBolt              = "p99_ms_bolt"
	SinkUploadsPerS        = "sink_uploads_per_s"
	UploadsPerSDynamo      = "uploads_per_s_dynamodb"
	P99MsDynamo            = "p99_ms_dynamodb"
	DynalitePutItemPerS    = "dynalite_putitem_per_s"
	LargeUploadMiBPerS     = "large_upload_mib_per_s"
	LargeUploadPeakRSSMiB  = "large_upload_peak_rss_mib"
	StartToHealthyMs       = "start_to_healthy_ms"
	LoadgenCeilingPerS     = "loadgen_ceiling_per_s"
	SinkP99Ms              = "sink_p99_ms"
	P50MsDynamo            = "p50_ms_dynamodb"
	DynalitePutItemP99Ms   = "dynalite_putitem_p99_ms"
	BoltVsSinkPercent      = "bolt_vs_sink_percent"
	DynamoVsPutItemPercent = "dynamodb_vs_putitem_percent"
)

// Run is one measured load phase, kept for the report's error column.
type Run struct {
	Name            string      `json:"name"`
	Sent            int         `json:"sent"`
	OK              int         `json:"ok"`
	Non2xx          int         `json:"non_2xx"`
	Status          map[int]int `json:"status,omitempty"`
	TransportErrors int         `json:"transport_errors"`
	FirstError      string      `json:"first_error,omitempty"`
	Seconds         float64     `json:"seconds"`
	Note            string      `json:"note,omitempty"`
}

// Clean reports whether the phase had no errors of any kind.
func (r Run) Clean() bool {
	return r.Non2xx == 0 && r.TransportErrors == 0 && r.FirstError == "" && r.Sent == r.OK
}

// Target is one benchmark goal and whether the run met it.
type Target struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Goal   string  `json:"goal"`
	Met    bool    `json:"met"`
	Reason string  `json:"reason,omitempty"` // why it could not be judged
}

// Results is everything one `make bench` run produced.
type Results struct {
	Metrics map[string]float64
	Runs    []Run
	// Failures are phases that could not run at all (a binary that did not
	// start, a store that refused the table); their metrics are missing.
	Failures []string
	// Warnings say why numbers may be unrepresentative (a busy machine).
	Warnings []string
	Machine  string
	// Concurrency holds the sink and bolt at each measured connection
	// count, fewest first.
	Concurrency []*ConcurrencyRow
}

// Warn records a caveat printed with the table and kept in the JSON.
func (r *Results) Warn(msg string) { r.Warnings = append(r.Warnings, msg) }

// New returns empty results.
func New() *Results { return &Results{Metrics: map[string]float64{}} }

// Set records one metric.
func (r *Results) Set(key string, v float64) { r.Metrics[key] = v }

// Fail records a phase that could not be measured.
func (r *Results) Fail(phase string, err error) {
	r.Failures = append(r.Failures, fmt.Sprintf("%s: %v", phase, err))
}

// HadErrors reports whether any phase failed or saw non-2xx or transport
// errors.
func (r *Results) HadErrors() bool {
	if len(r.Failures) > 0 {
		return true
	}
	for _, run := range r.Runs {
		if !run.Clean() {
			return true
		}
	}
	return false
}

// Targets judges the metrics against the benchmark goals. A
// target whose metric is missing is reported as missed with the reason.
func (r *Results) Targets() []Target {
	m := r.Metrics
	get := func(k string) (float64, bool) { v, ok := m[k]; return v, ok }
	var ts []Target
	atLeast := func(name, key string, goal float64) {
		v, ok := get(key)
		t := Target{Name: name, Value: v, Goal: fmt.Sprintf(">= %g", goal), Met: ok && v >= goal}
		if !ok {
			t.Reason = key + " was not measured"
		}
		ts = append(ts, t)
	}
	atMost := func(name, key string, goal float64) {
		v, ok := get(key)
		t := Target{Name: name, Value: v, Goal: fmt.Sprintf("<= %g", goal), Met: ok && v <= goal}
		if !ok {
			t.Reason = key + " was not measured"
		}
		ts = append(ts, t)
	}
	ratio := func(name, key, num, den string, goalPct float64) {
		a, okA := get(num)
		b, okB := get(den)
		t := Target{Name: name, Goal: fmt.Sprintf(">= %g%% of %s", goalPct, den)}
		if okA && okB && b > 0 {
			t.Value = math.Round(1000*a/b) / 10
			t.Met = t.Value >= goalPct
			m[key] = t.Value
		} else {
			t.Reason = "needs both " + num + " and " + den
		}
		ts = append(ts, t)
	}
	atLeast("bolt uploads/s", UploadsPerSBolt, 10000)
	ratio("bolt vs sink (%)", BoltVsSinkPercent, UploadsPerSBolt, SinkUploadsPerS, 60)
	if rows := r.concurrencyTargets(); len(rows) > 0 {
		// The per-connection rows judge the share, the 64-connection
		// one included; the headline ratio stays a metric.
		ts = append(ts[:len(ts)-1], rows...)
	}
	atMost("bolt p99 (ms)", P99MsBolt, 20)
	ratio("dynamodb vs PutItem (%)", DynamoVsPutItemPercent, UploadsPerSDynamo, DynalitePutItemPerS, 80)
	atLeast("1 GiB upload (MiB/s)", LargeUploadMiBPerS, 600)
	atMost("1 GiB upload peak RSS (MiB)", LargeUploadPeakRSSMiB, 64)
	atMost("start to healthy (ms)", StartToHealthyMs, 100)
	return ts
}

// PrintTable writes the human report: metrics, phases with their errors,
// targets, and a last line saying whether the run was clean.
func (r *Results) PrintTable(w io.Writer) {
	targets := r.Targets() // also fills the ratio metrics
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "metric\tvalue")
	keys := make([]string, 0, len(r.Metrics))
	for k := range r.Metrics {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s\n", k, format(r.Metrics[k]))
	}
	fmt.Fprintln(tw, "\t")
	fmt.Fprintln(tw, "phase\tsent\tok\tnon-2xx\ttransport errors\tseconds\tnote")
	for _, run := range r.Runs {
		note := run.Note
		if run.FirstError != "" {
			note = strings.TrimSpace(note + " first error: " + run.FirstError)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.1f\t%s\n", run.Name, run.Sent, run.OK, run.Non2xx, run.TransportErrors, run.Seconds, note)
	}
	fmt.Fprintln(tw, "\t")
	tw.Flush()
	r.printConcurrency(w)
	fmt.Fprintln(tw, "target\tvalue\tgoal\tresult")
	for _, t := range targets {
		res := "MET"
		if !t.Met {
			res = "MISSED"
			if t.Reason != "" {
				res += " (" + t.Reason + ")"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.Name, format(t.Value), t.Goal, res)
	}
	tw.Flush()
	for _, f := range r.Failures {
		fmt.Fprintln(w, "FAILED PHASE:", f)
	}
	for _, m := range r.Warnings {
		fmt.Fprintln(w, "WARNING:", m)
	}
	missed := 0
	for _, t := range targets {
		if !t.Met {
			missed++
		}
	}
	switch {
	case r.HadErrors():
		fmt.Fprintf(w, "RESULT: this run HAD ERRORS (see the phases above); %d of %d targets missed\n", missed, len(targets))
	case missed > 0:
		fmt.Fprintf(w, "RESULT: clean run; %d of %d targets MISSED\n", missed, len(targets))
	default:
		fmt.Fprintf(w, "RESULT: clean run; all %d targets met\n", len(targets))
	}
}

// format prints large numbers without decimals and small ones with one or two.
func format(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

// JSON is the results.json document: the metrics at the top level, where
// tools read them, plus the phases, targets and errors under their own keys.
func (r *Results) JSON() ([]byte, error) {
	targets := r.Targets()
	doc := map[string]any{}
	for k, v := range r.Metrics {
		doc[k] = v
	}
	doc["had_errors"] = r.HadErrors()
	doc["runs"] = r.Runs
	doc["targets"] = targets
	doc["failures"] = r.Failures
	doc["warnings"] = r.Warnings
	doc["machine"] = r.Machine
	doc["concurrency"] = r.Concurrency
	return json.MarshalIndent(doc, "", "  ")
}

// WriteJSON writes the JSON document to path, creating its directory.
func (r *Results) WriteJSON(path string) error {
	b, err := r.JSON()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
