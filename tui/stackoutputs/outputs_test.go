package stackoutputs

import (
	"reflect"
	"strings"
	"testing"
)

const file = `{
  "docmeta-dev": {
    "service_url": "http://docmeta-dev-123.us-east-1.elb.amazonaws.com",
    "alb_dns_name": "docmeta-dev-123.us-east-1.elb.amazonaws.com",
    "table_name": "docmeta-dev-documents",
    "asg_name": "docmeta-dev-asg",
    "target_group_arn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/docmeta-dev/abc",
    "nat_gateway_ids": [],
    "region": "us-east-1"
  },
  "docmeta-seed": {
    "serviceUrl": "http://seed",
    "asgName": "docmeta-seed-asg",
    "natGatewayIds": "nat-1, nat-2",
    "region": "us-west-2"
  }
}`

func TestParseSelectsStackAndAcceptsBothNamingStyles(t *testing.T) {
	dev, err := Parse(strings.NewReader(file), "docmeta-dev")
	if err != nil {
		t.Fatal(err)
	}
	want := Outputs{Stack: "docmeta-dev", ServiceURL: "http://docmeta-dev-123.us-east-1.elb.amazonaws.com",
		ALBDNSName: "docmeta-dev-123.us-east-1.elb.amazonaws.com", TableName: "docmeta-dev-documents",
		ASGName: "docmeta-dev-asg", TargetGroupARN: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/docmeta-dev/abc",
		NATGatewayIDs: []string{}, Region: "us-east-1"}
	if !reflect.DeepEqual(dev, want) {
		t.Errorf("dev = %+v\nwant %+v", dev, want)
	}
	seed, err := Parse(strings.NewReader(file), "docmeta-seed")
	if err != nil {
		t.Fatal(err)
	}
	if seed.ServiceURL != "http://seed" || seed.ASGName != "docmeta-seed-asg" || !reflect.DeepEqual(seed.NATGatewayIDs, []string{"nat-1", "nat-2"}) || seed.Region != "us-west-2" {
		t.Errorf("seed = %+v", seed)
	}
}

func TestParseErrorsNameTheFix(t *testing.T) {
	cases := map[string]struct{ body, stack, want string }{
		"two stacks, none chosen": {file, "", "choose one with --stack"},
		"unknown stack":           {file, "docmeta-prod", `stack "docmeta-prod" is not in the outputs file`},
		"not json":                {"{", "", "cdktf deploy --outputs-file"},
		"missing asg":             {`{"s":{"region":"us-east-1"}}`, "", "lack the ASG name or region"},
	}
	for name, tc := range cases {
		_, err := Parse(strings.NewReader(tc.body), tc.stack)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

func TestParseSingleStackNeedsNoName(t *testing.T) {
	o, err := Parse(strings.NewReader(`{"docmeta-prod":{"asg_name":"a","region":"eu-west-1"}}`), "")
	if err != nil || o.Stack != "docmeta-prod" || o.ASGName != "a" {
		t.Errorf("%+v %v", o, err)
	}
}

// The output names stacks/outputs.go declares (StaticId, so the outputs
// file uses them verbatim): look-alikes such as target_group_arn_suffix and
// table_arn must not shadow the values the console needs.
func TestParseTheStacksOutputNames(t *testing.T) {
	const deployed = `{"docmeta-dev":{
	  "service_url":"http://docmeta-dev-1.us-east-1.elb.amazonaws.com","alb_dns_name":"docmeta-dev-1.us-east-1.elb.amazonaws.com",
	  "alb_arn_suffix":"app/docmeta-dev/1","table_name":"docmeta-dev-documents","table_arn":"arn:aws:dynamodb:us-east-1:1:table/docmeta-dev-documents",
	  "asg_name":"docmeta-dev-asg","target_group_arn":"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/docmeta-dev/2",
	  "target_group_arn_suffix":"targetgroup/docmeta-dev/2","nat_gateway_ids":[],"interface_endpoint_ids":["vpce-1","vpce-2"],
	  "region":"us-east-1","artifact_bucket":"docmeta-dev-artifacts","export_bucket":"docmeta-dev-exports",
	  "server_sha256":"abc","vpc_id":"vpc-1"}}`
	o, err := Parse(strings.NewReader(deployed), "")
	if err != nil {
		t.Fatal(err)
	}
	want := Outputs{Stack: "docmeta-dev", ServiceURL: "http://docmeta-dev-1.us-east-1.elb.amazonaws.com",
		ALBDNSName: "docmeta-dev-1.us-east-1.elb.amazonaws.com", TableName: "docmeta-dev-documents", ASGName: "docmeta-dev-asg",
		TargetGroupARN: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/docmeta-dev/2", NATGatewayIDs: []string{},
		InterfaceEndpointIDs: []string{"vpce-1", "vpce-2"}, Region: "us-east-1"}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("got  %+v\nwant %+v", o, want)
	}
}

// The console tells "the stack has no interface endpoints" (an empty list,
// which is what cdktf writes for an empty list output) from "the outputs file
// predates interface_endpoint_ids" (nil), and accepts the camelCase name.
func TestParseInterfaceEndpointIDs(t *testing.T) {
	cases := map[string]struct {
		body string
		want []string
	}{
		"absent":      {`{"s":{"asg_name":"a","region":"r"}}`, nil},
		"empty list":  {`{"s":{"asg_name":"a","region":"r","interface_endpoint_ids":[]}}`, []string{}},
		"list":        {`{"s":{"asg_name":"a","region":"r","interface_endpoint_ids":["vpce-0a","vpce-0b","vpce-0c"]}}`, []string{"vpce-0a", "vpce-0b", "vpce-0c"}},
		"camelCase":   {`{"s":{"asgName":"a","region":"r","interfaceEndpointIds":["vpce-0a"]}}`, []string{"vpce-0a"}},
		"comma list":  {`{"s":{"asg_name":"a","region":"r","interface_endpoint_ids":"vpce-0a, vpce-0b"}}`, []string{"vpce-0a", "vpce-0b"}},
		"empty comma": {`{"s":{"asg_name":"a","region":"r","interface_endpoint_ids":""}}`, []string{}},
	}
	for name, tc := range cases {
		o, err := Parse(strings.NewReader(tc.body), "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(o.InterfaceEndpointIDs, tc.want) || (tc.want == nil) != (o.InterfaceEndpointIDs == nil) {
			t.Errorf("%s: InterfaceEndpointIDs = %#v, want %#v", name, o.InterfaceEndpointIDs, tc.want)
		}
	}
	if _, err := Parse(strings.NewReader(`{"s":{"asg_name":"a","region":"r","interface_endpoint_ids":{"x":1}}}`), ""); err == nil ||
		!strings.Contains(err.Error(), "interface_endpoint_ids") {
		t.Errorf("an object for interface_endpoint_ids: %v, want an error naming the output", err)
	}
}
