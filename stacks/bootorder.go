package stacks

import (
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcendpoint"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// BootNeeds are the resources an instance uses while it boots and starts the
// server, which the Auto Scaling group does not reference: Terraform would
// otherwise create the group (and launch the first instance) in parallel
// with them, and that instance could spend its download retries on
// AccessDenied or a missing route, and exit.
type BootNeeds struct {
	// RoleGrants: the inline server policy and the SSM core attachment.
	RoleGrants []cdktf.ITerraformDependable
	// Endpoints: the S3 and DynamoDB gateway endpoints (binary, packages,
	// table) and the SSM interface endpoints (API keys, Session Manager).
	Endpoints []cdktf.ITerraformDependable
	// Rules: the instance egress and endpoint ingress rules.
	Rules []cdktf.ITerraformDependable
	// Routes: the private route-table associations (and NAT routes).
	Routes []cdktf.ITerraformDependable
	// Artifacts: the binary object and the bucket policy that admits the
	// role through the endpoint.
	Artifacts []cdktf.ITerraformDependable
	// APIKeyParameter: the plan-time check of the key parameter.
	APIKeyParameter cdktf.ITerraformDependable
}

// bootDependencies is the group's explicit depends_on list.
func bootDependencies(n BootNeeds) []cdktf.ITerraformDependable {
	var out []cdktf.ITerraformDependable
	for _, l := range [][]cdktf.ITerraformDependable{n.RoleGrants, n.Endpoints, n.Rules, n.Routes, n.Artifacts} {
		out = append(out, l...)
	}
	if n.APIKeyParameter != nil {
		out = append(out, n.APIKeyParameter)
	}
	return out
}

// endpointDependables are the gateway and interface endpoints as dependencies.
func endpointDependables(gw *GatewayEndpoints, interfaces []vpcendpoint.VpcEndpoint) []cdktf.ITerraformDependable {
	out := []cdktf.ITerraformDependable{gw.S3, gw.DynamoDB}
	for _, e := range interfaces {
		out = append(out, e)
	}
	return out
}
