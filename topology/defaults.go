package topology

import "fmt"

// Defaults returns the built-in configuration of a profile. Every value can
// be overridden through Load; the result of Defaults always validates.
func Defaults(p Profile) (Config, error) {
	c := Config{
		Profile:            p,
		Region:             "us-east-1",
		VPCCIDR:            "10.20.0.0/16",
		AZCount:            2,
		InstanceType:       "t4g.micro",
		NATMode:            NATNone,
		ASG:                ASGSize{Min: 1, Max: 2, Desired: 1},
		InterfaceEndpoints: []string{"ssm", "ssmmessages"},
		EndpointAZCount:    1,
		APIKeyParameter:    fmt.Sprintf("/docmeta/%s/api-keys", p),
		Edge:               EdgeCloudFront,
		// 2,000 requests per 5 minutes is ~6.7/s per client IP, far above
		// one operator's tools and far below what hurts a t4g instance.
		WAFRateLimit:        2000,
		BudgetMarginPercent: DefaultBudgetMarginPercent,
		RootVolume:          Volume{SizeGiB: 8, Type: "gp3"},
		Scaling: Scaling{
			TargetRequestsPerInstance:  1000,
			HealthCheckGraceSeconds:    90,
			DeregistrationDelaySeconds: 30,
		},
		Table: TableSettings{PITR: true, OnDemand: true, DeletionProtection: true, ListingShards: DefaultListingShards},
		Export: ExportBucket{
			TransitionToIADays:        30,
			NoncurrentExpirationDays:  30,
			AbortIncompleteUploadDays: 7,
		},
	}
	switch p {
	case Dev:
		// Cost-minimal: one Graviton instance, no NAT, Session Manager
		// endpoints in a single AZ. Max 2 leaves room for a rolling refresh.
	case Prod:
		c.VPCCIDR = "10.30.0.0/16"
		c.InstanceType = "t4g.small"
		c.ASG = ASGSize{Min: 2, Max: 4, Desired: 2}
		// Endpoints in both AZs so Session Manager survives an AZ outage.
		c.EndpointAZCount = 2
		// An ALB's protection only guards against an accidental destroy of
		// the entry point; dev and seed stay removable in one step.
		c.ALBDeletionProtection = true
		c.WAF = true
	case Seed:
		// The original design, kept deployable for comparison: a single NAT
		// gateway, three SSM endpoints in both AZs, an x86 t3.micro, min =
		// max = 1.
		c.VPCCIDR = "10.10.0.0/16"
		c.InstanceType = "t3.micro"
		c.NATMode = NATSingle
		c.ASG = ASGSize{Min: 1, Max: 1, Desired: 1}
		c.InterfaceEndpoints = []string{"ssm", "ssmmessages", "ec2messages"}
		c.EndpointAZCount = 2
		c.Edge = EdgeALB
	default:
		return Config{}, fmt.Errorf("unknown profile %q: want one of dev, prod, seed", p)
	}
	return c, nil
}
