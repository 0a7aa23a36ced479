package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/docmeta/docmeta/internal/testenv"
)

// fakeAWS answers the three services the console calls in AWS mode, in their
// wire protocols: autoscaling and elbv2 (query/XML), CloudWatch (RPC v2 CBOR).
type fakeAWS struct {
	mu    sync.Mutex
	calls []string
	nats  []string
	// health lists the service-health metrics asked for.
	health []string
	// days of NAT data points to return (ending yesterday); 0 means one.
	days int
}

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/operation/GetMetricData") {
		body, _ := io.ReadAll(r.Body)
		v, err := cbor.Decode(body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		f.mu.Lock()
		f.calls = append(f.calls, "GetMetricData")
		f.mu.Unlock()
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		results := cbor.List{}
		for _, q := range v.(cbor.Map)["MetricDataQueries"].(cbor.List) {
			id := q.(cbor.Map)["Id"].(cbor.String)
			metric := q.(cbor.Map)["MetricStat"].(cbor.Map)["Metric"].(cbor.Map)
			dim := metric["Dimensions"].(cbor.List)[0].(cbor.Map)
			ts, vs := cbor.List{}, cbor.List{}
			if metric["Namespace"].(cbor.String) != "AWS/NATGateway" {
				// Service health: one point 10 minutes ago, 1 per metric.
				f.mu.Lock()
				f.health = append(f.health, string(metric["MetricName"].(cbor.String)))
				f.mu.Unlock()
				at := time.Now().UTC().Truncate(5 * time.Minute).Add(-10 * time.Minute)
				ts = append(ts, &cbor.Tag{ID: 1, Value: cbor.Float64(float64(at.Unix()))})
				vs = append(vs, cbor.Float64(1))
				results = append(results, cbor.Map{"Id": id, "StatusCode": cbor.String("Complete"), "Timestamps": ts, "Values": vs})
				continue
			}
			f.mu.Lock()
			f.nats = append(f.nats, string(dim["Value"].(cbor.String)))
			f.mu.Unlock()
			if id != "nat0_0" {
				continue
			}
			yesterday := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
			for i := 0; i < max(f.days, 1); i++ {
				ts = append(ts, &cbor.Tag{ID: 1, Value: cbor.Float64(float64(yesterday.AddDate(0, 0, -i).Unix()))})
				vs = append(vs, cbor.Float64(float64(2+i%5)*1e9))
			}
			results = append(results, cbor.Map{"Id": id, "StatusCode": cbor.String("Complete"), "Timestamps": ts, "Values": vs})
		}
		w.Write(cbor.Encode(cbor.Map{"MetricDataResults": results}))
		return
	}
	r.ParseForm()
	action := r.PostForm.Get("Action")
	f.mu.Lock()
	f.calls = append(f.calls, action)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	switch action {
	case "DescribeAutoScalingGroups":
		w.Write([]byte(`<DescribeAutoScalingGroupsResponse><DescribeAutoScalingGroupsResult><AutoScalingGroups><member>
<AutoScalingGroupName>docmeta-prod-asg</AutoScalingGroupName><MinSize>2</MinSize><MaxSize>4</MaxSize><DesiredCapacity>2</DesiredCapacity>
<Instances><member><InstanceId>i-1</InstanceId><AvailabilityZone>eu-west-1a</AvailabilityZone><LifecycleState>InService</LifecycleState><HealthStatus>Healthy</HealthStatus></member></Instances>
</member></AutoScalingGroups></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>`))
	case "DescribeInstanceRefreshes":
		w.Write([]byte(`<DescribeInstanceRefreshesResponse><DescribeInstanceRefreshesResult><InstanceRefreshes/></DescribeInstanceRefreshesResult></DescribeInstanceRefreshesResponse>`))
	case "DescribeTargetHealth":
		w.Write([]byte(`<DescribeTargetHealthResponse><DescribeTargetHealthResult><TargetHealthDescriptions><member>
<Target><Id>i-1</Id><Port>8080</Port></Target><TargetHealth><State>healthy</State></TargetHealth></member></TargetHealthDescriptions></DescribeTargetHealthResult></DescribeTargetHealthResponse>`))
	case "DescribeInstances":
		w.Write([]byte(`<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><reservationSet><item><instancesSet>
<item><instanceId>i-1</instanceId><launchTime>2026-11-27T08:46:40.000Z</launchTime></item></instancesSet></item></reservationSet></DescribeInstancesResponse>`))
	case "DescribeScalingActivities":
		w.Write([]byte(`<DescribeScalingActivitiesResponse><DescribeScalingActivitiesResult><Activities><member>
<ActivityId>a-1</ActivityId><AutoScalingGroupName>docmeta-prod-asg</AutoScalingGroupName>
<Description>Launching a new EC2 instance: i-1</Description>
<Cause>At 2026-11-27T08:45:00Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 1 to 2.</Cause>
<StartTime>2026-11-27T08:45:00Z</StartTime><StatusCode>Successful</StatusCode><Progress>100</Progress>
</member></Activities></DescribeScalingActivitiesResult></DescribeScalingActivitiesResponse>`))
	default:
		http.Error(w, "unexpected "+action, 400)
	}
}

