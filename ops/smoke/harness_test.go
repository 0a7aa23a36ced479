package smoke

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/docmeta/docmeta/internal/edgetest"
)

const testKey = edgetest.Key

type deployment struct{ *edgetest.Deployment }

func deploy(t *testing.T, keys []string, certHosts ...string) deployment {
	t.Helper()
	return deployment{edgetest.Deploy(t, keys, certHosts...)}
}

// config is a smoke run against the deployment with healthy AWS fakes.
func (d deployment) config() Config {
	return Config{
		ServiceURL: d.URL, APIKey: testKey, HTTP: d.Client(),
		Fleet: &fakeFleet{state: healthyFleet()}, Alarms: &fakeAlarms{report: quietAlarms()},
		StepTimeout: 30 * time.Second, ListRetryWait: 10 * time.Millisecond,
	}
}

// runSmoke runs the smoke check and returns its output and error.
func runSmoke(t *testing.T, cfg Config) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := Run(context.Background(), cfg, &out)
	t.Logf("smoke output:\n%s", out.String())
	return out.String(), err
}

type fakeFleet struct {
	state FleetState
	err   error
}

func (f *fakeFleet) Fleet(context.Context) (FleetState, error) { return f.state, f.err }

func healthyFleet() FleetState {
	return FleetState{Group: "docmeta-dev-asg", Desired: 2, InService: []string{"i-0aaa", "i-0bbb"},
		Targets: []Target{{ID: "i-0aaa", State: "healthy"}, {ID: "i-0bbb", State: "healthy"}}}
}

type fakeAlarms struct {
	report AlarmReport
	err    error
}

func (f *fakeAlarms) Alarms(context.Context) (AlarmReport, error) { return f.report, f.err }

func quietAlarms() AlarmReport {
	return AlarmReport{Where: "docmeta-dev-* in us-east-1", Checked: 7}
}
