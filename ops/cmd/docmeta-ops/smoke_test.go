package main

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/internal/edgetest"
	"github.com/docmeta/docmeta/internal/gobuild"
	"github.com/docmeta/docmeta/ops/smoke/awscheck/awsfake"
)

// smokeSetup is a deployment (the real API behind a TLS edge signed by a
// test CA), its outputs file, the CA's PEM file and a fake of the AWS
// calls, with the environment that points the command at them.
type smokeSetup struct {
	outputs, caFile string
	aws             *awsfake.AWS
	env             map[string]string
}

func newSmokeSetup(t *testing.T) smokeSetup {
	t.Helper()
	d := edgetest.Deploy(t, []string{edgetest.Key})
	fake := awsfake.Healthy("eu-west-1")
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	s := smokeSetup{outputs: filepath.Join(dir, "outputs.json"), caFile: filepath.Join(dir, "ca.pem"), aws: fake,
		env: map[string]string{"DOCMETA_API_KEY": edgetest.Key, "AWS_ENDPOINT_URL": srv.URL}}
	for k, v := range testCreds {
		s.env[k] = v
	}
	doc := fmt.Sprintf(`{"docmeta-dev-eu-west-1": {"service_url": %q, "asg_name": "docmeta-dev-asg", "region": "eu-west-1",
  "target_group_arn": "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/docmeta-dev/1", "alarm_name_prefix": "docmeta-dev-"},
 "docmeta-dev-eu-west-1-exports": {"export_bucket": "docmeta-dev-exports-1-eu-west-1", "region": "eu-west-1"}}`, d.URL)
	if err := os.WriteFile(s.outputs, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.caFile, d.CA.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSmokeFromTheOutputsFilePassesAndChecksBothAlarmRegions(t *testing.T) {
	s := newSmokeSetup(t)
	out, _, err := runCmd(t, s.env, "smoke", "--outputs", s.outputs, "--ca-file", s.caFile)
	if err != nil {
		t.Fatalf("smoke: %v\n%s", err, out)
	}
	for _, want := range []string{"TLS verified", "sha256", "2 of 2 desired in service", "2 of 2 targets healthy",
		"4 alarms (docmeta-dev-* in eu-west-1, docmeta-dev-eu-west-1-* in us-east-1), none in ALARM", "smoke check passed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !s.aws.Called("us-east-1 DescribeAlarms docmeta-dev-eu-west-1-") || !s.aws.Called("eu-west-1 DescribeAutoScalingGroups") {
		t.Errorf("AWS calls %v", s.aws.Calls)
	}
}

func TestSmokeFailureNamesTheStepAndTheFix(t *testing.T) {
	s := newSmokeSetup(t)
	s.aws.Alarms["eu-west-1"][0].State = "ALARM"
	out, _, err := runCmd(t, s.env, "smoke", "--outputs-file", s.outputs, "--ca-file", s.caFile)
	if err == nil || !strings.Contains(err.Error(), `smoke step "alarms" failed: 1 of 4 alarms in ALARM: docmeta-dev-target-5xx`) ||
		!strings.Contains(err.Error(), "fix: ") {
		t.Fatalf("err = %v\n%s", err, out)
	}
}

func TestSmokeIgnoresTheSameProfilesUSEast1Deployment(t *testing.T) {
	s := newSmokeSetup(t)
	// docmeta-dev-us-east-1's own alarm, in us-east-1 beside this (eu-west-1)
	// stack's CloudFront alarm: not this deployment's.
	s.aws.Alarms["us-east-1"] = append(s.aws.Alarms["us-east-1"], awsfake.Alarm{Name: "docmeta-dev-target-5xx", State: "ALARM", Reason: "Threshold Crossed"})
	out, _, err := runCmd(t, s.env, "smoke", "--outputs", s.outputs, "--ca-file", s.caFile)
	if err != nil || !strings.Contains(out, "4 alarms (") {
		t.Fatalf("smoke failed on another deployment's alarm: %v\n%s", err, out)
	}
	s.aws.Alarms["us-east-1"][0].State = "ALARM" // docmeta-dev-eu-west-1-cloudfront-5xx-rate: this one's
	out, _, err = runCmd(t, s.env, "smoke", "--outputs", s.outputs, "--ca-file", s.caFile)
	if err == nil || !strings.Contains(err.Error(), "docmeta-dev-eu-west-1-cloudfront-5xx-rate") {
		t.Fatalf("err = %v\n%s", err, out)
	}
}

func TestSmokeAlarmPrefixFlagWinsOverTheOutput(t *testing.T) {
	s := newSmokeSetup(t)
	s.aws.Alarms["eu-west-1"][0].State = "ALARM" // docmeta-dev-target-5xx, outside the prefix below
	out, _, err := runCmd(t, s.env, "smoke", "--outputs", s.outputs, "--ca-file", s.caFile, "--alarm-prefix", "docmeta-prod-")
	if err != nil || !strings.Contains(out, "1 alarms (docmeta-prod-* in eu-west-1, us-east-1), none in ALARM") {
		t.Fatalf("smoke --alarm-prefix: %v\n%s", err, out)
	}
}

func TestSmokeVerifiesTLSAgainstTheSystemRootsWithoutCAFile(t *testing.T) {
	s := newSmokeSetup(t)
	out, _, err := runCmd(t, s.env, "smoke", "--outputs", s.outputs)
	if err == nil || !strings.Contains(err.Error(), `"status"`) || !strings.Contains(err.Error(), "not trusted") {
		t.Fatalf("err = %v\n%s", err, out)
	}
}

func TestSmokeNoAWSSkipsTheAWSChecks(t *testing.T) {
	s := newSmokeSetup(t)
	env := map[string]string{"DOCMETA_API_KEY": edgetest.Key} // no AWS credentials at all
	out, _, err := runCmd(t, env, "smoke", "--outputs", s.outputs, "--ca-file", s.caFile, "--no-aws")
	if err != nil {
		t.Fatalf("smoke --no-aws: %v\n%s", err, out)
	}
	if strings.Count(out, "--no-aws given") != 3 || len(s.aws.Calls) != 0 {
		t.Errorf("AWS checks not skipped (calls %v):\n%s", s.aws.Calls, out)
	}
}

func TestSmokeAgainstAURLWithoutOutputs(t *testing.T) {
	d := edgetest.Deploy(t, []string{edgetest.Key})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, d.CA.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DOCMETA_API_KEY": edgetest.Key}
	out, _, err := runCmd(t, env, "smoke", "--url", d.URL, "--ca-file", ca, "--no-aws")
	if err != nil || !strings.Contains(out, "smoke check of "+d.URL) {
		t.Fatalf("smoke --url: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, env, "smoke", "--url", d.URL); err == nil || !strings.Contains(err.Error(), "--outputs is required") {
		t.Errorf("--url without --no-aws: err = %v", err)
	}
}

func TestSmokeFlagErrorsNameTheFix(t *testing.T) {
	s := newSmokeSetup(t)
	bad := filepath.Join(t.TempDir(), "bad.pem")
	if err := os.WriteFile(bad, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	noURL := filepath.Join(t.TempDir(), "outputs.json")
	if err := os.WriteFile(noURL, []byte(`{"docmeta-dev": {"asg_name": "a", "region": "us-east-1"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	noASG := filepath.Join(t.TempDir(), "outputs.json")
	if err := os.WriteFile(noASG, []byte(`{"docmeta-dev": {"service_url": "https://d1.cloudfront.net"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	noPrefix := filepath.Join(t.TempDir(), "outputs.json")
	if err := os.WriteFile(noPrefix, []byte(`{"docmeta-dev": {"service_url": "https://d1.cloudfront.net", "asg_name": "a", "region": "us-east-1"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		args []string
		want string
	}{
		"no outputs":       {[]string{"smoke"}, "--outputs is required"},
		"missing outputs":  {[]string{"smoke", "--outputs", filepath.Join(t.TempDir(), "none.json")}, "--outputs-file"},
		"no service_url":   {[]string{"smoke", "--outputs", noURL}, "no service_url output"},
		"no ASG or region": {[]string{"smoke", "--outputs", noASG}, "lack region or asg_name"},
		"no alarm prefix":  {[]string{"smoke", "--outputs", noPrefix}, "lack alarm_name_prefix"},
		"unknown stack":    {[]string{"smoke", "--outputs", s.outputs, "--stack", "docmeta-prod"}, "fix --stack"},
		"bad CA file":      {[]string{"smoke", "--outputs", s.outputs, "--ca-file", bad}, "holds no PEM certificate"},
		"bad timeout":      {[]string{"smoke", "--outputs", s.outputs, "--timeout", "0s"}, "must be positive"},
	}
	for name, tc := range cases {
		if _, _, err := runCmd(t, s.env, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}

// The process's exit status is what scripts and CI read: 1 with the failed
// step and its fix on stderr, 0 when every step passed.
func TestSmokeBinaryExitStatus(t *testing.T) {
	bin, err := gobuild.Binary(t.TempDir(), "github.com/docmeta/docmeta/ops/cmd/docmeta-ops")
	if err != nil {
		t.Fatal(err)
	}
	d := edgetest.Deploy(t, []string{edgetest.Key})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, d.CA.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	smoke := func(key string) (int, string, string) {
		cmd := exec.Command(bin, "smoke", "--url", d.URL, "--ca-file", ca, "--no-aws")
		cmd.Env = []string{"DOCMETA_API_KEY=" + key}
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("run %s: %v", bin, err)
		}
		return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
	}
	if code, out, errOut := smoke(edgetest.Key); code != 0 || !strings.Contains(out, "smoke check passed") {
		t.Errorf("good key: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := smoke("wrong-key")
	if code != 1 || !strings.HasPrefix(errOut, `docmeta-ops: smoke step "upload" failed:`) || !strings.Contains(errOut, "fix: pass a valid key") {
		t.Errorf("wrong key: exit %d\n%s%s", code, out, errOut)
	}
}
