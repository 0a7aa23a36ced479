package awshealth

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/docmeta/docmeta/internal/testenv"
	"github.com/docmeta/docmeta/tui"
)

// The real SDK clients against one loopback fake: CloudWatch in Smithy RPC
// v2 CBOR (what this SDK version sends), Auto Scaling in query/XML.

const cwPath = "/service/GraniteServiceVersion20100801/operation/GetMetricData"

var now = time.Date(2026, 11, 27, 9, 32, 10, 0, time.UTC)

// end is now truncated to the 5-minute period: 09:30.
var end = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

const activities = `<DescribeScalingActivitiesResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
  <DescribeScalingActivitiesResult>
    <Activities>
      <member>
        <ActivityId>5d1a0c9e-0000-4000-8000-000000000002</ActivityId>
        <AutoScalingGroupName>docmeta-dev-asg</AutoScalingGroupName>
        <Description>Launching a new EC2 instance: i-0ddd3333eeee4444f</Description>
        <Cause>At 2026-11-27T08:45:00Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 1 to 2.</Cause>
        <StartTime>2026-11-27T08:45:12.345Z</StartTime>
        <EndTime>2026-11-27T08:46:40Z</EndTime>
        <StatusCode>Successful</StatusCode>
        <Progress>100</Progress>
        <Details>{"Subnet ID":"subnet-1","Availability Zone":"us-east-1b"}</Details>
      </member>
      <member>
        <ActivityId>5d1a0c9e-0000-4000-8000-000000000001</ActivityId>
        <AutoScalingGroupName>docmeta-dev-asg</AutoScalingGroupName>
        <Description>Terminating EC2 instance: i-0bbb2222cccc3333d</Description>
        <Cause>At 2026-11-27T08:40:00Z an instance was taken out of service in response to an ELB system health check failure.</Cause>
        <StartTime>2026-11-27T08:40:05Z</StartTime>
        <StatusCode>InProgress</StatusCode>
        <Progress>50</Progress>
      </member>
    </Activities>
  </DescribeScalingActivitiesResult>
  <ResponseMetadata><RequestId>8e6a1c3f-0000-4000-8000-000000000009</RequestId></ResponseMetadata>
</DescribeScalingActivitiesResponse>`

type sentQuery struct {
	id, ns, metric, stat string
	dims                 map[string]string
	period               int64
}

