// Package awsnat is the console's tui.NATMetrics over CloudWatch: daily sums
// of AWS/NATGateway BytesOutToDestination and BytesOutToSource.
package awsnat

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/docmeta/docmeta/tui"
	"github.com/docmeta/docmeta/tui/awserr"
)

// Metrics that together make a NAT gateway's processed bytes (the
// per-GB "data processed" charge applies to both directions).
var metricNames = []string{"BytesOutToDestination", "BytesOutToSource"}

// maxPages bounds pagination: 14 daily points per query never needs more
// than one page, so more means the API is misbehaving.
const maxPages = 20

// Source reads NAT metrics with one CloudWatch client.
type Source struct{ cw *cloudwatch.Client }

// New wraps a CloudWatch client.
func New(cw *cloudwatch.Client) *Source { return &Source{cw: cw} }

// DailyNATBytes implements tui.NATMetrics with one GetMetricData call per
// page: a Sum at a one-day period per (gateway, metric).
func (s *Source) DailyNATBytes(ctx context.Context, gatewayIDs []string, start, end time.Time) ([]tui.DayBytes, error) {
	var queries []types.MetricDataQuery
	for i, id := range gatewayIDs {
		for j, name := range metricNames {
			queries = append(queries, types.MetricDataQuery{
				Id: aws.String(fmt.Sprintf("nat%d_%d", i, j)),
				MetricStat: &types.MetricStat{
					Metric: &types.Metric{
						Namespace:  aws.String("AWS/NATGateway"),
						MetricName: aws.String(name),
						Dimensions: []types.Dimension{{Name: aws.String("NatGatewayId"), Value: aws.String(id)}},
					},
					Period: aws.Int32(86400),
					Stat:   aws.String("Sum"),
					Unit:   types.StandardUnitBytes,
				},
				ReturnData: aws.Bool(true),
			})
		}
	}
	in := &cloudwatch.GetMetricDataInput{
		StartTime:         aws.Time(start),
		EndTime:           aws.Time(end),
		MetricDataQueries: queries,
		ScanBy:            types.ScanByTimestampAscending,
	}
	byDay := map[time.Time]float64{}
	for page := 0; ; page++ {
		if page == maxPages {
			return nil, tui.Errorf(tui.ProblemOther, nil, "cloudwatch:GetMetricData returned more than %d pages for %d days; narrow the window", maxPages, int(end.Sub(start).Hours()/24))
		}
		out, err := s.cw.GetMetricData(ctx, in)
		if err != nil {
			return nil, awserr.Classify(err, "cloudwatch:GetMetricData")
		}
		for _, r := range out.MetricDataResults {
			if len(r.Timestamps) != len(r.Values) {
				return nil, tui.Errorf(tui.ProblemOther, nil, "cloudwatch:GetMetricData result %s has %d timestamps for %d values",
					aws.ToString(r.Id), len(r.Timestamps), len(r.Values))
			}
			for i, ts := range r.Timestamps {
				byDay[ts.UTC().Truncate(24*time.Hour)] += r.Values[i]
			}
		}
		if aws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	days := make([]tui.DayBytes, 0, len(byDay))
	for d, b := range byDay {
		days = append(days, tui.DayBytes{Day: d, Bytes: b})
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Day.Before(days[j].Day) })
	return days, nil
}
