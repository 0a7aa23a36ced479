package awsnat

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/docmeta/docmeta/internal/testenv"
	"github.com/docmeta/docmeta/tui"
)

// This SDK version speaks Smithy RPC v2 CBOR to CloudWatch (the request
// snapshot in the module: POST /service/GraniteServiceVersion20100801/
// operation/GetMetricData, Content-Type application/cbor), so the fake
// decodes and answers CBOR exactly as the service does.

const operationPath = "/service/GraniteServiceVersion20100801/operation/GetMetricData"

type query struct {
	id, namespace, metric, gateway, stat string
	period                               int64
}

type fakeCloudWatch struct {
	mu       sync.Mutex
	queries  [][]query
	start    []time.Time
	tokens   []string
	pages    []cbor.Map
	failCode string
}

func epoch(t time.Time) cbor.Value { return &cbor.Tag{ID: 1, Value: cbor.Float64(float64(t.Unix()))} }

func str(v cbor.Value) string {
	s, _ := v.(cbor.String)
	return string(s)
}

func (f *fakeCloudWatch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != operationPath || r.Header.Get("Smithy-Protocol") != "rpc-v2-cbor" ||
		!strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDTEST/") {
		http.Error(w, "unexpected request "+r.URL.Path, http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(r.Body)
	v, err := cbor.Decode(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	in := v.(cbor.Map)
	var qs []query
	for _, qv := range in["MetricDataQueries"].(cbor.List) {
		q := qv.(cbor.Map)
		stat := q["MetricStat"].(cbor.Map)
		metric := stat["Metric"].(cbor.Map)
		dim := metric["Dimensions"].(cbor.List)[0].(cbor.Map)
		period, _ := cbor.AsInt64(stat["Period"])
		if str(dim["Name"]) != "NatGatewayId" {
			http.Error(w, "dimension "+str(dim["Name"]), http.StatusBadRequest)
			return
		}
		qs = append(qs, query{id: str(q["Id"]), namespace: str(metric["Namespace"]), metric: str(metric["MetricName"]),
			gateway: str(dim["Value"]), stat: str(stat["Stat"]), period: period})
	}
	start, _ := cbor.AsTime(in["StartTime"])
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queries = append(f.queries, qs)
	f.start = append(f.start, start)
	f.tokens = append(f.tokens, str(in["NextToken"]))
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Header().Set("Content-Type", "application/cbor")
	if f.failCode != "" {
		w.Header().Set("X-Amzn-Query-Error", f.failCode+";Sender")
		w.WriteHeader(http.StatusBadRequest)
		w.Write(cbor.Encode(cbor.Map{"__type": cbor.String("com.amazonaws.cloudwatch#" + f.failCode), "message": cbor.String("recorded failure")}))
		return
	}
	page := f.pages[len(f.queries)-1]
	w.Write(cbor.Encode(page))
}

func result(id string, days []time.Time, values []float64) cbor.Value {
	ts, vs := cbor.List{}, cbor.List{}
	for i := range days {
		ts = append(ts, epoch(days[i]))
		vs = append(vs, cbor.Float64(values[i]))
	}
	return cbor.Map{"Id": cbor.String(id), "Label": cbor.String(id), "StatusCode": cbor.String("Complete"), "Timestamps": ts, "Values": vs}
}

func newSource(t *testing.T, fake *fakeCloudWatch) *Source {
	t.Helper()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return New(cloudwatch.NewFromConfig(testenv.FakeAWSConfig(srv.URL)))
}

func day(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }

func TestDailyNATBytesSumsBothMetricsOfEveryGatewayAcrossPages(t *testing.T) {
	fake := &fakeCloudWatch{pages: []cbor.Map{
		{
			"MetricDataResults": cbor.List{
				result("nat0_0", []time.Time{day(24), day(25)}, []float64{1e9, 2e9}),
				result("nat0_1", []time.Time{day(24), day(25)}, []float64{5e8, 5e8}),
			},
			"NextToken": cbor.String("page-2"),
		},
		{
			"MetricDataResults": cbor.List{
				result("nat1_0", []time.Time{day(25), day(26)}, []float64{1e9, 3e9}),
				result("nat1_1", nil, nil),
			},
		},
	}}
	src := newSource(t, fake)
	got, err := src.DailyNATBytes(context.Background(), []string{"nat-0aaa", "nat-0bbb"}, day(13), day(27))
	if err != nil {
		t.Fatal(err)
	}
	want := []tui.DayBytes{{Day: day(24), Bytes: 1.5e9}, {Day: day(25), Bytes: 3.5e9}, {Day: day(26), Bytes: 3e9}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("days = %v, want %v", got, want)
	}
	if len(fake.queries) != 2 || fake.tokens[0] != "" || fake.tokens[1] != "page-2" {
		t.Fatalf("calls: %d, tokens %q", len(fake.queries), fake.tokens)
	}
	if !fake.start[0].Equal(day(13)) {
		t.Errorf("StartTime = %v", fake.start[0])
	}
	var seen []string
	for _, q := range fake.queries[0] {
		if q.namespace != "AWS/NATGateway" || q.stat != "Sum" || q.period != 86400 {
			t.Errorf("query %+v: want AWS/NATGateway Sum over 86400 s", q)
		}
		seen = append(seen, q.gateway+" "+q.metric)
	}
	sort.Strings(seen)
	wantSeen := "[nat-0aaa BytesOutToDestination nat-0aaa BytesOutToSource nat-0bbb BytesOutToDestination nat-0bbb BytesOutToSource]"
	if fmt.Sprint(seen) != wantSeen {
		t.Errorf("queries %v, want %s", seen, wantSeen)
	}
}

func TestDailyNATBytesFailuresAreClassified(t *testing.T) {
	for code, problem := range map[string]tui.Problem{
		"Throttling":    tui.ProblemThrottled,
		"ExpiredToken":  tui.ProblemUnauthorized,
		"InvalidFormat": tui.ProblemOther,
	} {
		src := newSource(t, &fakeCloudWatch{failCode: code})
		_, err := src.DailyNATBytes(context.Background(), []string{"nat-1"}, day(13), day(27))
		if tui.ProblemOf(err) != problem || !strings.Contains(err.Error(), "cloudwatch:GetMetricData") {
			t.Errorf("%s: %v (%v), want %v", code, err, tui.ProblemOf(err), problem)
		}
	}
}
