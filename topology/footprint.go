package topology

import (
	"fmt"
	"net/netip"
)

// Footprint is what a deployment consists of, in the units it is billed in.
// The cost model turns it into line items and a stacks test checks it
// against the synthesized resources, so both readers see the same numbers.
type Footprint struct {
	Profile Profile
	Region  string
	AZs     int

	// NATGateways is the number of NAT gateways; each has one Elastic IP.
	NATGateways int
	// InterfaceEndpoints is the number of interface endpoints (services).
	InterfaceEndpoints int
	// InterfaceEndpointAZs is endpoints x AZs: the number of endpoint
	// network interfaces, each billed per hour.
	InterfaceEndpointAZs int
	// GatewayEndpoints (S3, DynamoDB) are free but listed for completeness.
	GatewayEndpoints int

	// Instances is the desired instance count (what runs at idle);
	// InstancesMax is the ceiling the group can scale to.
	Instances    int
	InstancesMax int
	InstanceType string
	Arch         Arch

	// LoadBalancers is the number of ALBs.
	LoadBalancers int
	// PublicIPv4Addresses counts billed public IPv4 addresses: one Elastic IP
	// per NAT gateway plus one per AZ for an internet-facing ALB.
	PublicIPv4Addresses int

	// Edge is what clients connect to. Distributions and VPCOrigins are 1
	// with the cloudfront edge.
	Edge          Edge
	Distributions int
	VPCOrigins    int
	// WebACLs and WAFRules are the WAF web ACL and its rules.
	WebACLs  int
	WAFRules int
	// Alarms are CloudWatch metric alarms, AlarmTopics their SNS topics (a
	// second one in us-east-1 for the CloudFront alarm when the stack is
	// elsewhere: an alarm notifies only a topic in its own region),
	// EmailSubscriptions the topic's e-mail subscriptions and Budgets the
	// AWS Budgets cost budgets.
	Alarms             int
	AlarmTopics        int
	EmailSubscriptions int
	Budgets            int

	// EBSVolumes and EBSVolumeGiB are the root volumes of the desired
	// instances (one each) and their total size.
	EBSVolumes    int
	EBSVolumeGiB  int
	EBSVolumeType string

	Table TableSettings
	// TableDeletionProtection mirrors Table.DeletionProtection (always on).
	TableDeletionProtection bool

	// ArtifactBuckets holds the server binary; ExportBuckets receives
	// table exports (in the separate, retained exports stack).
	ArtifactBuckets int
	// ArtifactVersions is how many versions of the binary the artifact
	// bucket holds at most in steady state: the current one and the
	// KeptEarlierBinaries before it.
	ArtifactVersions int
	ExportBuckets    int
	Export           ExportBucket
}

// KeptEarlierBinaries is how many earlier versions of the server binary the
// artifact bucket keeps however old they are (its lifecycle's
// newer_noncurrent_versions): each is what an earlier launch-template
// version downloads, so an instance refresh can roll back and a scale-out
// during a deploy still boots. Older versions expire after 30 days.
const KeptEarlierBinaries = 5

// NATGateways is the number of NAT gateways the NAT mode implies.
func (c Config) NATGateways() int {
	switch c.NATMode {
	case NATSingle:
		return 1
	case NATPerAZ:
		return c.AZCount
	default:
		return 0
	}
}

// InterfaceEndpointAZs is the number of billed endpoint network interfaces.
func (c Config) InterfaceEndpointAZs() int {
	return len(c.InterfaceEndpoints) * c.EndpointAZCount
}

// PublicIPv4Addresses is NAT Elastic IPs plus, for an internet-facing
// ALB, one per AZ. An internal ALB and CloudFront's VPC origin have none.
func (c Config) PublicIPv4Addresses() int {
	if c.InternetFacingLB() {
		return c.NATGateways() + c.AZCount
	}
	return c.NATGateways()
}

// one is 1 when b holds: a count of an optional resource.
func one(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Footprint summarizes the billed resources of a validated config.
func (c Config) Footprint() Footprint {
	return Footprint{
		Profile:                 c.Profile,
		Region:                  c.Region,
		AZs:                     c.AZCount,
		NATGateways:             c.NATGateways(),
		InterfaceEndpoints:      len(c.InterfaceEndpoints),
		InterfaceEndpointAZs:    c.InterfaceEndpointAZs(),
		GatewayEndpoints:        2,
		Instances:               c.ASG.Desired,
		InstancesMax:            c.ASG.Max,
		InstanceType:            c.InstanceType,
		Arch:                    c.Arch(),
		LoadBalancers:           1,
		PublicIPv4Addresses:     c.PublicIPv4Addresses(),
		Edge:                    c.Edge,
		Distributions:           one(c.Edge == EdgeCloudFront),
		VPCOrigins:              one(c.Edge == EdgeCloudFront),
		WebACLs:                 one(c.WAF),
		WAFRules:                c.WAFRules(),
		Alarms:                  c.Alarms(),
		AlarmTopics:             1 + one(c.Edge == EdgeCloudFront && c.Region != CloudFrontRegion),
		EmailSubscriptions:      one(c.AlertEmail != ""),
		Budgets:                 1,
		EBSVolumes:              c.ASG.Desired,
		EBSVolumeGiB:            c.ASG.Desired * c.RootVolume.SizeGiB,
		EBSVolumeType:           c.RootVolume.Type,
		Table:                   c.Table,
		TableDeletionProtection: c.Table.DeletionProtection,
		ArtifactBuckets:         1,
		ArtifactVersions:        1 + KeptEarlierBinaries,
		ExportBuckets:           1,
		Export:                  c.Export,
	}
}

// Subnets are the CIDR blocks of the per-AZ subnets, index = AZ index.
type Subnets struct {
	Public, Private []string
}

// SubnetCIDRs carves the VPC block into /(n+4) subnets: public subnets take
// the first slots and private ones start half-way, so adding an AZ later
// never renumbers an existing subnet.
func (c Config) SubnetCIDRs() (Subnets, error) {
	vpc, err := netip.ParsePrefix(c.VPCCIDR)
	if err != nil {
		return Subnets{}, fmt.Errorf("vpc cidr %q: %w", c.VPCCIDR, err)
	}
	bits := vpc.Bits() + 4
	size := uint32(1) << (32 - bits)
	base := vpc.Masked().Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	nth := func(i int) string {
		a := start + uint32(i)*size
		return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}), bits).String()
	}
	var s Subnets
	for i := 0; i < c.AZCount; i++ {
		s.Public = append(s.Public, nth(i))
		s.Private = append(s.Private, nth(8+i))
	}
	return s, nil
}
