package tui

import (
	"bytes"
	"encoding/base64"
	"testing"
	"time"
)

func TestFleetLocalServerReachable(t *testing.T) {
	fleet := &fakeFleet{value: Fleet{Server: &ServerStatus{URL: "http://127.0.0.1:8080", Reachable: true,
		Version: "v0.1.0", Store: "bolt", Latency: 1234 * time.Microsecond}}}
	m := newTestModel(t, Config{Fleet: fleet})
	run(t, m, m.Init())
	press(t, m, "2")
	mustContain(t, m.View(), "[2 Fleet]", "Local server", "reachable  yes", "version    v0.1.0", "store      bolt", "latency    1.2ms")
}

func TestFleetLocalServerDownSaysNotReachable(t *testing.T) {
	down := Errorf(ProblemUnreachable, nil, "server http://127.0.0.1:8080 is not reachable (start it with `make run` or fix --url)")
	fleet := &fakeFleet{value: Fleet{Server: &ServerStatus{URL: "http://127.0.0.1:8080", Problem: down.Error()}}, err: down}
	m := newTestModel(t, Config{Fleet: fleet})
	run(t, m, m.Init())
	press(t, m, "2")
	mustContain(t, m.View(), "reachable  no", "latency    -", "unreachable: server http://127.0.0.1:8080 is not reachable")
}

func TestFleetAWSGroupJoinedWithTargetHealth(t *testing.T) {
	g := sampleGroup()
	g.UnknownTargets = []Target{{ID: "i-0fff5555aaaa6666b", State: "draining", Reason: "Target.DeregistrationInProgress"}}
	fleet := &fakeFleet{value: Fleet{Group: g}}
	m := newTestModel(t, Config{Mode: "aws", Server: "http://alb", Stack: "docmeta-dev", Profile: "ops", Region: "us-east-1", Fleet: fleet})
	run(t, m, m.Init())
	press(t, m, "tab")
	screen := m.View()
	mustContain(t, screen,
		"mode aws", "stack docmeta-dev", "profile ops", "region us-east-1",
		"Auto Scaling Group docmeta-dev-asg", "desired 2   min 1   max 3", "launch template docmeta-dev-lt v7",
		"instance refresh InProgress 50%, 1 to update, started 2026-11-27 10:00",
		"▸ i-0aaa1111bbbb2222c  us-east-1a  InService    Healthy  7    healthy",
		"  i-0ddd3333eeee4444f  us-east-1b  Pending      Healthy  6    unhealthy  Target.FailedHealthChecks",
		"  i-0fff5555aaaa6666b  -           not in ASG   -        -    draining   Target.DeregistrationInProgress",
		"1 of 2 instances healthy in the target group")
}

func TestFleetExpiredCredentialsKeepLastPicture(t *testing.T) {
	fleet := &fakeFleet{value: Fleet{Group: sampleGroup()}}
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
	fleet := &fakeFleet{value: Fleet{Server: &ServerStatus{URL: "u", Reachable: true, Version: "old"}}}
	m := newTestModel(t, Config{Fleet: fleet})
	checkStaleRefreshDropped(t, m, "2", func() { fleet.set(Fleet{Server: &ServerStatus{URL: "u", Reachable: true, Version: "new"}}, nil) },
		[]string{"version    new"}, []string{"version    old"})
}

// enter on an instance opens a pane with every field, the full reason
// description included, wrapped at 80 columns instead of cut.
func TestFleetDetailPaneShowsEveryField(t *testing.T) {
	g := sampleGroup()
	g.Instances[1].Target.Description = "Health checks failed with these codes: [502]; the target answered with an error to GET /status on port 8080"
	m := newTestModel(t, Config{Mode: "aws", Fleet: &fakeFleet{value: Fleet{Group: g}}})
	m.Update(teaSize(80, 24))
	run(t, m, m.Init())
	press(t, m, "2", "down", "enter")
	screen := m.View()
	mustContain(t, screen, "instance       i-0ddd3333eeee4444f", "zone           us-east-1b", "lifecycle      Pending",
		"ASG health     Healthy", "launch tmpl    docmeta-dev-lt v6", "launched       2026-11-27 09:46:40 CET (43m20s ago)", "target state   unhealthy",
		"reason code    Target.FailedHealthChecks", "description    Health checks failed with these codes: [502]; the",
		"GET /status on port 8080", "? help", "q quit")
	mustFit(t, screen, 80)
	press(t, m, "esc")
	mustNotContain(t, m.View(), "reason code")
}

