package awscheck

import (
	"context"
	"errors"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/docmeta/docmeta/ops/smoke"
	"github.com/docmeta/docmeta/ops/smoke/awscheck/awsfake"
)

func sdkConfig(region string) aws.Config {
	return aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(awsfake.AccessKey, "secret", ""),
		RetryMaxAttempts: 1, // failures are asserted, not retried with back-off
	}
}

func serve(t *testing.T, fake *awsfake.AWS) string {
	t.Helper()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return srv.URL
}

func newFleet(url string) *Fleet {
	cfg := sdkConfig("eu-west-1")
	asg := autoscaling.NewFromConfig(cfg, func(o *autoscaling.Options) { o.BaseEndpoint = aws.String(url) })
	elb := elbv2.NewFromConfig(cfg, func(o *elbv2.Options) { o.BaseEndpoint = aws.String(url) })
	return NewFleet(asg, elb, "docmeta-dev-asg", "arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/docmeta-dev/1")
}

func newAlarms(url string, regions ...string) *Alarms {
	clients := map[string]DescribeAlarmsAPI{}
	for _, r := range regions {
		clients[r] = cloudwatch.NewFromConfig(sdkConfig(r), func(o *cloudwatch.Options) { o.BaseEndpoint = aws.String(url) })
	}
	return NewAlarms("docmeta-dev-", clients)
}

func TestFleetReportsInServiceInstancesAndEveryTarget(t *testing.T) {
	fake := awsfake.Healthy("eu-west-1")
	fake.Instances = append(fake.Instances,
		awsfake.Instance{ID: "i-0ccc", Lifecycle: "Pending", TargetState: "initial", TargetReason: "Elb.RegistrationInProgress"},
		awsfake.Instance{ID: "i-0ddd", Lifecycle: "InService"})
	st, err := newFleet(serve(t, fake)).Fleet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := smoke.FleetState{Group: "docmeta-dev-asg", Desired: 2,
		InService: []string{"i-0aaa", "i-0bbb", "i-0ddd"}, NotInService: []string{"i-0ccc Pending"},
		Targets: []smoke.Target{{ID: "i-0aaa", State: "healthy"}, {ID: "i-0bbb", State: "healthy"},
			{ID: "i-0ccc", State: "initial", Reason: "Elb.RegistrationInProgress"}}}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("fleet = %+v\nwant    %+v", st, want)
	}
	if !fake.Called("eu-west-1 DescribeTargetHealth") {
		t.Errorf("calls %v", fake.Calls)
	}
}

func TestFleetFailuresNameTheFix(t *testing.T) {
	fake := awsfake.Healthy("eu-west-1")
	fake.Errors["DescribeAutoScalingGroups"] = "AccessDenied"
	_, err := newFleet(serve(t, fake)).Fleet(context.Background())
	wantFailure(t, err, "autoscaling:DescribeAutoScalingGroups refused (AccessDenied): operation error Auto Scaling: DescribeAutoScalingGroups",
		"autoscaling:DescribeAutoScalingGroups, elasticloadbalancing:DescribeTargetHealth")

	fake = awsfake.Healthy("eu-west-1")
	fake.Errors["DescribeTargetHealth"] = "TargetGroupNotFound"
	_, err = newFleet(serve(t, fake)).Fleet(context.Background())
	wantFailure(t, err, "elasticloadbalancing:DescribeTargetHealth: not found (TargetGroupNotFound)", "not from a deployment in this account and region")

	fake = awsfake.Healthy("eu-west-1")
	fake.Group = ""
	_, err = newFleet(serve(t, fake)).Fleet(context.Background())
	wantFailure(t, err, `Auto Scaling group "docmeta-dev-asg" not found`, "not from a deployment in this account and region")
}

func wantFailure(t *testing.T, err error, problem, fix string) {
	t.Helper()
	var f *smoke.Failure
	if !errors.As(err, &f) || !strings.Contains(f.Problem, problem) || !strings.Contains(f.Fix, fix) {
		t.Fatalf("err = %v\nwant a failure with problem ~%q, fix ~%q", err, problem, fix)
	}
}

func TestAlarmsLooksInEveryRegionByPrefix(t *testing.T) {
	fake := awsfake.Healthy("eu-west-1")
	url := serve(t, fake)
	rep, err := newAlarms(url, "eu-west-1", "us-east-1").Alarms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// docmeta-prod-target-5xx has another deployment's prefix.
	if rep.Checked != 4 || len(rep.Firing) != 0 || rep.Where != "docmeta-dev-* in eu-west-1, us-east-1" {
		t.Errorf("report = %+v", rep)
	}
	if !fake.Called("eu-west-1 DescribeAlarms docmeta-dev-") || !fake.Called("us-east-1 DescribeAlarms docmeta-dev-") {
		t.Errorf("calls %v", fake.Calls)
	}

	fake.Alarms["us-east-1"][0].State = "ALARM"
	rep, err = newAlarms(url, "eu-west-1", "us-east-1").Alarms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []smoke.Alarm{{Name: "docmeta-dev-eu-west-1-cloudfront-5xx-rate", Region: "us-east-1", Reason: "Threshold Crossed"}}
	if !reflect.DeepEqual(rep.Firing, want) {
		t.Errorf("firing = %+v", rep.Firing)
	}
}

func TestAlarmsFailureNamesTheRegionAndTheFix(t *testing.T) {
	fake := awsfake.Healthy("us-east-1")
	fake.Errors["DescribeAlarms"] = "AccessDenied"
	_, err := newAlarms(serve(t, fake), "us-east-1").Alarms(context.Background())
	wantFailure(t, err, "cloudwatch:DescribeAlarms in us-east-1 refused (AccessDenied)", "cloudwatch:DescribeAlarms")

	fake.Errors["DescribeAlarms"] = "Throttling"
	_, err = newAlarms(serve(t, fake), "us-east-1").Alarms(context.Background())
	wantFailure(t, err, "throttled (Throttling)", "again in a minute")
}
