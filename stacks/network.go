package stacks

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsavailabilityzones"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/defaultsecuritygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/eip"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/internetgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/natgateway"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetable"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/routetableassociation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/subnet"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpc"
	"github.com/docmeta/docmeta/topology"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// NetworkProps are the inputs of the network construct.
type NetworkProps struct {
	Name    string
	CIDR    string
	Subnets topology.Subnets
	NATMode topology.NATMode
	// PublicSubnets creates the public subnets and their route to the
	// internet gateway (a public load balancer or NAT gateways need them).
	// Without them the internet gateway stays attached, unrouted: a
	// CloudFront VPC origin requires the VPC to have one.
	PublicSubnets bool
}

// Network is the VPC with a private (and, where needed, a public) subnet
// per AZ.
type Network struct {
	VPC vpc.Vpc
	// InternetGateway is attached in every mode; see PublicSubnets.
	InternetGateway    internetgateway.InternetGateway
	PublicSubnetIDs    []string
	PrivateSubnetIDs   []string
	PrivateRouteTables []string
	NATGatewayIDs      []string
	// PublicReady is what an internet-facing load balancer needs in place
	// before it is created: the internet gateway (attached by its vpc_id),
	// the public default route and the public subnets' route table
	// associations. AWS refuses an internet-facing ALB in a VPC without an
	// attached gateway, and nothing else orders the two.
	PublicReady []cdktf.ITerraformDependable
	// PrivateReady is what gives the private subnets their routes: the
	// route table associations (gateway endpoints add their routes to
	// those tables) and, with a NAT mode, the default routes.
	PrivateReady []cdktf.ITerraformDependable
}

