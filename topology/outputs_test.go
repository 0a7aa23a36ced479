package topology

import (
	"reflect"
	"strings"
	"testing"
)

// A file as `cdktf deploy --outputs-file` writes it for a dev deploy: the
// application stack, its exports stack, and look-alike names
// (table_arn, the ARN suffixes) that must not shadow the values read.
const deployedOutputs = `{
  "docmeta-dev": {
    "service_url": "http://docmeta-dev-1.us-east-1.elb.amazonaws.com", "alb_dns_name": "docmeta-dev-1.us-east-1.elb.amazonaws.com",
    "alb_arn": "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/docmeta-dev/1", "alb_arn_suffix": "app/docmeta-dev/1",
    "table_name": "docmeta-dev-documents", "table_arn": "arn:aws:dynamodb:us-east-1:1:table/docmeta-dev-documents",
    "asg_name": "docmeta-dev-asg", "target_group_arn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/docmeta-dev/2",
    "target_group_arn_suffix": "targetgroup/docmeta-dev/2", "nat_gateway_ids": [], "interface_endpoint_ids": ["vpce-1", "vpce-2"],
    "region": "us-east-1", "artifact_bucket": "docmeta-dev-artifacts", "server_sha256": "abc", "vpc_id": "vpc-1"
  },
  "docmeta-dev-exports": {"export_bucket": "docmeta-dev-exports-1-us-east-1", "export_bucket_arn": "arn:aws:s3:::x", "region": "us-east-1"},
  "docmeta-seed": {"asg_name": "docmeta-seed-asg", "region": "us-west-2", "nat_gateway_ids": ["nat-1", "nat-2"]}
}`

func TestParseOutputsReadsTheStackAndItsExportsStack(t *testing.T) {
	o, err := ParseOutputs(strings.NewReader(deployedOutputs), "docmeta-dev")
	if err != nil {
		t.Fatal(err)
	}
	want := Outputs{Stack: "docmeta-dev", ServiceURL: "http://docmeta-dev-1.us-east-1.elb.amazonaws.com",
		ALBDNSName: "docmeta-dev-1.us-east-1.elb.amazonaws.com", ALBARN: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/docmeta-dev/1",
		ALBARNSuffix: "app/docmeta-dev/1", TargetGroupARNSuffix: "targetgroup/docmeta-dev/2",
		TableName: "docmeta-dev-documents", ASGName: "docmeta-dev-asg",
		TargetGroupARN: "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/docmeta-dev/2", Region: "us-east-1",
		ExportBucket: "docmeta-dev-exports-1-us-east-1", NATGatewayIDs: []string{}, InterfaceEndpointIDs: []string{"vpce-1", "vpce-2"}}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("got  %+v\nwant %+v", o, want)
	}
	seed, err := ParseOutputs(strings.NewReader(deployedOutputs), "docmeta-seed")
	if err != nil || seed.ASGName != "docmeta-seed-asg" || !reflect.DeepEqual(seed.NATGatewayIDs, []string{"nat-1", "nat-2"}) || seed.ExportBucket != "" {
		t.Errorf("seed = %+v, %v", seed, err)
	}
}

// The application stack's value wins over its exports stack's.
func TestParseOutputsPrefersTheApplicationStack(t *testing.T) {
	o, err := ParseOutputs(strings.NewReader(`{"s":{"region":"eu-west-1"},"s-exports":{"region":"us-east-1","export_bucket":"b"}}`), "s")
	if err != nil || o.Region != "eu-west-1" || o.ExportBucket != "b" {
		t.Errorf("%+v %v", o, err)
	}
}

func TestParseOutputsSingleApplicationStackNeedsNoName(t *testing.T) {
	o, err := ParseOutputs(strings.NewReader(`{"docmeta-prod":{"asg_name":"a"},"docmeta-prod-exports":{"export_bucket":"b"}}`), "")
	if err != nil || o.Stack != "docmeta-prod" || o.ASGName != "a" || o.ExportBucket != "b" {
		t.Errorf("%+v %v", o, err)
	}
}

// Tools tell "no interface endpoints" (an empty list) from "the file
// predates the output" (nil).
func TestParseOutputsListsTellAbsentFromEmpty(t *testing.T) {
	for name, tc := range map[string]struct {
		body string
		want []string
	}{
		"absent":     {`{"s":{}}`, nil},
		"empty list": {`{"s":{"interface_endpoint_ids":[]}}`, []string{}},
		"null":       {`{"s":{"interface_endpoint_ids":null}}`, []string{}},
		"list":       {`{"s":{"interface_endpoint_ids":["vpce-0a","vpce-0b"]}}`, []string{"vpce-0a", "vpce-0b"}},
	} {
		o, err := ParseOutputs(strings.NewReader(tc.body), "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(o.InterfaceEndpointIDs, tc.want) || (tc.want == nil) != (o.InterfaceEndpointIDs == nil) {
			t.Errorf("%s: InterfaceEndpointIDs = %#v, want %#v", name, o.InterfaceEndpointIDs, tc.want)
		}
	}
}

// Only the names the stacks write are read: another spelling fills nothing.
func TestParseOutputsReadsOneSpelling(t *testing.T) {
	o, err := ParseOutputs(strings.NewReader(`{"s":{"serviceUrl":"u","dynamodb_table_name":"t","asgName":"a","tgarn":"g"}}`), "")
	if err != nil || !reflect.DeepEqual(o, Outputs{Stack: "s"}) {
		t.Errorf("%+v %v", o, err)
	}
}

func TestParseOutputsErrorsNameTheFix(t *testing.T) {
	for name, tc := range map[string]struct{ body, stack, want string }{
		"two stacks, none chosen": {deployedOutputs, "", "choose one with --stack"},
		"unknown stack":           {deployedOutputs, "docmeta-prod", `stack "docmeta-prod" is not in the outputs file`},
		"not json":                {"{", "", "cdktf deploy --outputs-file"},
		"string for a list":       {`{"s":{"interface_endpoint_ids":"vpce-1"}}`, "", `output "interface_endpoint_ids" of stack s: not a list`},
		"number for a string":     {`{"s-exports":{"export_bucket":1},"s":{}}`, "s", `output "export_bucket" of stack s-exports: not a string`},
	} {
		_, err := ParseOutputs(strings.NewReader(tc.body), tc.stack)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}