// When calls fail after the group was read, the instances stay on screen,
// the missing parts say so, and the header says PARTIAL with the failed
// calls (not STALE: most of the data is fresh); a refresh where nothing
// came back is STALE, with the time of the partial data on screen.
func TestFleetPartialFailureKeepsTheGroup(t *testing.T) {
	g := sampleGroup()
	fleet := &fakeFleet{value: Fleet{Group: g}}
	clock := newTestClock()
	m := newTestModel(t, Config{Mode: "aws", Fleet: fleet, Now: clock.Now})
	run(t, m, m.Init())
	press(t, m, "2")

	partial := sampleGroup()
	partial.Refresh = nil
	partial.Failed = []string{PartInstanceRefresh, PartTargetHealth, PartLaunchTimes}
	for i := range partial.Instances {
		partial.Instances[i].Target = Target{}
	}
	clock.advance(time.Minute)
	fleet.set(Fleet{Group: partial}, JoinErrors(
		CallErrorf("autoscaling:DescribeInstanceRefreshes", ProblemThrottled, nil, "autoscaling:DescribeInstanceRefreshes throttled by AWS (Throttling)"),
		CallErrorf("elasticloadbalancing:DescribeTargetHealth", ProblemThrottled, nil, "elasticloadbalancing:DescribeTargetHealth throttled by AWS (Throttling)"),
		CallErrorf("ec2:DescribeInstances", ProblemThrottled, nil, "ec2:DescribeInstances throttled by AWS (Throttling)")))
	press(t, m, "r")
	m.Update(teaSize(200, 30))
	mustContain(t, m.View(), "PARTIAL: DescribeInstanceRefreshes, DescribeTargetHealth, DescribeInstances failed, rest updated 10:31:00 (0s ago)",
		"i-0aaa1111bbbb2222c", "i-0ddd3333eeee4444f",
		"instance refresh unknown: its call failed", "unknown", "Target health unknown: its call failed",
		"throttled: autoscaling:DescribeInstanceRefreshes throttled")
	mustNotContain(t, m.View(), "STALE", "unregistered", "InProgress 50%")
	press(t, m, "enter")
	mustContain(t, m.View(), "launched       unknown: ec2:DescribeInstances failed")
	press(t, m, "esc")

	// At 80 columns the call names give way to their count.
	m.Update(teaSize(80, 24))
	mustContain(t, m.View(), "[2 Fleet] 3 Costs  PARTIAL: 3 calls failed", "? help", "q quit")

	// Nothing came back: STALE, and the data on screen is the partial answer's.
	clock.advance(2 * time.Minute)
	fleet.set(Fleet{}, Errorf(ProblemUnreachable, nil, "autoscaling: AWS endpoint not reachable"))
	press(t, m, "r")
	mustContain(t, m.View(), "STALE 2m ago", "i-0aaa1111bbbb2222c", "unreachable: autoscaling")
	mustNotContain(t, m.View(), "PARTIAL")
	m.Update(teaSize(120, 30))
	mustContain(t, m.View(), "STALE: refresh failed, data from 10:31:00 (2m ago)")

	// A whole answer clears both.
	fleet.set(Fleet{Group: sampleGroup()}, nil)
	press(t, m, "r")
	mustContain(t, m.View(), "updated 10:33:00 (0s ago)", "InProgress 50%")
	mustNotContain(t, m.View(), "PARTIAL", "STALE")
}

// y copies the selected instance's ID with OSC 52 and says so.
func TestFleetCopiesTheSelectedID(t *testing.T) {
	var clip bytes.Buffer
	m := newTestModel(t, Config{Mode: "aws", Fleet: &fakeFleet{value: Fleet{Group: sampleGroup()}}, Clipboard: &clip})
	run(t, m, m.Init())
	press(t, m, "2", "down", "y")
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("i-0ddd3333eeee4444f")) + "\a"
	if clip.String() != want {
		t.Errorf("clipboard got %q, want %q", clip.String(), want)
	}
	mustContain(t, m.View(), "copied i-0ddd3333eeee4444f (OSC 52")
	press(t, m, "down")
	mustNotContain(t, m.View(), "copied")
}
