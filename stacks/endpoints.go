package stacks

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcendpoint"
)

// GatewayEndpointsProps are the inputs of the free S3 and DynamoDB gateway
// endpoints: the private route tables and the endpoint policies.
type GatewayEndpointsProps struct {
	Region         string
	VPCID          string
	RouteTableIDs  []string
	S3Policy       policyDocument
	DynamoDBPolicy policyDocument
}

// GatewayEndpoints carry the instances' S3 and DynamoDB traffic without NAT.
type GatewayEndpoints struct {
	S3, DynamoDB vpcendpoint.VpcEndpoint
}

// NewGatewayEndpoints creates the S3 and DynamoDB gateway endpoints on the
// private route tables, each with a policy scoped to our resources.
func NewGatewayEndpoints(scope constructs.Construct, id string, p GatewayEndpointsProps) *GatewayEndpoints {
	c := constructs.NewConstruct(scope, str(id))
	mk := func(service string, policy policyDocument) vpcendpoint.VpcEndpoint {
		return pin(vpcendpoint.NewVpcEndpoint(c, str(service+"_gateway"), &vpcendpoint.VpcEndpointConfig{
			VpcId:           str(p.VPCID),
			ServiceName:     str(fmt.Sprintf("com.amazonaws.%s.%s", p.Region, service)),
			VpcEndpointType: str("Gateway"),
			RouteTableIds:   strs(p.RouteTableIDs...),
			Policy:          policy.Expression(),
			Tags:            nameTag(service + "-gateway"),
		}), service+"_gateway")
	}
	return &GatewayEndpoints{S3: mk("s3", p.S3Policy), DynamoDB: mk("dynamodb", p.DynamoDBPolicy)}
}

// InterfaceEndpointsProps are the inputs of the interface endpoints.
type InterfaceEndpointsProps struct {
	Region          string
	VPCID           string
	Services        []string
	SubnetIDs       []string
	SecurityGroupID string
}

// NewInterfaceEndpoints creates one interface endpoint per service with
// private DNS, in the given subnets only (one AZ in dev: each AZ is billed).
func NewInterfaceEndpoints(scope constructs.Construct, id string, p InterfaceEndpointsProps) []vpcendpoint.VpcEndpoint {
	c := constructs.NewConstruct(scope, str(id))
	var out []vpcendpoint.VpcEndpoint
	for _, svc := range p.Services {
		out = append(out, pin(vpcendpoint.NewVpcEndpoint(c, str(svc+"_interface"), &vpcendpoint.VpcEndpointConfig{
			VpcId:             str(p.VPCID),
			ServiceName:       str(fmt.Sprintf("com.amazonaws.%s.%s", p.Region, svc)),
			VpcEndpointType:   str("Interface"),
			PrivateDnsEnabled: true,
			SubnetIds:         strs(p.SubnetIDs...),
			SecurityGroupIds:  strs(p.SecurityGroupID),
			Tags:              nameTag(svc + "-interface"),
		}), svc+"_interface"))
	}
	return out
}
