package stacks

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// SecurityGroupsProps are the inputs of the three security groups.
type SecurityGroupsProps struct {
	Name  string
	VPCID string
	// HTTPS opens 443 on the load balancer (only when a certificate is set).
	HTTPS bool
	// CloudFrontPrefixList, when set, is the only source the load balancer
	// admits (CloudFront's origin-facing managed prefix list, which covers
	// VPC-origin traffic), on the HTTP listener port; nothing from the
	// internet.
	CloudFrontPrefixList string
	// S3PrefixList and DynamoDBPrefixList are the gateway endpoints' prefix
	// lists: the instances' only egress besides the interface endpoints.
	S3PrefixList, DynamoDBPrefixList string
	// InternetEgress allows instances HTTPS to anywhere; only meaningful
	// with a NAT gateway, which exists for workloads that need egress.
	InternetEgress bool
}

// SecurityGroups are the load balancer's, the instances' and the interface
// endpoints' groups.
type SecurityGroups struct {
	ALB, Instance, Endpoint securitygroup.SecurityGroup
	// InstanceReachesAWS are the rules an instance needs at boot: its
	// egress to the gateway endpoints and the interface endpoints, and the
	// interface endpoints' ingress from it.
	InstanceReachesAWS []cdktf.ITerraformDependable
}

const appPort = 8080

// NewSecurityGroups creates the groups with rules as separate resources (no
// inline rules, so rules never fight each other on apply). No rule anywhere
// opens port 22: access is through Session Manager.
//
// Groups are named by prefix and replaced create-before-destroy: a change
// that forces a new group (its description, say) then creates the new one
// beside the old, moves the rules and the users over, and deletes the old
// one last, where a fixed name would collide with the group being replaced.
func NewSecurityGroups(scope constructs.Construct, id string, p SecurityGroupsProps) *SecurityGroups {
	c := constructs.NewConstruct(scope, str(id))
	group := func(id, desc string) securitygroup.SecurityGroup {
		return pin(securitygroup.NewSecurityGroup(c, str(id), &securitygroup.SecurityGroupConfig{
			NamePrefix: str(p.Name + "-" + id + "-"), Description: str(desc), VpcId: str(p.VPCID),
			RevokeRulesOnDelete: true, Tags: nameTag(p.Name + "-" + id),
			Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsiiTrue},
		}), id+"_sg")
	}
	g := &SecurityGroups{
		ALB:      group("alb", "docmeta load balancer: from CloudFront or the internet, to instances on 8080"),
		Instance: group("instance", "docmeta instances: 8080 from the load balancer only"),
		Endpoint: group("endpoint", "docmeta interface endpoints: HTTPS from the instances only"),
	}
	type rule struct {
		id, desc             string
		port                 int
		cidr, sg, prefixList string
	}
	ingress := func(sg securitygroup.SecurityGroup, r rule) cdktf.ITerraformDependable {
		cfg := &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
			SecurityGroupId: sg.Id(), Description: str(r.desc), IpProtocol: str("tcp"),
			FromPort: num(r.port), ToPort: num(r.port),
		}
		switch {
		case r.cidr != "":
			cfg.CidrIpv4 = str(r.cidr)
		case r.sg != "":
			cfg.ReferencedSecurityGroupId = str(r.sg)
		case r.prefixList != "":
			cfg.PrefixListId = str(r.prefixList)
		}
		return pin(vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(c, str(r.id), cfg), r.id)
	}
	egress := func(sg securitygroup.SecurityGroup, r rule) cdktf.ITerraformDependable {
		cfg := &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
			SecurityGroupId: sg.Id(), Description: str(r.desc), IpProtocol: str("tcp"),
			FromPort: num(r.port), ToPort: num(r.port),
		}
		switch {
		case r.cidr != "":
			cfg.CidrIpv4 = str(r.cidr)
		case r.sg != "":
			cfg.ReferencedSecurityGroupId = str(r.sg)
		case r.prefixList != "":
			cfg.PrefixListId = str(r.prefixList)
		}
		return pin(vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(c, str(r.id), cfg), r.id)
	}

	switch {
	case p.CloudFrontPrefixList != "":
		ingress(g.ALB, rule{id: "alb_in_cloudfront", desc: "HTTP from CloudFront's VPC origin only (origin-facing prefix list)", port: 80, prefixList: p.CloudFrontPrefixList})
	default:
		ingress(g.ALB, rule{id: "alb_in_http", desc: "HTTP from the internet (redirected to HTTPS when a certificate is set)", port: 80, cidr: "0.0.0.0/0"})
		if p.HTTPS {
			ingress(g.ALB, rule{id: "alb_in_https", desc: "HTTPS from the internet", port: 443, cidr: "0.0.0.0/0"})
		}
	}
	egress(g.ALB, rule{id: "alb_out_app", desc: "to the instances' service port", port: appPort, sg: *g.Instance.Id()})

	ingress(g.Instance, rule{id: "instance_in_app", desc: "service port from the load balancer only", port: appPort, sg: *g.ALB.Id()})
	g.InstanceReachesAWS = append(g.InstanceReachesAWS,
		egress(g.Instance, rule{id: "instance_out_s3", desc: "HTTPS to S3 through the gateway endpoint (binary, OS packages)", port: 443, prefixList: p.S3PrefixList}),
		egress(g.Instance, rule{id: "instance_out_dynamodb", desc: "HTTPS to DynamoDB through the gateway endpoint", port: 443, prefixList: p.DynamoDBPrefixList}),
		egress(g.Instance, rule{id: "instance_out_endpoints", desc: "HTTPS to the SSM interface endpoints", port: 443, sg: *g.Endpoint.Id()}),
		// Only the instances use the endpoints; anything else in the VPC
		// (a future workload, a compromised ENI) gets no SSM path.
		ingress(g.Endpoint, rule{id: "endpoint_in_https", desc: "HTTPS from the instances only", port: 443, sg: *g.Instance.Id()}),
	)
	if p.InternetEgress {
		g.InstanceReachesAWS = append(g.InstanceReachesAWS,
			egress(g.Instance, rule{id: "instance_out_internet", desc: "HTTPS to the internet through the NAT gateway (NAT mode chosen)", port: 443, cidr: "0.0.0.0/0"}))
	}

	// No egress rule on the endpoint group: endpoints only answer.
	return g
}
