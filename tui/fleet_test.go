package tui

import (
	"testing"
	"time"
)

func TestFleetLocalServerReachable(t *testing.T) {
	fleet := &fakeFleet{fleet: Fleet{Server: &ServerStatus{URL: "http://127.0.0.1:8080", Reachable: true,
		Version: "v0.1.0", Store: "bolt", Latency: 1234 * time.Microsecond}}}
	m := newTestModel(t, Config{Fleet: fleet})
	run(t, m, m.Init())
	press(t, m, "2")
	mustContain(t, m.View(), "[2 Fleet]", "Local server", "reachable  yes", "version    v0.1.0", "store      bolt", "latency    1.2ms")
}

func TestFleetLocalServerDownSaysNotReachable(t *testing.T) {
	down := Errorf(ProblemUnreachable, nil, "server http://127.0.0.1:8080 is not reachable (start it with `make run` or fix --url)")
	fleet := &fakeFleet{fleet: Fleet{Server: &ServerStatus{URL: "http://127.0.0.1:8080", Problem: down.Error()}}, err: down}
	m := newTestModel(t, Config{Fleet: fleet})
	run(t, m, m.Init())
	press(t, m, "2")
	mustContain(t, m.View(), "reachable  no", "latency    -", "unreachable: server http://127.0.0.1:8080 is not reachable")
}

func TestFleetAWSGroupJoinedWithTargetHealth(t *testing.T) {
	g := sampleGroup()
	g.UnknownTargets = []Target{{ID: "i-0fff5555aaaa6666b", State: "draining", Reason: "Target.DeregistrationInProgress"}}
	fleet := &fakeFleet{fleet: Fleet{Group: g}}
	m := newTestModel(t, Config{Mode: "aws", Server: "http://alb", Stack: "docmeta-dev", Profile: "ops", Region: "us-east-1", Fleet: fleet})
	run(t, m, m.Init())
	press(t, m, "tab")
	screen := m.View()
	mustContain(t, screen,
		"mode aws", "stack docmeta-dev", "profile ops", "region us-east-1",
		"Auto Scaling Group docmeta-dev-asg", "desired 2   min 1   max 3", "launch template docmeta-dev-lt v7",
		"instance refresh InProgress 50%, 1 to update, started 2026-11-27 10:00",
		"i-0aaa1111bbbb2222c  us-east-1a  InService     Healthy  7       healthy",
		"i-0ddd3333eeee4444f  us-east-1b  Pending       Healthy  6       unhealthy  Target.FailedHealthChecks: Health checks fai",
		"i-0fff5555aaaa6666b  -           not in group", "draining", "Target.DeregistrationInProgress",
		"1 of 2 instances healthy in the target group")
}

func TestFleetExpiredCredentialsKeepLastPicture(t *testing.T) {
	fleet := &fakeFleet{fleet: Fleet{Group: sampleGroup()}}
	m := newTestModel(t, Config{Mode: "aws", Fleet: fleet})
	run(t, m, m.Init())
	press(t, m, "2")

	fleet.set(Fleet{}, Errorf(ProblemUnauthorized, nil,
		"autoscaling:DescribeAutoScalingGroups refused (ExpiredToken): AWS credentials expired or lack permission; refresh them (aws sso login / new keys) or pick --profile"))
	press(t, m, "r")
	mustContain(t, m.View(), "unauthorized: autoscaling:DescribeAutoScalingGroups refused (ExpiredToken)", "docmeta-dev-asg")

	fleet.set(Fleet{}, Errorf(ProblemThrottled, nil, "elasticloadbalancing:DescribeTargetHealth throttled by AWS (Throttling); the next refresh retries, or raise --interval"))
	press(t, m, "r")
	mustContain(t, m.View(), "throttled: elasticloadbalancing:DescribeTargetHealth throttled", "docmeta-dev-asg")

	fleet.set(Fleet{Group: sampleGroup()}, nil)
	press(t, m, "r")
	mustNotContain(t, m.View(), "throttled:", "unauthorized:")
}

func TestFleetFirstLoadFailure(t *testing.T) {
	fleet := &fakeFleet{err: Errorf(ProblemNotFound, nil, "Auto Scaling Group \"x\" not found")}
	m := newTestModel(t, Config{Mode: "aws", Fleet: fleet})
	run(t, m, m.Init())
	press(t, m, "2")
	mustContain(t, m.View(), "Fleet status unavailable", "not found: Auto Scaling Group")
}

func TestFleetStaleRefreshIsDropped(t *testing.T) {
	fleet := &fakeFleet{fleet: Fleet{Server: &ServerStatus{URL: "u", Reachable: true, Version: "old"}}}
	m := newTestModel(t, Config{Fleet: fleet})
	v := m.tabs[1].view
	older := v.Refresh()()
	fleet.set(Fleet{Server: &ServerStatus{URL: "u", Reachable: true, Version: "new"}}, nil)
	newer := v.Refresh()()
	m.Update(newer)
	m.Update(older)
	press(t, m, "2")
	mustContain(t, m.View(), "version    new")
	mustNotContain(t, m.View(), "version    old")
}
