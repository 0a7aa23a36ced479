package stacks

import (
	"encoding/json"

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
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal any            `json:"Principal,omitempty"`
	Action    []string       `json:"Action"`
	Resource  []string       `json:"Resource"`
	Condition map[string]any `json:"Condition,omitempty"`
}

func (d policyDocument) String() string {
	d.Version = "2012-10-17"
	b, err := json.Marshal(d)
	if err != nil {
		panic("stacks: marshal policy: " + err.Error())
	}
	return string(b)
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

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("stacks: marshal: " + err.Error())
	}
	return string(b)
}
