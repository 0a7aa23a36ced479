// Package awshealth is the console's AWS mode tui.HealthSource: the
// service's ALB, target group and DynamoDB metrics of the last hours from
// one CloudWatch GetMetricData call, and the Auto Scaling Group's latest
// scaling activities.
package awshealth

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/docmeta/docmeta/tui"
	"github.com/docmeta/docmeta/tui/awserr"
)

// Config names what to chart; the names come from the stack outputs.
type Config struct {
	// LoadBalancer and TargetGroup are the ARN suffixes CloudWatch uses as
	// the LoadBalancer and TargetGroup dimensions ("app/name/id",
	// "targetgroup/name/id"). Empty leaves the ALB metrics out.
	LoadBalancer, TargetGroup string
	// Table is the DynamoDB table; empty leaves its metrics out.
	Table string
	// Group is the Auto Scaling Group whose activities are listed.
	Group string
	// Window (default 3h) and Period (default 5m) shape the grid.
	Window, Period time.Duration
	// Activities is how many scaling activities to list (default 10).
	Activities int
	Now        func() time.Time
}

// Operations the server sends to the table (backend/dynamo): their
// throttles are summed, and PutItem and Query latencies are charted.
var tableOperations = []string{"PutItem", "GetItem", "Query"}

// maxPages bounds pagination: 11 queries of 36 points fit one page.
const maxPages = 10

// Source reads CloudWatch and Auto Scaling.
type Source struct {
	cw  *cloudwatch.Client
	asg *autoscaling.Client
	cfg Config
}

