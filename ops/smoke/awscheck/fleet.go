// Package awscheck implements the smoke check's AWS interfaces (smoke.Fleet,
// smoke.Alarms) with aws-sdk-go-v2: the Auto Scaling group and its target
// health through the console's fleet reader, and the deployment's
// CloudWatch alarms.
package awscheck

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/docmeta/docmeta/ops/smoke"
	"github.com/docmeta/docmeta/tui"
	"github.com/docmeta/docmeta/tui/awsfleet"
)

// Fleet reads one Auto Scaling group and its target group.
type Fleet struct {
	src *awsfleet.Source
}

// NewFleet reads the group named groupName; targetGroupARN may be empty to
// use the group's first attached target group.
func NewFleet(asg *autoscaling.Client, elb *elbv2.Client, groupName, targetGroupARN string) *Fleet {
	return &Fleet{src: awsfleet.New(asg, elb, groupName, targetGroupARN)}
}

// inService is the Auto Scaling lifecycle state of an instance serving.
const inService = "InService"

// Fleet describes the group: its desired size, which instances are in
// service, and the health of every registered target.
func (f *Fleet) Fleet(ctx context.Context) (smoke.FleetState, error) {
	fl, err := f.src.Fleet(ctx)
	var se *tui.SourceError
	switch {
	case err == nil:
	case errors.As(err, &se) && se.Err == nil: // the reader's own finding: no such group
		return smoke.FleetState{}, &smoke.Failure{Problem: se.Message, Fix: fixOtherDeployment, Err: err}
	case errors.As(err, &se):
		// The console's reader words the SDK error for its own flags; the
		// smoke check words it for its own.
		return smoke.FleetState{}, fault(se.Err, "reading the Auto Scaling group and its target health")
	default:
		return smoke.FleetState{}, fault(err, "reading the Auto Scaling group and its target health")
	}
	g := fl.Group
	if g == nil {
		return smoke.FleetState{}, fmt.Errorf("no Auto Scaling group in the answer")
	}
	st := smoke.FleetState{Group: g.Name, Desired: g.Desired}
	for _, in := range g.Instances {
		if in.LifecycleState == inService {
			st.InService = append(st.InService, in.ID)
		} else {
			st.NotInService = append(st.NotInService, in.ID+" "+in.LifecycleState)
		}
		if in.Target.State != "" {
			st.Targets = append(st.Targets, target(in.Target.ID, in.Target.State, in.Target.Reason, in.Target.Description))
		}
	}
	for _, t := range g.UnknownTargets {
		st.Targets = append(st.Targets, target(t.ID, t.State, t.Reason, t.Description))
	}
	return st, nil
}

func target(id, state, reason, desc string) smoke.Target {
	return smoke.Target{ID: id, State: state, Reason: reason, Description: desc}
}
