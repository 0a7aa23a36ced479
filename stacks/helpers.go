package stacks

import (
	"encoding/json"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/aws/jsii-runtime-go"
)

func str(v string) *string { return jsii.String(v) }
func num(v int) *float64   { return jsii.Number(float64(v)) }
func strs(v ...string) *[]*string {
	out := make([]*string, len(v))
	for i := range v {
		out[i] = jsii.String(v[i])
	}
	return &out
}

// logicalIDer is every Terraform element whose address we pin.
type logicalIDer interface{ OverrideLogicalId(newLogicalId *string) }

// pin fixes a resource's Terraform address (aws_vpc.vpc instead of a
// path-derived name with a hash suffix), so state addresses stay stable when
// constructs are reorganized, and tests and policy-scan exclusions can name
// resources.
func pin[T logicalIDer](r T, id string) T {
	r.OverrideLogicalId(jsii.String(id))
	return r
}

func nameTag(name string) *map[string]*string {
	return &map[string]*string{"Name": jsii.String(name)}
}

// policyDocument is an IAM policy; values may contain Terraform tokens, which
// cdktf resolves inside the marshalled string.
type policyDocument struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Sid       string   `json:"Sid,omitempty"`
	Effect    string   `json:"Effect"`
	Principal any      `json:"Principal,omitempty"`
	Action    []string `json:"Action"`
	Resource  []string `json:"Resource,omitempty"`
	// NotResource is only used by Deny statements (everything except these).
	NotResource []string       `json:"NotResource,omitempty"`
	Condition   map[string]any `json:"Condition,omitempty"`
}

func (d policyDocument) String() string {
	d.Version = "2012-10-17"
	b, err := json.Marshal(d)
	if err != nil {
		panic("stacks: marshal policy: " + err.Error())
	}
	return string(b)
}

// Expression renders the document as a Terraform jsonencode({...}) call
// rather than a JSON string literal: cdktf's HCL output (which the policy
// scan reads) does not escape the quotes of a JSON literal, and an object
// expression is also what Terraform users would write by hand.
func (d policyDocument) Expression() *string {
	var v map[string]any
	if err := json.Unmarshal([]byte(d.String()), &v); err != nil {
		panic("stacks: policy round trip: " + err.Error())
	}
	return cdktf.Fn_Jsonencode(v)
}

// denyInsecureTransport is the TLS-only statement every bucket policy starts with.
func denyInsecureTransport(bucketARN string) policyStatement {
	return policyStatement{
		Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*",
		Action:    []string{"s3:*"},
		Resource:  []string{bucketARN, bucketARN + "/*"},
		Condition: map[string]any{"Bool": map[string]string{"aws:SecureTransport": "false"}},
	}
}

// serverTableActions are exactly the DynamoDB calls of backend/dynamo.
var serverTableActions = []string{"dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:DescribeTable"}