// New returns a source; zero Config fields take their defaults.
func New(cw *cloudwatch.Client, asg *autoscaling.Client, cfg Config) *Source {
	if cfg.Window <= 0 {
		cfg.Window = 3 * time.Hour
	}
	if cfg.Period <= 0 {
		cfg.Period = 5 * time.Minute
	}
	if cfg.Activities <= 0 {
		cfg.Activities = 10
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Source{cw: cw, asg: asg, cfg: cfg}
}

// query is one MetricStat of the call and the series it adds into.
type query struct {
	series int
	ns     string
	metric string
	stat   string
	dims   map[string]string
	// scale converts the value to the series' unit (seconds to ms).
	scale float64
}

// plan lists the series and the queries that fill them, leaving out what
// the outputs give no dimension for (and saying so).
func (s *Source) plan() ([]tui.Series, []query, []string) {
	var series []tui.Series
	var queries []query
	var missing []string
	add := func(label, unit string, bad bool, qs ...query) {
		for _, q := range qs {
			q.series = len(series)
			if q.scale == 0 {
				q.scale = 1
			}
			queries = append(queries, q)
		}
		series = append(series, tui.Series{Label: label, Unit: unit, Bad: bad})
	}
	c := s.cfg
	if c.LoadBalancer != "" {
		lb := map[string]string{"LoadBalancer": c.LoadBalancer}
		alb := func(metric, stat string, scale float64) query {
			return query{ns: "AWS/ApplicationELB", metric: metric, stat: stat, dims: lb, scale: scale}
		}
		add("ALB requests", "req", false, alb("RequestCount", "Sum", 1))
		add("ALB 5XX (target)", "err", true, alb("HTTPCode_Target_5XX_Count", "Sum", 1))
		add("ALB 5XX (ELB)", "err", true, alb("HTTPCode_ELB_5XX_Count", "Sum", 1))
		add("Response p50", "ms", false, alb("TargetResponseTime", "p50", 1000))
		add("Response p99", "ms", false, alb("TargetResponseTime", "p99", 1000))
		if c.TargetGroup != "" {
			add("Unhealthy hosts", "hosts", true, query{ns: "AWS/ApplicationELB", metric: "UnHealthyHostCount", stat: "Maximum",
				dims: map[string]string{"LoadBalancer": c.LoadBalancer, "TargetGroup": c.TargetGroup}})
		} else {
			missing = append(missing, "unhealthy hosts (no target_group_arn_suffix output)")
		}
	} else {
		missing = append(missing, "ALB metrics (no alb_arn_suffix output: redeploy)")
	}
	if c.Table != "" {
		var throttles []query
		for _, op := range tableOperations {
			throttles = append(throttles, query{ns: "AWS/DynamoDB", metric: "ThrottledRequests", stat: "Sum",
				dims: map[string]string{"TableName": c.Table, "Operation": op}})
		}
		add("DynamoDB throttled", "thr", true, throttles...)
		for _, op := range []string{"PutItem", "Query"} {
			add("DynamoDB "+op, "ms", false, query{ns: "AWS/DynamoDB", metric: "SuccessfulRequestLatency", stat: "Average",
				dims: map[string]string{"TableName": c.Table, "Operation": op}})
		}
	} else {
		missing = append(missing, "DynamoDB metrics (no table_name output)")
	}
	return series, queries, missing
}

// Health fetches the metrics and the activities; when one of the two calls
// fails the other's data comes back with Failed naming the missing part.
func (s *Source) Health(ctx context.Context) (tui.ServiceHealth, error) {
	c := s.cfg
	end := c.Now().UTC().Truncate(c.Period)
	h := tui.ServiceHealth{Start: end.Add(-c.Window), End: end, Period: c.Period}
	series, queries, missing := s.plan()
	h.Failed = append(h.Failed, missing...)
	var metricsErr, activitiesErr error
	if len(queries) > 0 {
		if err := s.metrics(ctx, &h, series, queries); err != nil {
			metricsErr = err
			h.Failed = append(h.Failed, "metrics")
		} else {
			h.Series = series
		}
	}
	if c.Group != "" {
		acts, err := s.activities(ctx)
		if err != nil {
			activitiesErr = err
			h.Failed = append(h.Failed, "scaling activities")
		}
		h.Activities = acts
	}
	return h, tui.JoinErrors(metricsErr, activitiesErr)
}

func (s *Source) metrics(ctx context.Context, h *tui.ServiceHealth, series []tui.Series, queries []query) error {
	n := int(h.End.Sub(h.Start) / h.Period)
	for i := range series {
		series[i].Values = make([]float64, n)
		for j := range series[i].Values {
			series[i].Values[j] = math.NaN()
		}
	}
	in := &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(h.Start),
		EndTime:   aws.Time(h.End),
		ScanBy:    types.ScanByTimestampAscending,
	}
	byID := map[string]query{}
	for i, q := range queries {
		id := fmt.Sprintf("m%d", i)
		byID[id] = q
		var dims []types.Dimension
		for _, name := range sortedKeys(q.dims) {
			dims = append(dims, types.Dimension{Name: aws.String(name), Value: aws.String(q.dims[name])})
		}
		in.MetricDataQueries = append(in.MetricDataQueries, types.MetricDataQuery{
			Id: aws.String(id),
			MetricStat: &types.MetricStat{
				Metric: &types.Metric{Namespace: aws.String(q.ns), MetricName: aws.String(q.metric), Dimensions: dims},
				Period: aws.Int32(int32(h.Period / time.Second)),
				Stat:   aws.String(q.stat),
			},
			ReturnData: aws.Bool(true),
		})
	}
	for page := 0; ; page++ {
		if page == maxPages {
			return tui.Errorf(tui.ProblemOther, nil, "cloudwatch:GetMetricData returned more than %d pages for %d queries; report this", maxPages, len(queries))
		}
		out, err := s.cw.GetMetricData(ctx, in)
		if err != nil {
			return awserr.Classify(err, "cloudwatch:GetMetricData")
		}
		for _, r := range out.MetricDataResults {
			q, ok := byID[aws.ToString(r.Id)]
			if !ok || len(r.Timestamps) != len(r.Values) {
				return tui.Errorf(tui.ProblemOther, nil, "cloudwatch:GetMetricData result %q: unknown id or %d timestamps for %d values",
					aws.ToString(r.Id), len(r.Timestamps), len(r.Values))
			}
			values := series[q.series].Values
			for i, ts := range r.Timestamps {
				slot := int(ts.Sub(h.Start) / h.Period)
				if slot < 0 || slot >= len(values) {
					continue
				}
				v := r.Values[i] * q.scale
				if math.IsNaN(values[slot]) {
					values[slot] = v
				} else {
					values[slot] += v // throttles summed over operations
				}
			}
		}
		if aws.ToString(out.NextToken) == "" {
			return nil
		}
		in.NextToken = out.NextToken
	}
}

func (s *Source) activities(ctx context.Context) ([]tui.ScalingActivity, error) {
	out, err := s.asg.DescribeScalingActivities(ctx, &autoscaling.DescribeScalingActivitiesInput{
		AutoScalingGroupName: aws.String(s.cfg.Group),
		MaxRecords:           aws.Int32(int32(s.cfg.Activities)),
	})
	if err != nil {
		return nil, awserr.Classify(err, "autoscaling:DescribeScalingActivities")
	}
	acts := make([]tui.ScalingActivity, 0, len(out.Activities))
	for _, a := range out.Activities { // AWS lists the newest first
		acts = append(acts, tui.ScalingActivity{
			Start:       aws.ToTime(a.StartTime),
			End:         aws.ToTime(a.EndTime),
			Status:      string(a.StatusCode),
			Description: aws.ToString(a.Description),
			Cause:       aws.ToString(a.Cause),
		})
	}
	return acts, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