// TestAWSModeWiring builds the console's sources the way run does, from an
// outputs file, the standard credential chain (environment) and the
// AWS_ENDPOINT_URL_* overrides, and reads them once.
func TestAWSModeWiring(t *testing.T) {
	fake := &fakeAWS{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_CONFIG_FILE": filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none"),
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	outputs := filepath.Join(dir, "outputs.json")
	os.WriteFile(outputs, []byte(`{"docmeta-dev":{"service_url":"http://127.0.0.1:9","asg_name":"docmeta-prod-asg",
	  "target_group_arn":"arn:tg","nat_gateway_ids":["nat-0e2e"],"interface_endpoint_ids":["vpce-0e2e1","vpce-0e2e2"],"region":"us-east-1",
	  "alb_arn_suffix":"app/docmeta-dev/1","target_group_arn_suffix":"targetgroup/docmeta-dev/2","table_name":"docmeta-dev-documents"}}`), 0o600)
	env := testenv.Getenv(map[string]string{
		"AWS_ACCESS_KEY_ID":                          "AKIDTEST",
		"AWS_SECRET_ACCESS_KEY":                      "secret",
		"AWS_ENDPOINT_URL_AUTO_SCALING":              srv.URL,
		"AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2": srv.URL,
		"AWS_ENDPOINT_URL_CLOUDWATCH":                srv.URL,
		"AWS_ENDPOINT_URL_EC2":                       srv.URL,
	})
	cfg, err := parseConfig([]string{"--outputs", outputs}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	tc, err := buildConsole(context.Background(), cfg, env)
	if err != nil {
		t.Fatal(err)
	}
	if tc.Mode != "aws" || tc.Stack != "docmeta-dev" || tc.Region != "us-east-1" || tc.Profile != "" || tc.Credentials != "env" || tc.Server != "http://127.0.0.1:9" {
		t.Errorf("header fields: %+v", tc)
	}
	fleet, err := tc.Fleet.Fleet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if g := fleet.Group; g == nil || g.Name != "docmeta-prod-asg" || len(g.Instances) != 1 || g.Instances[0].Target.State != "healthy" ||
		!g.Instances[0].LaunchTime.Equal(time.Date(2026, 11, 27, 8, 46, 40, 0, time.UTC)) {
		t.Errorf("fleet = %+v", fleet.Group)
	}
	report, err := tc.Costs.Costs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if report.Profile.Name != "dev" || report.Seed.Name != "seed" || report.Observed == nil || len(report.Observed.Days) != 14 {
		t.Fatalf("report = %+v", report)
	}
	// The stack's endpoints reach the Costs view, beside the dev model's count.
	if strings.Join(report.Observed.InterfaceEndpointIDs, ",") != "vpce-0e2e1,vpce-0e2e2" || report.Profile.InterfaceEndpoints == 0 {
		t.Errorf("endpoints %v, model %d endpoints", report.Observed.InterfaceEndpointIDs, report.Profile.InterfaceEndpoints)
	}
	last := report.Observed.Days[13]
	if last.NATBytes != 2e9 || last.NATDollars <= 0 {
		t.Errorf("yesterday = %+v, want 2 GB priced", last)
	}
	if strings.Join(fake.nats, ",") != "nat-0e2e,nat-0e2e" {
		t.Errorf("CloudWatch asked about %v", fake.nats)
	}
	// Service health: the outputs' ALB, target group and table reach one
	// GetMetricData call; the group's activities come from Auto Scaling.
	health, err := tc.Health.Health(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(health.Series) != 9 || len(health.Failed) != 0 || len(health.Activities) != 1 || health.Activities[0].Description != "Launching a new EC2 instance: i-1" {
		t.Errorf("health = %d series, failed %v, activities %+v", len(health.Series), health.Failed, health.Activities)
	}
	if got := strings.Join(fake.health, ","); !strings.Contains(got, "RequestCount") || !strings.Contains(got, "ThrottledRequests") {
		t.Errorf("health metrics asked for: %s", got)
	}
	want := "DescribeAutoScalingGroups,DescribeInstanceRefreshes,DescribeTargetHealth,DescribeInstances,GetMetricData,GetMetricData,DescribeScalingActivities"
	if strings.Join(fake.calls, ",") != want {
		t.Errorf("calls %v, want %s", fake.calls, want)
	}
}

// The header names the credentials the SDK's chain actually uses.
func TestCredentialSource(t *testing.T) {
	keys := map[string]string{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s"}
	cases := []struct {
		profile          string
		env              map[string]string
		wantProfile, src string
	}{
		{"ops", keys, "ops", ""}, // an explicit profile wins over keys
		{"", keys, "", "env"},
		{"", map[string]string{"AWS_ACCESS_KEY": "AKID", "AWS_SECRET_KEY": "s"}, "", "env"},
		{"", map[string]string{"AWS_ACCESS_KEY_ID": "AKID"}, "default", ""}, // no secret: not used
		{"", map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "/t"}, "", "web identity"},
		{"", nil, "default", ""},
	}
	for _, tc := range cases {
		p, src := credentialSource(tc.profile, testenv.Getenv(tc.env))
		if p != tc.wantProfile || src != tc.src {
			t.Errorf("profile %q env %v: got (%q, %q), want (%q, %q)", tc.profile, tc.env, p, src, tc.wantProfile, tc.src)
		}
	}
}
