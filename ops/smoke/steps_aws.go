package smoke

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Fleet reads the deployment's Auto Scaling group and the health of its
// load-balancer targets.
type Fleet interface {
	Fleet(ctx context.Context) (FleetState, error)
}

// FleetState is the group and its targets at one moment.
type FleetState struct {
	Group   string
	Desired int
	// InService are the IDs of the group's instances in service.
	InService []string
	// NotInService are the group's other instances with their lifecycle
	// state (e.g. "i-0abc Pending").
	NotInService []string
	Targets      []Target
}

// Target is one registered target and its health.
type Target struct {
	ID, State, Reason, Description string
}

// Alarms lists the deployment's CloudWatch alarms.
type Alarms interface {
	Alarms(ctx context.Context) (AlarmReport, error)
}

// AlarmReport is every alarm of the deployment that was looked at.
type AlarmReport struct {
	// Where says where they were looked for, e.g. "docmeta-dev-* in
	// us-east-1".
	Where string
	// Checked counts the alarms found; Firing are those in state ALARM.
	Checked int
	Firing  []Alarm
}

// Alarm is one alarm in state ALARM.
type Alarm struct {
	Name, Region, Reason string
}

func (r *runner) skipAWS() (string, error) {
	return r.cfg.SkipReason, errSkipped
}

// awsFailure keeps an adapter's own *Failure (it knows the fix), and words
// any other error of what.
func awsFailure(err error, what string) error {
	var f *Failure
	if errors.As(err, &f) {
		return &Failure{Problem: f.Problem, Fix: f.Fix, Err: f.Err}
	}
	return fail(err, "check the AWS credentials (AWS_PROFILE) and the network, or pass --no-aws", "%s: %v", what, err)
}

// instances: every desired instance is in service.
func (r *runner) instances(ctx context.Context) (string, error) {
	if r.cfg.Fleet == nil {
		return r.skipAWS()
	}
	f, err := r.cfg.Fleet.Fleet(ctx)
	if err != nil {
		return "", awsFailure(err, "reading the Auto Scaling group")
	}
	r.fleet = &f
	if f.Desired == 0 || len(f.InService) != f.Desired {
		others := ""
		if len(f.NotInService) > 0 {
			others = "; others: " + strings.Join(f.NotInService, ", ")
		}
		return "", fail(nil, fmt.Sprintf("see why with `aws autoscaling describe-scaling-activities --auto-scaling-group-name %s`; a new instance needs its health-check grace period, then check /var/log/docmeta-bootstrap.log through Session Manager", f.Group),
			"group %s has %d of %d desired instances in service%s", f.Group, len(f.InService), f.Desired, others)
	}
	return fmt.Sprintf("group %s: %d of %d desired in service", f.Group, len(f.InService), f.Desired), nil
}

// targets: every registered target is healthy, and every in-service
// instance is a target.
func (r *runner) targets(ctx context.Context) (string, error) {
	if r.cfg.Fleet == nil {
		return r.skipAWS()
	}
	if r.fleet == nil {
		return "needs the group (instances step)", errSkipped
	}
	f := r.fleet
	var bad []string
	healthy := map[string]bool{}
	for _, t := range f.Targets {
		if t.State == "healthy" {
			healthy[t.ID] = true
			continue
		}
		bad = append(bad, strings.TrimSpace(fmt.Sprintf("%s %s %s %s", t.ID, t.State, t.Reason, t.Description)))
	}
	for _, id := range f.InService {
		if !hasTarget(f.Targets, id) {
			bad = append(bad, id+" in service but not a target")
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 || len(f.Targets) == 0 {
		if len(f.Targets) == 0 {
			bad = append(bad, "no target registered")
		}
		return "", fail(nil, "an unhealthy target fails GET /status on port 8080: check the server's log (/var/log/app/docmeta.log) and its start-up (/var/log/docmeta-bootstrap.log) through Session Manager; Elb.RegistrationInProgress/Target.NotInUse pass once the instance is registered",
			"targets not healthy: %s", strings.Join(bad, "; "))
	}
	return fmt.Sprintf("%d of %d targets healthy", len(healthy), len(f.Targets)), nil
}

func hasTarget(ts []Target, id string) bool {
	for _, t := range ts {
		if t.ID == id {
			return true
		}
	}
	return false
}

// alarms: the deployment has alarms, and none is in state ALARM.
func (r *runner) alarms(ctx context.Context) (string, error) {
	if r.cfg.Alarms == nil {
		return r.skipAWS()
	}
	rep, err := r.cfg.Alarms.Alarms(ctx)
	if err != nil {
		return "", awsFailure(err, "reading the alarms")
	}
	if rep.Checked == 0 {
		return "", fail(nil, "the alarms of this deployment were not found: check the outputs file is from the current deploy of the stacks (they create the alarms) and the region",
			"no CloudWatch alarm named %s", rep.Where)
	}
	if len(rep.Firing) > 0 {
		var names []string
		for _, a := range rep.Firing {
			names = append(names, fmt.Sprintf("%s (%s): %s", a.Name, a.Region, a.Reason))
		}
		return "", fail(nil, "read the alarm's metric in the CloudWatch console and fix its cause; an alarm from before the deploy clears once its metric recovers",
			"%d of %d alarms in ALARM: %s", len(rep.Firing), rep.Checked, strings.Join(names, "; "))
	}
	return fmt.Sprintf("%d alarms (%s), none in ALARM", rep.Checked, rep.Where), nil
}
