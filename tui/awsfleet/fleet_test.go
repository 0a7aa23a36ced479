package awsfleet

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/docmeta/docmeta/internal/testenv"
	"github.com/docmeta/docmeta/tui"
)

const tgARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/docmeta-dev/0123456789abcdef"

// Responses in the shape AWS returns them (query protocol, XML).
const describeGroups = `<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
  <DescribeAutoScalingGroupsResult>
    <AutoScalingGroups>
      <member>
        <AutoScalingGroupName>docmeta-dev-asg</AutoScalingGroupName>
        <AutoScalingGroupARN>arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/docmeta-dev-asg</AutoScalingGroupARN>
        <MinSize>1</MinSize>
        <MaxSize>3</MaxSize>
        <DesiredCapacity>2</DesiredCapacity>
        <DefaultCooldown>300</DefaultCooldown>
        <AvailabilityZones><member>us-east-1a</member><member>us-east-1b</member></AvailabilityZones>
        <LaunchTemplate>
          <LaunchTemplateId>lt-0abc123</LaunchTemplateId>
          <LaunchTemplateName>docmeta-dev</LaunchTemplateName>
          <Version>7</Version>
        </LaunchTemplate>
        <TargetGroupARNs><member>` + tgARN + `</member></TargetGroupARNs>
        <HealthCheckType>ELB</HealthCheckType>
        <HealthCheckGracePeriod>120</HealthCheckGracePeriod>
        <Instances>
          <member>
            <InstanceId>i-0bbb</InstanceId>
            <InstanceType>t4g.micro</InstanceType>
            <AvailabilityZone>us-east-1b</AvailabilityZone>
            <LifecycleState>Pending</LifecycleState>
            <HealthStatus>Healthy</HealthStatus>
            <LaunchTemplate><LaunchTemplateId>lt-0abc123</LaunchTemplateId><LaunchTemplateName>docmeta-dev</LaunchTemplateName><Version>7</Version></LaunchTemplate>
            <ProtectedFromScaleIn>false</ProtectedFromScaleIn>
          </member>
          <member>
            <InstanceId>i-0aaa</InstanceId>
            <InstanceType>t4g.micro</InstanceType>
            <AvailabilityZone>us-east-1a</AvailabilityZone>
            <LifecycleState>InService</LifecycleState>
            <HealthStatus>Healthy</HealthStatus>
            <LaunchTemplate><LaunchTemplateId>lt-0abc123</LaunchTemplateId><LaunchTemplateName>docmeta-dev</LaunchTemplateName><Version>6</Version></LaunchTemplate>
            <ProtectedFromScaleIn>false</ProtectedFromScaleIn>
          </member>
        </Instances>
        <CreatedTime>2026-11-20T10:00:00.000Z</CreatedTime>
      </member>
    </AutoScalingGroups>
  </DescribeAutoScalingGroupsResult>
  <ResponseMetadata><RequestId>8e6a1c3f-0000-4000-8000-000000000001</RequestId></ResponseMetadata>
</DescribeAutoScalingGroupsResponse>`

const describeRefreshes = `<DescribeInstanceRefreshesResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
  <DescribeInstanceRefreshesResult>
    <InstanceRefreshes>
      <member>
        <InstanceRefreshId>08b91cf7-8fa6-48af-b6a6-d227f40f1b9b</InstanceRefreshId>
        <AutoScalingGroupName>docmeta-dev-asg</AutoScalingGroupName>
        <Status>InProgress</Status>
        <StatusReason>Waiting for instances to warm up before continuing.</StatusReason>
        <StartTime>2026-11-27T09:00:00Z</StartTime>
        <PercentageComplete>50</PercentageComplete>
        <InstancesToUpdate>1</InstancesToUpdate>
      </member>
    </InstanceRefreshes>
  </DescribeInstanceRefreshesResult>
  <ResponseMetadata><RequestId>8e6a1c3f-0000-4000-8000-000000000002</RequestId></ResponseMetadata>
</DescribeInstanceRefreshesResponse>`

