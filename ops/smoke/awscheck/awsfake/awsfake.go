// Package awsfake serves, on loopback, the AWS calls of the smoke check's
// AWS steps from in-memory state: Auto Scaling and Elastic Load Balancing v2
// (query protocol, XML answers) and CloudWatch DescribeAlarms (Smithy RPC
// v2 CBOR, which this SDK version speaks to CloudWatch). Tests point real
// aws-sdk-go-v2 clients at it.
package awsfake

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/aws/smithy-go/encoding/cbor"
)

// AccessKey is the access key ID the fake expects in every request's
// signature.
const AccessKey = "AKIDTEST"

// Instance is one group member with its target health ("" = not
// registered).
type Instance struct {
	ID, Lifecycle                   string
	TargetState, TargetReason, Desc string
}

// Alarm is one CloudWatch metric alarm.
type Alarm struct {
	Name, State, Reason string
}

// AWS is the state the fake answers from.
type AWS struct {
	mu sync.Mutex
	// Group is the Auto Scaling group's name ("" = the account has none);
	// Desired its desired capacity.
	Group     string
	Desired   int
	Instances []Instance
	// Alarms are the alarms per region.
	Alarms map[string][]Alarm
	// Errors makes an operation (e.g. "DescribeAlarms") answer with an
	// error code (e.g. "AccessDenied").
	Errors map[string]string
	// Calls lists "<region> <operation>" per request received.
	Calls []string
}

var credentialRegion = regexp.MustCompile(`Credential=` + AccessKey + `/[0-9]+/([a-z0-9-]+)/`)

func (f *AWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := credentialRegion.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		http.Error(w, "request not signed with "+AccessKey, http.StatusForbidden)
		return
	}
	region := m[1]
	if r.Header.Get("Smithy-Protocol") == "rpc-v2-cbor" {
		f.serveCloudWatch(w, r, region)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	action := r.PostForm.Get("Action")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, region+" "+action)
	w.Header().Set("Content-Type", "text/xml")
	if code := f.Errors[action]; code != "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>recorded failure</Message></Error><RequestId>1</RequestId></ErrorResponse>`, code)
		return
	}
	switch action {
	case "DescribeAutoScalingGroups":
		if f.Group == "" { // no such group in this account and region
			io.WriteString(w, `<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><DescribeAutoScalingGroupsResult><AutoScalingGroups/></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>`)
			return
		}
		fmt.Fprintf(w, `<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><DescribeAutoScalingGroupsResult><AutoScalingGroups><member>
<AutoScalingGroupName>%s</AutoScalingGroupName><MinSize>1</MinSize><MaxSize>4</MaxSize><DesiredCapacity>%d</DesiredCapacity><Instances>`, esc(f.Group), f.Desired)
		for _, in := range f.Instances {
			fmt.Fprintf(w, `<member><InstanceId>%s</InstanceId><AvailabilityZone>%sa</AvailabilityZone><LifecycleState>%s</LifecycleState><HealthStatus>Healthy</HealthStatus></member>`,
				esc(in.ID), region, esc(in.Lifecycle))
		}
		io.WriteString(w, `</Instances></member></AutoScalingGroups></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>`)
	case "DescribeTargetHealth":
		io.WriteString(w, `<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetHealthResult><TargetHealthDescriptions>`)
		for _, in := range f.Instances {
			if in.TargetState == "" {
				continue
			}
			fmt.Fprintf(w, `<member><Target><Id>%s</Id><Port>8080</Port></Target><TargetHealth><State>%s</State><Reason>%s</Reason><Description>%s</Description></TargetHealth></member>`,
				esc(in.ID), esc(in.TargetState), esc(in.TargetReason), esc(in.Desc))
		}
		io.WriteString(w, `</TargetHealthDescriptions></DescribeTargetHealthResult></DescribeTargetHealthResponse>`)
	default:
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<ErrorResponse><Error><Code>InvalidAction</Code><Message>unexpected action %s</Message></Error></ErrorResponse>`, esc(action))
	}
}

// describeAlarmsPath is the RPC v2 CBOR operation path of DescribeAlarms.
const describeAlarmsPath = "/service/GraniteServiceVersion20100801/operation/DescribeAlarms"

func (f *AWS) serveCloudWatch(w http.ResponseWriter, r *http.Request, region string) {
	body, _ := io.ReadAll(r.Body)
	v, err := cbor.Decode(body)
	in, ok := v.(cbor.Map)
	if err != nil || !ok || r.URL.Path != describeAlarmsPath {
		http.Error(w, "unexpected CloudWatch request "+r.URL.Path, http.StatusBadRequest)
		return
	}
	prefix, _ := in["AlarmNamePrefix"].(cbor.String)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, region+" DescribeAlarms "+string(prefix))
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Header().Set("Content-Type", "application/cbor")
	if code := f.Errors["DescribeAlarms"]; code != "" {
		w.Header().Set("X-Amzn-Query-Error", code+";Sender")
		w.WriteHeader(http.StatusBadRequest)
		w.Write(cbor.Encode(cbor.Map{"__type": cbor.String("com.amazonaws.cloudwatch#" + code), "message": cbor.String("recorded failure")}))
		return
	}
	alarms := cbor.List{}
	for _, a := range f.Alarms[region] {
		if strings.HasPrefix(a.Name, string(prefix)) {
			alarms = append(alarms, cbor.Map{"AlarmName": cbor.String(a.Name), "StateValue": cbor.String(a.State), "StateReason": cbor.String(a.Reason)})
		}
	}
	w.Write(cbor.Encode(cbor.Map{"MetricAlarms": alarms, "CompositeAlarms": cbor.List{}}))
}

// Called reports whether a call "<region> <operation>[ <detail>]" was
// received.
func (f *AWS) Called(call string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.Calls {
		if c == call {
			return true
		}
	}
	return false
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// Healthy is a deployment in region whose group docmeta-dev-asg has its two
// desired instances in service and healthy, with three alarms in OK in
// region and one in us-east-1 (CloudFront's metrics region).
func Healthy(region string) *AWS {
	f := &AWS{Group: "docmeta-dev-asg", Desired: 2, Instances: []Instance{
		{ID: "i-0aaa", Lifecycle: "InService", TargetState: "healthy"},
		{ID: "i-0bbb", Lifecycle: "InService", TargetState: "healthy"},
	}, Alarms: map[string][]Alarm{}, Errors: map[string]string{}}
	for _, n := range []string{"docmeta-dev-target-5xx", "docmeta-dev-unhealthy-hosts", "docmeta-dev-dynamodb-throttles", "docmeta-prod-target-5xx"} {
		f.Alarms[region] = append(f.Alarms[region], Alarm{Name: n, State: "OK", Reason: "Threshold Crossed: no datapoints were received"})
	}
	// The stacks name the CloudFront alarm by the stack name, which carries
	// the region (stacks.AlarmsProps.EdgeName).
	f.Alarms["us-east-1"] = append(f.Alarms["us-east-1"], Alarm{Name: "docmeta-dev-" + region + "-cloudfront-5xx-rate", State: "OK", Reason: "Threshold Crossed"})
	return f
}
