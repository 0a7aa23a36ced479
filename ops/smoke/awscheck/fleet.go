// Package awscheck implements the smoke check's AWS interfaces (smoke.Fleet,
// smoke.Alarms) with aws-sdk-go-v2: the Auto Scaling group with the health
// of its load-balancer targets, and the deployment's CloudWatch alarms.
package awscheck

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/docmeta/docmeta/ops/smoke"
)

// AutoScalingAPI and TargetHealthAPI are the parts of the SDK clients the
// fleet check uses.
type (
	AutoScalingAPI interface {
		DescribeAutoScalingGroups(ctx context.Context, in *autoscaling.DescribeAutoScalingGroupsInput, optFns ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error)
	}
	TargetHealthAPI interface {
		DescribeTargetHealth(ctx context.Context, in *elbv2.DescribeTargetHealthInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTargetHealthOutput, error)
	}
)

// Fleet reads one Auto Scaling group and its target group.
type Fleet struct {
	asg            AutoScalingAPI
	elb            TargetHealthAPI
	group          string
	targetGroupARN string
}

// NewFleet reads the group named group; targetGroupARN may be empty to use
// the group's first attached target group.
func NewFleet(asg AutoScalingAPI, elb TargetHealthAPI, group, targetGroupARN string) *Fleet {
	return &Fleet{asg: asg, elb: elb, group: group, targetGroupARN: targetGroupARN}
}

// inService is the Auto Scaling lifecycle state of an instance serving.
const inService = "InService"

// Fleet describes the group: its desired size, which instances are in
// service, and the health of every registered target.
func (f *Fleet) Fleet(ctx context.Context) (smoke.FleetState, error) {
	out, err := f.asg.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{f.group}})
	if err != nil {
		return smoke.FleetState{}, fault(err, "autoscaling:DescribeAutoScalingGroups")
	}
	if len(out.AutoScalingGroups) == 0 {
		return smoke.FleetState{}, &smoke.Failure{Problem: fmt.Sprintf("Auto Scaling group %q not found", f.group), Fix: fixOtherDeployment}
	}
	g := out.AutoScalingGroups[0]
	st := smoke.FleetState{Group: aws.ToString(g.AutoScalingGroupName), Desired: int(aws.ToInt32(g.DesiredCapacity))}
	for _, in := range g.Instances {
		id, state := aws.ToString(in.InstanceId), string(in.LifecycleState)
		if state == inService {
			st.InService = append(st.InService, id)
		} else {
			st.NotInService = append(st.NotInService, id+" "+state)
		}
	}
	tg := f.targetGroupARN
	if tg == "" && len(g.TargetGroupARNs) > 0 {
		tg = g.TargetGroupARNs[0]
	}
	if tg == "" {
		return st, nil // no target group: the targets step reports no target
	}
	th, err := f.elb.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg)})
	if err != nil {
		return smoke.FleetState{}, fault(err, "elasticloadbalancing:DescribeTargetHealth")
	}
	for _, d := range th.TargetHealthDescriptions {
		if d.Target == nil { // every field of the answer is optional in the API model
			continue
		}
		t := smoke.Target{ID: aws.ToString(d.Target.Id)}
		if h := d.TargetHealth; h != nil {
			t.State, t.Reason, t.Description = string(h.State), string(h.Reason), aws.ToString(h.Description)
		}
		st.Targets = append(st.Targets, t)
	}
	return st, nil
}
