package awscheck

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/docmeta/docmeta/ops/smoke"
)

// DescribeAlarmsAPI is the part of the CloudWatch client the alarm check
// uses.
type DescribeAlarmsAPI interface {
	DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
}

// Alarms lists the alarms whose names start with a prefix in one or more
// regions: the stack's own, and us-east-1 where CloudFront publishes its
// metrics (so the distribution's alarms live there).
type Alarms struct {
	prefix  string
	regions []string
	clients map[string]DescribeAlarmsAPI
	// regionPrefix overrides prefix in a region (see WithRegionPrefix).
	regionPrefix map[string]string
}

// NewAlarms checks the alarms named prefix* through one client per region.
func NewAlarms(prefix string, clients map[string]DescribeAlarmsAPI) *Alarms {
	a := &Alarms{prefix: prefix, clients: clients, regionPrefix: map[string]string{}}
	for r := range clients {
		a.regions = append(a.regions, r)
	}
	sort.Strings(a.regions)
	return a
}

// WithRegionPrefix lists the alarms of region by prefix instead: in
// us-east-1, a stack of another region owns only its CloudFront alarm,
// named with the region-carrying prefix, while the shorter regional prefix
// there matches the alarms of the same profile's us-east-1 deployment.
func (a *Alarms) WithRegionPrefix(region, prefix string) *Alarms {
	a.regionPrefix[region] = prefix
	return a
}

func (a *Alarms) prefixIn(region string) string {
	if p, ok := a.regionPrefix[region]; ok {
		return p
	}
	return a.prefix
}

// Alarms counts the deployment's metric and composite alarms and returns
// those in state ALARM.
func (a *Alarms) Alarms(ctx context.Context) (smoke.AlarmReport, error) {
	var where []string
	for _, region := range a.regions {
		where = append(where, fmt.Sprintf("%s* in %s", a.prefixIn(region), region))
	}
	rep := smoke.AlarmReport{Where: strings.Join(where, ", ")}
	if len(a.regionPrefix) == 0 {
		rep.Where = fmt.Sprintf("%s* in %s", a.prefix, strings.Join(a.regions, ", "))
	}
	for _, region := range a.regions {
		p := cloudwatch.NewDescribeAlarmsPaginator(a.clients[region], &cloudwatch.DescribeAlarmsInput{
			AlarmNamePrefix: aws.String(a.prefixIn(region)),
			AlarmTypes:      []types.AlarmType{types.AlarmTypeMetricAlarm, types.AlarmTypeCompositeAlarm},
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return smoke.AlarmReport{}, fault(err, "cloudwatch:DescribeAlarms in "+region)
			}
			for _, m := range page.MetricAlarms {
				rep.Checked++
				if m.StateValue == types.StateValueAlarm {
					rep.Firing = append(rep.Firing, smoke.Alarm{Name: aws.ToString(m.AlarmName), Region: region, Reason: aws.ToString(m.StateReason)})
				}
			}
			for _, c := range page.CompositeAlarms {
				rep.Checked++
				if c.StateValue == types.StateValueAlarm {
					rep.Firing = append(rep.Firing, smoke.Alarm{Name: aws.ToString(c.AlarmName), Region: region, Reason: aws.ToString(c.StateReason)})
				}
			}
		}
	}
	return rep, nil
}