type fakeAWS struct {
	mu         sync.Mutex
	queries    []sentQuery
	start, end time.Time
	forms      []map[string]string
	cwFail     string
	asgFail    string
	// points answers each query id with values at period starts (offsets
	// in periods from the window's start).
	points func(q sentQuery) map[int]float64
}

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDTEST/") {
		http.Error(w, "unsigned", 403)
		return
	}
	if r.URL.Path == cwPath {
		f.cloudWatch(w, r)
		return
	}
	r.ParseForm()
	f.mu.Lock()
	form := map[string]string{}
	for k := range r.PostForm {
		form[k] = r.PostForm.Get(k)
	}
	f.forms = append(f.forms, form)
	fail := f.asgFail
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	if fail != "" || form["Action"] != "DescribeScalingActivities" {
		w.WriteHeader(400)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>recorded</Message></Error></ErrorResponse>`, fail)
		return
	}
	io.WriteString(w, activities)
}

func (f *fakeAWS) cloudWatch(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	v, err := cbor.Decode(body)
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	in := v.(cbor.Map)
	str := func(v cbor.Value) string { s, _ := v.(cbor.String); return string(s) }
	f.mu.Lock()
	defer f.mu.Unlock()
	f.start, _ = cbor.AsTime(in["StartTime"])
	f.end, _ = cbor.AsTime(in["EndTime"])
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Header().Set("Content-Type", "application/cbor")
	if f.cwFail != "" {
		w.Header().Set("X-Amzn-Query-Error", f.cwFail+";Sender")
		w.WriteHeader(400)
		w.Write(cbor.Encode(cbor.Map{"__type": cbor.String("com.amazonaws.cloudwatch#" + f.cwFail), "message": cbor.String("recorded failure")}))
		return
	}
	results := cbor.List{}
	for _, qv := range in["MetricDataQueries"].(cbor.List) {
		q := qv.(cbor.Map)
		stat := q["MetricStat"].(cbor.Map)
		metric := stat["Metric"].(cbor.Map)
		period, _ := cbor.AsInt64(stat["Period"])
		sq := sentQuery{id: str(q["Id"]), ns: str(metric["Namespace"]), metric: str(metric["MetricName"]), stat: str(stat["Stat"]),
			period: period, dims: map[string]string{}}
		for _, d := range metric["Dimensions"].(cbor.List) {
			sq.dims[str(d.(cbor.Map)["Name"])] = str(d.(cbor.Map)["Value"])
		}
		f.queries = append(f.queries, sq)
		ts, vs := cbor.List{}, cbor.List{}
		for slot, val := range f.points(sq) {
			ts = append(ts, &cbor.Tag{ID: 1, Value: cbor.Float64(float64(f.start.Add(time.Duration(slot) * 5 * time.Minute).Unix()))})
			vs = append(vs, cbor.Float64(val))
		}
		results = append(results, cbor.Map{"Id": cbor.String(sq.id), "Label": cbor.String(sq.metric), "StatusCode": cbor.String("Complete"),
			"Timestamps": ts, "Values": vs})
	}
	w.Write(cbor.Encode(cbor.Map{"MetricDataResults": results}))
}

func newSource(t *testing.T, fake *fakeAWS, cfg Config) *Source {
	t.Helper()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	awsCfg := testenv.FakeAWSConfig(srv.URL)
	cw := cloudwatch.NewFromConfig(awsCfg)
	asg := autoscaling.NewFromConfig(awsCfg)
	cfg.Now = func() time.Time { return now }
	return New(cw, asg, cfg)
}

func fullConfig() Config {
	return Config{LoadBalancer: "app/docmeta-dev/50dc6c495c0c9188", TargetGroup: "targetgroup/docmeta-dev/0123456789abcdef",
		Table: "docmeta-dev-documents", Group: "docmeta-dev-asg"}
}

// points: 5xx at slots 13-14, p99 0.9 s at slot 14, 2+3+4 throttles over
// the three operations at slot 20, requests everywhere.
func samplePoints(q sentQuery) map[int]float64 {
	switch {
	case q.metric == "RequestCount":
		return map[int]float64{0: 300, 1: 320, 35: 280}
	case q.metric == "HTTPCode_Target_5XX_Count":
		return map[int]float64{13: 12, 14: 30}
	case q.metric == "TargetResponseTime" && q.stat == "p99":
		return map[int]float64{14: 0.9, 15: 0.045}
	case q.metric == "TargetResponseTime":
		return map[int]float64{14: 0.004}
	case q.metric == "ThrottledRequests":
		return map[int]float64{20: map[string]float64{"PutItem": 2, "GetItem": 3, "Query": 4}[q.dims["Operation"]]}
	case q.metric == "SuccessfulRequestLatency" && q.dims["Operation"] == "Query":
		return map[int]float64{3: 6.5}
	}
	return nil
}

func TestHealthOneGetMetricDataCallAndTheActivities(t *testing.T) {
	fake := &fakeAWS{points: samplePoints}
	h, err := newSource(t, fake, fullConfig()).Health(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !h.Start.Equal(end.Add(-3*time.Hour)) || !h.End.Equal(end) || h.Period != 5*time.Minute || len(h.Failed) != 0 {
		t.Errorf("window %v..%v period %v failed %v", h.Start, h.End, h.Period, h.Failed)
	}
	if !fake.start.Equal(h.Start) || !fake.end.Equal(h.End) {
		t.Errorf("asked CloudWatch for %v..%v", fake.start, fake.end)
	}
	// What the SDK sent: every metric the issue names with its dimensions.
	sent := map[string]sentQuery{}
	for _, q := range fake.queries {
		key := q.metric + " " + q.stat + " " + q.dims["Operation"]
		sent[key] = q
		if q.period != 300 {
			t.Errorf("%s: period %d, want 300", key, q.period)
		}
	}
	lb := "app/docmeta-dev/50dc6c495c0c9188"
	for key, dims := range map[string]map[string]string{
		"RequestCount Sum ":                        {"LoadBalancer": lb},
		"HTTPCode_Target_5XX_Count Sum ":           {"LoadBalancer": lb},
		"HTTPCode_ELB_5XX_Count Sum ":              {"LoadBalancer": lb},
		"TargetResponseTime p50 ":                  {"LoadBalancer": lb},
		"TargetResponseTime p99 ":                  {"LoadBalancer": lb},
		"UnHealthyHostCount Maximum ":              {"LoadBalancer": lb, "TargetGroup": "targetgroup/docmeta-dev/0123456789abcdef"},
		"ThrottledRequests Sum PutItem":            {"TableName": "docmeta-dev-documents", "Operation": "PutItem"},
		"ThrottledRequests Sum GetItem":            {"TableName": "docmeta-dev-documents", "Operation": "GetItem"},
		"ThrottledRequests Sum Query":              {"TableName": "docmeta-dev-documents", "Operation": "Query"},
		"SuccessfulRequestLatency Average PutItem": {"TableName": "docmeta-dev-documents", "Operation": "PutItem"},
		"SuccessfulRequestLatency Average Query":   {"TableName": "docmeta-dev-documents", "Operation": "Query"},
	} {
		q, ok := sent[key]
		if !ok || fmt.Sprint(q.dims) != fmt.Sprint(dims) {
			t.Errorf("query %q: sent %v (present %v), want dimensions %v", key, q.dims, ok, dims)
		}
	}
	if len(fake.queries) != 11 {
		t.Errorf("%d queries, want 11 in one call", len(fake.queries))
	}

	byLabel := map[string]tui.Series{}
	for _, s := range h.Series {
		if len(s.Values) != 36 {
			t.Errorf("%s: %d values, want 36", s.Label, len(s.Values))
		}
		byLabel[s.Label] = s
	}
	check := func(label string, slot int, want float64) {
		t.Helper()
		got := byLabel[label].Values[slot]
		if math.IsNaN(want) != math.IsNaN(got) || (!math.IsNaN(want) && math.Abs(got-want) > 1e-9) {
			t.Errorf("%s[%d] = %v, want %v", label, slot, got, want)
		}
	}
	check("ALB requests", 35, 280)
	check("ALB requests", 2, math.NaN())
	check("ALB 5XX (target)", 14, 30)
	check("Response p99", 14, 900) // seconds to ms
	check("Response p50", 14, 4)
	check("DynamoDB throttled", 20, 9) // summed over the operations
	check("DynamoDB Query", 3, 6.5)
	if !byLabel["ALB 5XX (target)"].Bad || byLabel["ALB requests"].Bad {
		t.Error("5xx must be flagged as bad, requests not")
	}

	if len(h.Activities) != 2 {
		t.Fatalf("activities = %+v", h.Activities)
	}
	a := h.Activities[0]
	if a.Status != "Successful" || a.Description != "Launching a new EC2 instance: i-0ddd3333eeee4444f" ||
		!strings.HasPrefix(a.Cause, "At 2026-11-27T08:45:00Z an instance was started") ||
		!a.Start.Equal(time.Date(2026, 11, 27, 8, 45, 12, 345e6, time.UTC)) || h.Activities[1].Status != "InProgress" {
		t.Errorf("activity = %+v", a)
	}
	form := fake.forms[0]
	if form["AutoScalingGroupName"] != "docmeta-dev-asg" || form["MaxRecords"] != "10" {
		t.Errorf("DescribeScalingActivities form = %v", form)
	}
}

// A failed call leaves the other's data and names the missing part.
func TestHealthKeepsTheOtherPartWhenOneCallFails(t *testing.T) {
	fake := &fakeAWS{points: samplePoints, cwFail: "Throttling"}
	h, err := newSource(t, fake, fullConfig()).Health(context.Background())
	if tui.ProblemOf(err) != tui.ProblemThrottled || !strings.Contains(err.Error(), "cloudwatch:GetMetricData throttled") {
		t.Errorf("error = %v", err)
	}
	if len(h.Series) != 0 || len(h.Activities) != 2 || fmt.Sprint(h.Failed) != "[metrics]" {
		t.Errorf("health = %d series, %d activities, failed %v", len(h.Series), len(h.Activities), h.Failed)
	}

	fake = &fakeAWS{points: samplePoints, asgFail: "ExpiredToken"}
	h, err = newSource(t, fake, fullConfig()).Health(context.Background())
	if tui.ProblemOf(err) != tui.ProblemUnauthorized || !strings.Contains(err.Error(), "autoscaling:DescribeScalingActivities refused") {
		t.Errorf("error = %v", err)
	}
	if len(h.Series) != 9 || len(h.Activities) != 0 || fmt.Sprint(h.Failed) != "[scaling activities]" {
		t.Errorf("health = %d series, %d activities, failed %v", len(h.Series), len(h.Activities), h.Failed)
	}
}

// Outputs written before the ARN suffixes existed chart DynamoDB alone and
// say what is missing.
func TestHealthWithoutALBOutputs(t *testing.T) {
	cfg := fullConfig()
	cfg.LoadBalancer, cfg.TargetGroup = "", ""
	fake := &fakeAWS{points: samplePoints}
	h, err := newSource(t, fake, cfg).Health(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Series) != 3 || len(fake.queries) != 5 || len(h.Failed) != 1 || !strings.Contains(h.Failed[0], "alb_arn_suffix") {
		t.Errorf("%d series, %d queries, failed %v", len(h.Series), len(fake.queries), h.Failed)
	}
}