const describeTargetHealth = `<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
  <DescribeTargetHealthResult>
    <TargetHealthDescriptions>
      <member>
        <HealthCheckPort>8080</HealthCheckPort>
        <TargetHealth><State>healthy</State></TargetHealth>
        <Target><Port>8080</Port><Id>i-0aaa</Id></Target>
      </member>
      <member>
        <HealthCheckPort>8080</HealthCheckPort>
        <TargetHealth>
          <State>initial</State>
          <Reason>Elb.RegistrationInProgress</Reason>
          <Description>Target registration is in progress</Description>
        </TargetHealth>
        <Target><Port>8080</Port><Id>i-0bbb</Id></Target>
      </member>
      <member>
        <HealthCheckPort>8080</HealthCheckPort>
        <TargetHealth>
          <State>draining</State>
          <Reason>Target.DeregistrationInProgress</Reason>
          <Description>Target deregistration is in progress</Description>
        </TargetHealth>
        <Target><Port>8080</Port><Id>i-0old</Id></Target>
      </member>
    </TargetHealthDescriptions>
  </DescribeTargetHealthResult>
  <ResponseMetadata><RequestId>8e6a1c3f-0000-4000-8000-000000000003</RequestId></ResponseMetadata>
</DescribeTargetHealthResponse>`

func queryError(code, message string) string {
	return fmt.Sprintf(`<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
  <Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>
  <RequestId>8e6a1c3f-0000-4000-8000-0000000000ff</RequestId>
</ErrorResponse>`, code, message)
}

// EC2 answers in its own XML dialect (ec2query: lower-camel names, item).
const describeInstances = `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>8e6a1c3f-0000-4000-8000-000000000077</requestId>
  <reservationSet>
    <item>
      <reservationId>r-0123</reservationId>
      <ownerId>123456789012</ownerId>
      <instancesSet>
        <item><instanceId>i-0aaa</instanceId><instanceType>t4g.micro</instanceType><launchTime>2026-11-26T07:15:00.000Z</launchTime>
          <instanceState><code>16</code><name>running</name></instanceState></item>
        <item><instanceId>i-0bbb</instanceId><instanceType>t4g.micro</instanceType><launchTime>2026-11-27T09:20:00.000Z</launchTime>
          <instanceState><code>0</code><name>pending</name></instanceState></item>
      </instancesSet>
    </item>
  </reservationSet>
</DescribeInstancesResponse>`

// fakeAWS answers the query-protocol actions the adapter uses and records
// the forms it received.
type fakeAWS struct {
	mu       sync.Mutex
	forms    map[string]url.Values
	failWith map[string][2]string // action -> HTTP status, error code
	bodies   map[string]string    // action -> response body replacing the recorded one
}

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDTEST/") {
		http.Error(w, "unsigned request", 403)
		return
	}
	action := r.PostForm.Get("Action")
	f.mu.Lock()
	f.forms[action] = r.PostForm
	fail, failing := f.failWith[action]
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	// EC2 fails the whole call for one ID it does not know (yet).
	if action == "DescribeInstances" && !failing {
		for k, v := range r.PostForm {
			if strings.HasPrefix(k, "InstanceId.") && v[0] != "i-0aaa" && v[0] != "i-0bbb" {
				fail, failing = [2]string{"400", "InvalidInstanceID.NotFound"}, true
			}
		}
	}
	if failing {
		status := 400
		fmt.Sscanf(fail[0], "%d", &status)
		w.WriteHeader(status)
		if action == "DescribeInstances" { // EC2's own error document
			fmt.Fprintf(w, `<Response><Errors><Error><Code>%s</Code><Message>recorded failure</Message></Error></Errors><RequestID>r-1</RequestID></Response>`, fail[1])
			return
		}
		w.Write([]byte(queryError(fail[1], "recorded failure")))
		return
	}
	if body, ok := f.bodies[action]; ok {
		w.Write([]byte(body))
		return
	}
	switch action {
	case "DescribeAutoScalingGroups":
		w.Write([]byte(describeGroups))
	case "DescribeInstanceRefreshes":
		w.Write([]byte(describeRefreshes))
	case "DescribeTargetHealth":
		w.Write([]byte(describeTargetHealth))
	case "DescribeInstances":
		w.Write([]byte(describeInstances))
	default:
		w.WriteHeader(400)
		w.Write([]byte(queryError("InvalidAction", "unexpected action "+action)))
	}
}