// NewNetwork creates the VPC, subnets, internet gateway, route tables and the
// NAT gateways of the NAT mode. Private subnets get a route table each, so
// per-AZ NAT routes and gateway endpoints attach the same way in every mode.
func NewNetwork(scope constructs.Construct, id string, p NetworkProps) *Network {
	c := constructs.NewConstruct(scope, str(id))
	n := &Network{}
	azs := pin(dataawsavailabilityzones.NewDataAwsAvailabilityZones(c, str("azs"), &dataawsavailabilityzones.DataAwsAvailabilityZonesConfig{
		State: str("available"),
		// Only regular zones: local and wavelength zones lack ALB support.
		Filter: &[]*dataawsavailabilityzones.DataAwsAvailabilityZonesFilter{{
			Name: str("opt-in-status"), Values: strs("opt-in-not-required"),
		}},
	}), "azs")
	n.VPC = pin(vpc.NewVpc(c, str("vpc"), &vpc.VpcConfig{
		CidrBlock: str(p.CIDR),
		// Interface endpoints with private DNS need both.
		EnableDnsSupport:   true,
		EnableDnsHostnames: true,
		Tags:               nameTag(p.Name),
	}), "vpc")
	// An empty default security group: nothing can silently use it.
	pin(defaultsecuritygroup.NewDefaultSecurityGroup(c, str("default_sg"), &defaultsecuritygroup.DefaultSecurityGroupConfig{
		VpcId: n.VPC.Id(), Tags: nameTag(p.Name + "-default-unused"),
	}), "default_sg")
	igw := pin(internetgateway.NewInternetGateway(c, str("igw"), &internetgateway.InternetGatewayConfig{
		VpcId: n.VPC.Id(), Tags: nameTag(p.Name),
	}), "igw")
	n.InternetGateway = igw
	n.PublicReady = append(n.PublicReady, igw)
	var publicRT routetable.RouteTable
	if p.PublicSubnets {
		publicRT = pin(routetable.NewRouteTable(c, str("public_rt"), &routetable.RouteTableConfig{
			VpcId: n.VPC.Id(), Tags: nameTag(p.Name + "-public"),
		}), "public_rt")
		publicRoute := pin(route.NewRoute(c, str("public_default_route"), &route.RouteConfig{
			RouteTableId: publicRT.Id(), DestinationCidrBlock: str("0.0.0.0/0"), GatewayId: igw.Id(),
		}), "public_default_route")
		n.PublicReady = append(n.PublicReady, publicRoute)
	}

	for i := range p.Subnets.Public {
		az := cdktf.Token_AsString(cdktf.Fn_Element(azs.Names(), num(i)), nil)
		if p.PublicSubnets {
			n.addPublicSubnet(c, i, az, p, publicRT)
		}
		priv := pin(subnet.NewSubnet(c, str(fmt.Sprintf("private_%d", i)), &subnet.SubnetConfig{
			VpcId: n.VPC.Id(), CidrBlock: str(p.Subnets.Private[i]), AvailabilityZone: az,
			MapPublicIpOnLaunch: false,
			Tags:                nameTag(fmt.Sprintf("%s-private-%d", p.Name, i)),
		}), fmt.Sprintf("private_%d", i))
		rt := pin(routetable.NewRouteTable(c, str(fmt.Sprintf("private_rt_%d", i)), &routetable.RouteTableConfig{
			VpcId: n.VPC.Id(), Tags: nameTag(fmt.Sprintf("%s-private-%d", p.Name, i)),
		}), fmt.Sprintf("private_rt_%d", i))
		n.PrivateReady = append(n.PrivateReady, pin(routetableassociation.NewRouteTableAssociation(c, str(fmt.Sprintf("private_rta_%d", i)), &routetableassociation.RouteTableAssociationConfig{
			SubnetId: priv.Id(), RouteTableId: rt.Id(),
		}), fmt.Sprintf("private_rta_%d", i)))
		n.PrivateSubnetIDs = append(n.PrivateSubnetIDs, *priv.Id())
		n.PrivateRouteTables = append(n.PrivateRouteTables, *rt.Id())
	}

	natCount := 0
	switch p.NATMode {
	case topology.NATSingle:
		natCount = 1
	case topology.NATPerAZ:
		natCount = len(p.Subnets.Public)
	}
	for i := 0; i < natCount; i++ {
		ip := pin(eip.NewEip(c, str(fmt.Sprintf("nat_eip_%d", i)), &eip.EipConfig{
			Domain: str("vpc"), Tags: nameTag(fmt.Sprintf("%s-nat-%d", p.Name, i)),
		}), fmt.Sprintf("nat_eip_%d", i))
		gw := pin(natgateway.NewNatGateway(c, str(fmt.Sprintf("nat_%d", i)), &natgateway.NatGatewayConfig{
			AllocationId: ip.Id(), SubnetId: str(n.PublicSubnetIDs[i]),
			Tags: nameTag(fmt.Sprintf("%s-nat-%d", p.Name, i)),
			// The gateway needs the internet gateway attached first.
			DependsOn: &[]cdktf.ITerraformDependable{igw},
		}), fmt.Sprintf("nat_%d", i))
		n.NATGatewayIDs = append(n.NATGatewayIDs, *gw.Id())
	}
	for i, rt := range n.PrivateRouteTables {
		if natCount == 0 {
			break
		}
		n.PrivateReady = append(n.PrivateReady, pin(route.NewRoute(c, str(fmt.Sprintf("private_nat_route_%d", i)), &route.RouteConfig{
			RouteTableId: str(rt), DestinationCidrBlock: str("0.0.0.0/0"),
			// single: every AZ through gateway 0; per-az: each through its own.
			NatGatewayId: str(n.NATGatewayIDs[i%natCount]),
		}), fmt.Sprintf("private_nat_route_%d", i)))
	}
	return n
}

// addPublicSubnet adds the public subnet of AZ i, routed to the internet
// gateway.
func (n *Network) addPublicSubnet(c constructs.Construct, i int, az *string, p NetworkProps, rt routetable.RouteTable) {
	pub := pin(subnet.NewSubnet(c, str(fmt.Sprintf("public_%d", i)), &subnet.SubnetConfig{
		VpcId: n.VPC.Id(), CidrBlock: str(p.Subnets.Public[i]), AvailabilityZone: az,
		// The ALB gets its own addresses; nothing launched here needs one.
		MapPublicIpOnLaunch: false,
		Tags:                nameTag(fmt.Sprintf("%s-public-%d", p.Name, i)),
	}), fmt.Sprintf("public_%d", i))
	n.PublicReady = append(n.PublicReady, pin(routetableassociation.NewRouteTableAssociation(c, str(fmt.Sprintf("public_rta_%d", i)), &routetableassociation.RouteTableAssociationConfig{
		SubnetId: pub.Id(), RouteTableId: rt.Id(),
	}), fmt.Sprintf("public_rta_%d", i)))
	n.PublicSubnetIDs = append(n.PublicSubnetIDs, *pub.Id())
}
