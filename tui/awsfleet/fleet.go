// Package awsfleet is the console's AWS mode tui.FleetSource: the Auto
// Scaling Group (autoscaling) joined with its target group's health (elbv2).
package awsfleet

import (
	"context"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/docmeta/docmeta/tui"
	"github.com/docmeta/docmeta/tui/awserr"
)

// Source reads one group and its target group.
type Source struct {
	asg            *autoscaling.Client
	elb            *elbv2.Client
	ec2            *ec2.Client
	groupName      string
	targetGroupARN string
}

// New returns a source for the named group. targetGroupARN may be empty to
// use the group's first attached target group. ec2 reads the instances'
// launch times (Auto Scaling does not report them); nil leaves them out.
func New(asg *autoscaling.Client, elb *elbv2.Client, ec2 *ec2.Client, groupName, targetGroupARN string) *Source {
	return &Source{asg: asg, elb: elb, ec2: ec2, groupName: groupName, targetGroupARN: targetGroupARN}
}

// Fleet describes the group, its latest instance refresh and target health.
// Once the group is read, a failure of the other calls keeps what was
// fetched: the group comes back with Failed naming the missing parts and
// the errors joined, so the view shows the instances and says what is
// missing instead of dropping everything.
func (s *Source) Fleet(ctx context.Context) (tui.Fleet, error) {
	out, err := s.asg.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{
		AutoScalingGroupNames: []string{s.groupName},
	})
	if err != nil {
		return tui.Fleet{}, awserr.Classify(err, "autoscaling:DescribeAutoScalingGroups")
	}
	if len(out.AutoScalingGroups) == 0 {
		return tui.Fleet{}, tui.Errorf(tui.ProblemNotFound, nil,
			"Auto Scaling Group %q not found in this account/region; check --asg / the outputs file and --region", s.groupName)
	}
	g := out.AutoScalingGroups[0]
	group := tui.Group{
		Name:    aws.ToString(g.AutoScalingGroupName),
		Desired: int(aws.ToInt32(g.DesiredCapacity)),
		Min:     int(aws.ToInt32(g.MinSize)),
		Max:     int(aws.ToInt32(g.MaxSize)),
	}
	if lt := g.LaunchTemplate; lt != nil {
		group.LaunchTemplate = firstNonEmpty(aws.ToString(lt.LaunchTemplateName), aws.ToString(lt.LaunchTemplateId))
		group.TemplateVersion = aws.ToString(lt.Version)
	}
	group.TargetGroupARN = s.targetGroupARN
	if group.TargetGroupARN == "" && len(g.TargetGroupARNs) > 0 {
		group.TargetGroupARN = g.TargetGroupARNs[0]
	}

	var errs []error
	refreshes, err := s.asg.DescribeInstanceRefreshes(ctx, &autoscaling.DescribeInstanceRefreshesInput{
		AutoScalingGroupName: aws.String(s.groupName),
		MaxRecords:           aws.Int32(1),
	})
	if err != nil {
		group.Failed = append(group.Failed, tui.PartInstanceRefresh)
		errs = append(errs, awserr.Classify(err, "autoscaling:DescribeInstanceRefreshes"))
	} else if len(refreshes.InstanceRefreshes) > 0 {
		r := refreshes.InstanceRefreshes[0] // AWS lists the newest first
		group.Refresh = &tui.InstanceRefresh{
			ID:                aws.ToString(r.InstanceRefreshId),
			Status:            string(r.Status),
			PercentComplete:   int(aws.ToInt32(r.PercentageComplete)),
			InstancesToUpdate: int(aws.ToInt32(r.InstancesToUpdate)),
			StatusReason:      aws.ToString(r.StatusReason),
			StartTime:         aws.ToTime(r.StartTime),
		}
	}

	targets := map[string]tui.Target{}
	if group.TargetGroupARN != "" {
		th, err := s.elb.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{
			TargetGroupArn: aws.String(group.TargetGroupARN),
		})
		if err != nil {
			group.Failed = append(group.Failed, tui.PartTargetHealth)
			errs = append(errs, awserr.Classify(err, "elasticloadbalancing:DescribeTargetHealth"))
			th = &elbv2.DescribeTargetHealthOutput{}
		}
		for _, d := range th.TargetHealthDescriptions {
			// Every field of the response is optional in the API model; a
			// description naming no target has nothing to join.
			if d.Target == nil || aws.ToString(d.Target.Id) == "" {
				continue
			}
			t := tui.Target{ID: aws.ToString(d.Target.Id)}
			if h := d.TargetHealth; h != nil {
				t.State, t.Reason, t.Description = string(h.State), string(h.Reason), aws.ToString(h.Description)
			}
			targets[t.ID] = t
		}
	}

	for _, in := range g.Instances {
		id := aws.ToString(in.InstanceId)
		inst := tui.Instance{
			ID:               id,
			AvailabilityZone: aws.ToString(in.AvailabilityZone),
			LifecycleState:   string(in.LifecycleState),
			HealthStatus:     aws.ToString(in.HealthStatus),
			Target:           targets[id],
		}
		if in.LaunchTemplate != nil {
			inst.LaunchTemplateVersion = aws.ToString(in.LaunchTemplate.Version)
		}
		delete(targets, id)
		group.Instances = append(group.Instances, inst)
	}
	if err := s.launchTimes(ctx, group.Instances); err != nil {
		group.Failed = append(group.Failed, tui.PartLaunchTimes)
		errs = append(errs, err)
	}
	sort.Slice(group.Instances, func(i, j int) bool {
		a, b := group.Instances[i], group.Instances[j]
		if a.AvailabilityZone != b.AvailabilityZone {
			return a.AvailabilityZone < b.AvailabilityZone
		}
		return a.ID < b.ID
	})
	for _, t := range targets {
		group.UnknownTargets = append(group.UnknownTargets, t)
	}
	sort.Slice(group.UnknownTargets, func(i, j int) bool { return group.UnknownTargets[i].ID < group.UnknownTargets[j].ID })
	return tui.Fleet{Group: &group}, tui.JoinErrors(errs...)
}

// launchTimes fills each instance's LaunchTime with one DescribeInstances
// call (a group holds at most a few dozen instances: one page). The IDs go
// in an instance-id filter, not InstanceIds: EC2 fails the whole call with
// InvalidInstanceID.NotFound for one ID it does not know yet (eventual
// consistency right after a launch), which a filter just leaves out.
func (s *Source) launchTimes(ctx context.Context, instances []tui.Instance) error {
	if s.ec2 == nil || len(instances) == 0 {
		return nil
	}
	ids := make([]string, len(instances))
	for i, in := range instances {
		ids[i] = in.ID
	}
	out, err := s.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{
		Filters: []ec2types.Filter{{Name: aws.String("instance-id"), Values: ids}},
	})
	if err != nil {
		return awserr.Classify(err, "ec2:DescribeInstances")
	}
	launched := map[string]time.Time{}
	for _, r := range out.Reservations {
		for _, in := range r.Instances {
			launched[aws.ToString(in.InstanceId)] = aws.ToTime(in.LaunchTime)
		}
	}
	for i := range instances {
		instances[i].LaunchTime = launched[instances[i].ID]
	}
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