func newSource(t *testing.T, tg string) (*Source, *fakeAWS) {
	t.Helper()
	fake := &fakeAWS{forms: map[string]url.Values{}, failWith: map[string][2]string{}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	cfg := testenv.FakeAWSConfig(srv.URL)
	return New(autoscaling.NewFromConfig(cfg), elbv2.NewFromConfig(cfg), ec2.NewFromConfig(cfg), "docmeta-dev-asg", tg), fake
}

func TestFleetJoinsGroupRefreshAndTargetHealth(t *testing.T) {
	src, fake := newSource(t, "")
	f, err := src.Fleet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	g := f.Group
	if g == nil || f.Server != nil {
		t.Fatalf("fleet = %+v", f)
	}
	if g.Name != "docmeta-dev-asg" || g.Desired != 2 || g.Min != 1 || g.Max != 3 || g.LaunchTemplate != "docmeta-dev" ||
		g.TemplateVersion != "7" || g.TargetGroupARN != tgARN {
		t.Errorf("group = %+v", g)
	}
	r := g.Refresh
	if r == nil || r.Status != "InProgress" || r.PercentComplete != 50 || r.InstancesToUpdate != 1 ||
		!r.StartTime.Equal(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)) || !strings.HasPrefix(r.StatusReason, "Waiting") {
		t.Errorf("refresh = %+v", r)
	}
	want := []tui.Instance{
		{ID: "i-0aaa", AvailabilityZone: "us-east-1a", LifecycleState: "InService", HealthStatus: "Healthy", LaunchTemplateVersion: "6",
			LaunchTime: time.Date(2026, 11, 26, 7, 15, 0, 0, time.UTC), Target: tui.Target{ID: "i-0aaa", State: "healthy"}},
		{ID: "i-0bbb", AvailabilityZone: "us-east-1b", LifecycleState: "Pending", HealthStatus: "Healthy", LaunchTemplateVersion: "7",
			LaunchTime: time.Date(2026, 11, 27, 9, 20, 0, 0, time.UTC),
			Target:     tui.Target{ID: "i-0bbb", State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress"}},
	}
	if fmt.Sprint(g.Instances) != fmt.Sprint(want) {
		t.Errorf("instances = %+v\nwant        %+v", g.Instances, want)
	}
	if len(g.UnknownTargets) != 1 || g.UnknownTargets[0].ID != "i-0old" || g.UnknownTargets[0].State != "draining" {
		t.Errorf("unknown targets = %+v", g.UnknownTargets)
	}
	// What the SDK sent: the group by name, only the newest refresh, the
	// group's own target group.
	if v := fake.forms["DescribeAutoScalingGroups"].Get("AutoScalingGroupNames.member.1"); v != "docmeta-dev-asg" {
		t.Errorf("AutoScalingGroupNames.member.1 = %q", v)
	}
	if v := fake.forms["DescribeInstanceRefreshes"]; v.Get("AutoScalingGroupName") != "docmeta-dev-asg" || v.Get("MaxRecords") != "1" {
		t.Errorf("DescribeInstanceRefreshes form = %v", v)
	}
	if v := fake.forms["DescribeTargetHealth"].Get("TargetGroupArn"); v != tgARN {
		t.Errorf("TargetGroupArn = %q", v)
	}
	if v := fake.forms["DescribeInstances"]; v.Get("Filter.1.Name") != "instance-id" ||
		v.Get("Filter.1.Value.1") != "i-0bbb" || v.Get("Filter.1.Value.2") != "i-0aaa" {
		t.Errorf("DescribeInstances form = %v", v)
	}
}

func TestFleetUsesTheConfiguredTargetGroup(t *testing.T) {
	other := "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/other/1"
	src, fake := newSource(t, other)
	if _, err := src.Fleet(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := fake.forms["DescribeTargetHealth"].Get("TargetGroupArn"); v != other {
		t.Errorf("TargetGroupArn = %q, want %q", v, other)
	}
}

func TestFleetFailuresAreClassified(t *testing.T) {
	cases := []struct {
		action, status, code string
		problem              tui.Problem
		want                 string
	}{
		{"DescribeAutoScalingGroups", "403", "ExpiredToken", tui.ProblemUnauthorized, "credentials expired"},
		{"DescribeInstanceRefreshes", "400", "Throttling", tui.ProblemThrottled, "autoscaling:DescribeInstanceRefreshes throttled"},
		{"DescribeTargetHealth", "400", "TargetGroupNotFound", tui.ProblemNotFound, "check the stack outputs"},
		{"DescribeTargetHealth", "403", "AccessDenied", tui.ProblemUnauthorized, "elasticloadbalancing:DescribeTargetHealth refused"},
	}
	for _, tc := range cases {
		src, fake := newSource(t, "")
		fake.failWith[tc.action] = [2]string{tc.status, tc.code}
		_, err := src.Fleet(context.Background())
		if tui.ProblemOf(err) != tc.problem || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %s: %v (%v), want %v with %q", tc.action, tc.code, err, tui.ProblemOf(err), tc.problem, tc.want)
		}
	}
}

func TestFleetUnreachableEndpoint(t *testing.T) {
	src, _ := newSource(t, "")
	srv := httptest.NewServer(http.NotFoundHandler())
	dead := srv.URL
	srv.Close()
	src.asg = autoscaling.NewFromConfig(testenv.FakeAWSConfig(dead))
	_, err := src.Fleet(context.Background())
	if tui.ProblemOf(err) != tui.ProblemUnreachable || !strings.Contains(err.Error(), "AWS_ENDPOINT_URL_") {
		t.Errorf("got %v (%v)", err, tui.ProblemOf(err))
	}
}

func TestFleetGroupMissing(t *testing.T) {
	fake := &fakeAWS{forms: map[string]url.Values{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ParseForm(); r.PostForm.Get("Action") == "DescribeAutoScalingGroups" {
			w.Write([]byte(`<DescribeAutoScalingGroupsResponse><DescribeAutoScalingGroupsResult><AutoScalingGroups/></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>`))
			return
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	cfg := testenv.FakeAWSConfig(srv.URL)
	src := New(autoscaling.NewFromConfig(cfg), elbv2.NewFromConfig(cfg), nil, "gone", "")
	_, err := src.Fleet(context.Background())
	if tui.ProblemOf(err) != tui.ProblemNotFound || !strings.Contains(err.Error(), `"gone" not found`) {
		t.Errorf("got %v", err)
	}
}

// A description without <Target> (or without <TargetHealth>) is skipped or
// kept as far as it goes, never dereferenced.
func TestFleetToleratesPartialTargetHealth(t *testing.T) {
	src, fake := newSource(t, "")
	fake.bodies = map[string]string{"DescribeTargetHealth": `<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
  <DescribeTargetHealthResult>
    <TargetHealthDescriptions>
      <member><HealthCheckPort>8080</HealthCheckPort><TargetHealth><State>unused</State></TargetHealth></member>
      <member><HealthCheckPort>8080</HealthCheckPort><Target><Port>8080</Port><Id>i-0aaa</Id></Target></member>
    </TargetHealthDescriptions>
  </DescribeTargetHealthResult>
</DescribeTargetHealthResponse>`}
	f, err := src.Fleet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.Group.Instances); n != 2 || f.Group.Instances[0].Target.ID != "i-0aaa" || f.Group.Instances[0].Target.State != "" {
		t.Errorf("instances = %+v", f.Group.Instances)
	}
	if len(f.Group.UnknownTargets) != 0 {
		t.Errorf("a description without a target became %+v", f.Group.UnknownTargets)
	}
}

// When DescribeInstanceRefreshes or DescribeTargetHealth fails, the group
// already read comes back with the failed parts named, and the error.
func TestFleetKeepsWhatItFetchedWhenACallFails(t *testing.T) {
	src, fake := newSource(t, "")
	fake.failWith["DescribeInstanceRefreshes"] = [2]string{"400", "Throttling"}
	f, err := src.Fleet(context.Background())
	if tui.ProblemOf(err) != tui.ProblemThrottled || !strings.Contains(err.Error(), "autoscaling:DescribeInstanceRefreshes throttled") {
		t.Errorf("error = %v", err)
	}
	g := f.Group
	if g == nil || len(g.Instances) != 2 || g.Instances[0].Target.State != "healthy" || g.Refresh != nil ||
		!g.Missing(tui.PartInstanceRefresh) || g.Missing(tui.PartTargetHealth) {
		t.Fatalf("group = %+v", g)
	}

	fake.failWith["DescribeTargetHealth"] = [2]string{"403", "AccessDenied"}
	f, err = src.Fleet(context.Background())
	if err == nil || !strings.Contains(err.Error(), "2 calls failed") || !strings.Contains(err.Error(), "DescribeTargetHealth refused") {
		t.Errorf("error = %v", err)
	}
	if g := f.Group; g == nil || len(g.Instances) != 2 || g.Instances[0].Target.State != "" ||
		!g.Missing(tui.PartInstanceRefresh) || !g.Missing(tui.PartTargetHealth) {
		t.Errorf("group = %+v", g)
	}
}

// EC2 failing leaves the launch times out and names them.
func TestFleetLaunchTimesFailing(t *testing.T) {
	src, fake := newSource(t, "")
	fake.failWith["DescribeInstances"] = [2]string{"403", "UnauthorizedOperation"}
	f, err := src.Fleet(context.Background())
	if tui.ProblemOf(err) != tui.ProblemUnauthorized || !strings.Contains(err.Error(), "ec2:DescribeInstances refused") {
		t.Errorf("error = %v", err)
	}
	if g := f.Group; g == nil || len(g.Instances) != 2 || !g.Missing(tui.PartLaunchTimes) || !g.Instances[0].LaunchTime.IsZero() {
		t.Errorf("group = %+v", g)
	}
}

// An instance the group lists but EC2 does not know yet (just launched)
// loses its own launch time, not everyone's.
func TestFleetLaunchTimesWithAnInstanceEC2DoesNotKnowYet(t *testing.T) {
	src, fake := newSource(t, "")
	fake.bodies = map[string]string{"DescribeAutoScalingGroups": strings.Replace(describeGroups, "<Instances>", `<Instances>
          <member>
            <InstanceId>i-0new</InstanceId>
            <AvailabilityZone>us-east-1a</AvailabilityZone>
            <LifecycleState>Pending</LifecycleState>
            <HealthStatus>Healthy</HealthStatus>
          </member>`, 1)}
	f, err := src.Fleet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	g := f.Group
	if g == nil || len(g.Instances) != 3 || g.Missing(tui.PartLaunchTimes) {
		t.Fatalf("group = %+v", g)
	}
	for _, in := range g.Instances {
		if (in.ID == "i-0new") != in.LaunchTime.IsZero() {
			t.Errorf("%s launch time = %v", in.ID, in.LaunchTime)
		}
	}
}
