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
}

// NewAlarms checks the alarms named prefix* through one client per region.
func NewAlarms(prefix string, clients map[string]DescribeAlarmsAPI) *Alarms {
	a := &Alarms{prefix: prefix, clients: clients}
	for r := range clients {
		a.regions = append(a.regions, r)
	}
	sort.Strings(a.regions)
	return a
}

// Alarms counts the deployment's metric and composite alarms and returns
// those in state ALARM.
func (a *Alarms) Alarms(ctx context.Context) (smoke.AlarmReport, error) {
	rep := smoke.AlarmReport{Where: fmt.Sprintf("%s* in %s", a.prefix, strings.Join(a.regions, ", "))}
	for _, region := range a.regions {
		p := cloudwatch.NewDescribeAlarmsPaginator(a.clients[region], &cloudwatch.DescribeAlarmsInput{
			AlarmNamePrefix: aws.String(a.prefix),
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
