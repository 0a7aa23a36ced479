package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func full() *Results {
	r := New()
	for k, v := range map[string]float64{
		UploadsPerSBolt: 12000, P50MsBolt: 3, P99MsBolt: 15, SinkUploadsPerS: 18000,
		UploadsPerSDynamo: 1700, P99MsDynamo: 80, DynalitePutItemPerS: 2000,
		LargeUploadMiBPerS: 800, LargeUploadPeakRSSMiB: 30, StartToHealthyMs: 20,
	} {
		r.Set(k, v)
	}
	r.Runs = []Run{{Name: "bolt", Sent: 10, OK: 10}}
	return r
}

func TestAllTargetsMet(t *testing.T) {
	r := full()
	for _, tg := range r.Targets() {
		if !tg.Met {
			t.Errorf("target %+v missed; want met", tg)
		}
	}
	var out bytes.Buffer
	r.PrintTable(&out)
	if !strings.Contains(out.String(), "RESULT: clean run; all 7 targets met") {
		t.Fatalf("table:\n%s", out.String())
	}
	if r.Metrics[BoltVsSinkPercent] != 66.7 || r.Metrics[DynamoVsPutItemPercent] != 85 {
		t.Fatalf("ratios %v %v", r.Metrics[BoltVsSinkPercent], r.Metrics[DynamoVsPutItemPercent])
	}
}

func TestMissedTargetsAndErrorsAreSaid(t *testing.T) {
	r := full()
	r.Set(P99MsBolt, 25)                // over 20
	r.Set(UploadsPerSBolt, 9000)        // under 10,000 and under 60% of 18,000
	delete(r.Metrics, StartToHealthyMs) // not measured
	r.Runs = append(r.Runs, Run{Name: "dynamodb", Sent: 10, OK: 8, Non2xx: 2})
	missed := map[string]bool{}
	for _, tg := range r.Targets() {
		if !tg.Met {
			missed[tg.Name] = true
		}
	}
	for _, want := range []string{"bolt uploads/s", "bolt vs sink (%)", "bolt p99 (ms)", "start to healthy (ms)"} {
		if !missed[want] {
			t.Errorf("target %q not reported missed; missed = %v", want, missed)
		}
	}
	if len(missed) != 4 {
		t.Errorf("missed = %v; want exactly 4", missed)
	}
	if !r.HadErrors() {
		t.Fatal("a run with non-2xx responses must count as having errors")
	}
	var out bytes.Buffer
	r.PrintTable(&out)
	if !strings.Contains(out.String(), "HAD ERRORS") || !strings.Contains(out.String(), "start_to_healthy_ms was not measured") {
		t.Fatalf("table does not say what went wrong:\n%s", out.String())
	}
}

func TestJSONHasIssueKeysAtTopLevel(t *testing.T) {
	r := full()
	r.Fail("large upload", errString("server did not start"))
	r.Warn("busy machine")
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{UploadsPerSBolt, P50MsBolt, P99MsBolt, SinkUploadsPerS, UploadsPerSDynamo, P99MsDynamo,
		DynalitePutItemPerS, LargeUploadMiBPerS, LargeUploadPeakRSSMiB, StartToHealthyMs} {
		if _, ok := doc[k].(float64); !ok {
			t.Errorf("results.json lacks numeric %q", k)
		}
	}
	if w, ok := doc["warnings"].([]any); !ok || len(w) != 1 {
		t.Errorf("warnings = %v; want the one recorded", doc["warnings"])
	}
	if doc["had_errors"] != true {
		t.Errorf("had_errors = %v; a failed phase must set it", doc["had_errors"])
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestConcurrencyRowsAreJudgedPerConnectionCount(t *testing.T) {
	r := full()
	for _, c := range []struct {
		conns      int
		sink, bolt float64
	}{{1, 10000, 1500}, {4, 20000, 5000}, {16, 30000, 11000}, {64, 30000, 15000}} {
		r.SetSink(c.conns, c.sink, 0.1, 0.5)
		r.SetBolt(c.conns, c.bolt, 0.6, 2)
	}
	got := map[string]Target{}
	for _, tg := range r.Targets() {
		got[tg.Name] = tg
	}
	if _, ok := got["bolt vs sink (%)"]; ok {
		t.Error("headline bolt vs sink target still judged beside the rows")
	}
	for name, want := range map[string]struct {
		value float64
		met   bool
	}{"bolt vs sink, 1 conns (%)": {15, true}, "bolt vs sink, 16 conns (%)": {36.7, false}, "bolt vs sink, 64 conns (%)": {50, false}} {
		tg, ok := got[name]
		if !ok || tg.Value != want.value || tg.Met != want.met {
			t.Errorf("target %q = %+v (present %v); want value %v met %v", name, tg, ok, want.value, want.met)
		}
	}
	if _, ok := got["bolt vs sink, 4 conns (%)"]; ok {
		t.Error("4 connections has no goal but was judged")
	}
	var out bytes.Buffer
	r.PrintTable(&out)
	if !strings.Contains(out.String(), "connections  sink/s") || !strings.Contains(out.String(), "36.7%") {
		t.Fatalf("table lacks the concurrency rows:\n%s", out.String())
	}
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Concurrency []ConcurrencyRow `json:"concurrency"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Concurrency) != 4 || doc.Concurrency[0].Connections != 1 || doc.Concurrency[2].BoltVsSinkPercent != 36.7 || doc.Concurrency[2].BoltP99Ms != 2 {
		t.Fatalf("results.json concurrency rows = %+v", doc.Concurrency)
	}
}
