package topology

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

var (
	regionRe    = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$`)
	kmsKeyARNRe = regexp.MustCompile(`^arn:aws[a-z-]*:kms:([a-z0-9-]+):[0-9]{12}:key/[A-Za-z0-9-]+$`)
	certARNRe   = regexp.MustCompile(`^arn:aws[a-z-]*:acm:([a-z0-9-]+):[0-9]{12}:certificate/[A-Za-z0-9-]+$`)
	paramNameRe = regexp.MustCompile(`^(/[A-Za-z0-9_.-]+)+$`)
	bucketRe    = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	tableRe     = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)
	// stateKeyPrefixRe: no leading, trailing or doubled slash.
	stateKeyPrefixRe = regexp.MustCompile(`^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$`)
)

// KnownInterfaceEndpoints are the services an interface endpoint may be
// created for. ssm and ssmmessages are what Session Manager needs;
// ec2messages is optional on current SSM agents.
var KnownInterfaceEndpoints = []string{"ssm", "ssmmessages", "ec2messages", "kms", "logs", "sts"}

// Validate reports every invalid value at once; each message names the
// setting and the environment variable that sets it.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s (%s)", c.hint(key), fmt.Sprintf(format, args...), "set "+c.envName(key)))
	}

	switch c.Profile {
	case Dev, Prod, Seed:
	default:
		return fmt.Errorf("profile %q: want one of dev, prod, seed", c.Profile)
	}
	if !regionRe.MatchString(c.Region) {
		bad(KeyRegion, "%q is not an AWS region name like us-east-1", c.Region)
	}
	if p, err := netip.ParsePrefix(c.VPCCIDR); err != nil || !p.Addr().Is4() {
		bad(KeyVPCCIDR, "%q is not an IPv4 CIDR block like 10.20.0.0/16", c.VPCCIDR)
	} else if p.Bits() < 16 || p.Bits() > 24 {
		bad(KeyVPCCIDR, "prefix /%d is outside /16../24 (AWS allows /16 at most; /24 leaves /28 subnets)", p.Bits())
	} else if p.Masked() != p {
		bad(KeyVPCCIDR, "%q has host bits set; did you mean %s?", c.VPCCIDR, p.Masked())
	}
	if c.AZCount < 2 || c.AZCount > 4 {
		bad(KeyAZCount, "%d is outside 2..4 (the load balancer needs subnets in at least 2 AZs)", c.AZCount)
	}
	if _, err := ArchOf(c.InstanceType); err != nil {
		bad(KeyInstanceType, "%v", err)
	}
	switch c.NATMode {
	case NATNone, NATSingle, NATPerAZ:
	default:
		bad(KeyNATMode, "%q is not one of none, single, per-az", c.NATMode)
	}
	a := c.ASG
	if a.Max < 1 || a.Min < 0 || a.Min > a.Desired || a.Desired > a.Max {
		bad(KeyASGMin, "sizes min=%d desired=%d max=%d must satisfy 0 <= min <= desired <= max and max >= 1", a.Min, a.Desired, a.Max)
	}
	c.validateEndpoints(bad)
	c.validateEdge(bad)
	if c.CertificateARN != "" {
		m := certARNRe.FindStringSubmatch(c.CertificateARN)
		if m == nil {
			bad(KeyCertificateARN, "%q is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)", c.CertificateARN)
		} else if c.Edge == EdgeALB && m[1] != c.Region {
			bad(KeyCertificateARN, "certificate is in %s but the load balancer is in %s; ACM certificates must be in the ALB's region", m[1], c.Region)
		}
	}
	if !paramNameRe.MatchString(c.APIKeyParameter) || len(c.APIKeyParameter) > 1011 {
		bad(KeyAPIKeyParameter, "%q is not a hierarchical SSM parameter name like /docmeta/dev/api-keys", c.APIKeyParameter)
	}
	if c.APIKeyKMSKeyARN != "" {
		if m := kmsKeyARNRe.FindStringSubmatch(c.APIKeyKMSKeyARN); m == nil {
			bad(KeyAPIKeyKMSKeyARN, "%q is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; aliases cannot be granted)", c.APIKeyKMSKeyARN)
		} else if m[1] != c.Region {
			bad(KeyAPIKeyKMSKeyARN, "key is in %s but the parameter is read in %s", m[1], c.Region)
		}
	}
	if s := c.RemoteState; s != nil {
		if !bucketRe.MatchString(s.Bucket) {
			bad(KeyStateBucket, "%q is not an S3 bucket name", s.Bucket)
		}
		if s.Region == "" {
			bad(KeyStateRegion, "required with a state bucket: the region the bucket %s lives in (it does not follow the deploy region %s; one state bucket serves every region)", s.Bucket, c.Region)
		} else if !regionRe.MatchString(s.Region) {
			bad(KeyStateRegion, "%q is not an AWS region name like us-east-1", s.Region)
		}
		if s.KeyPrefix != "" && !stateKeyPrefixRe.MatchString(s.KeyPrefix) {
			bad(KeyStateKeyPrefix, "%q is not a key prefix like docmeta or team/docmeta (letters, digits, . _ - and inner slashes)", s.KeyPrefix)
		}
		if !tableRe.MatchString(s.LockTable) {
			bad(KeyStateLockTable, "%q is not a DynamoDB table name (the S3 backend needs a lock table)", s.LockTable)
		}
	}
	if c.RootVolume.Type != "gp3" {
		bad(KeyRootVolumeType, "%q: only gp3 is supported (cheapest general-purpose SSD)", c.RootVolume.Type)
	}
	if c.RootVolume.SizeGiB < 8 || c.RootVolume.SizeGiB > 1024 {
		bad(KeyRootVolumeGiB, "%d GiB is outside 8..1024 (the AL2023 AMI snapshot is 8 GiB)", c.RootVolume.SizeGiB)
	}
	s := c.Scaling
	if s.TargetRequestsPerInstance < 1 {
		bad(KeyTargetRequests, "%d must be at least 1", s.TargetRequestsPerInstance)
	}
	if s.HealthCheckGraceSeconds < 0 || s.HealthCheckGraceSeconds > 3600 {
		bad(KeyHealthCheckGrace, "%d is outside 0..3600 seconds", s.HealthCheckGraceSeconds)
	}
	if s.DeregistrationDelaySeconds < 0 || s.DeregistrationDelaySeconds > 3600 {
		bad(KeyDeregistrationDelay, "%d is outside 0..3600 seconds", s.DeregistrationDelaySeconds)
	}
	if !c.Table.PITR || !c.Table.OnDemand || !c.Table.DeletionProtection {
		errs = append(errs, errors.New("table: point-in-time recovery, on-demand billing and deletion protection are required (teardown exports from PITR and is the only way to delete the metadata; idle cost must be zero)"))
	}
	if c.Table.ListingShards < 1 || c.Table.ListingShards > MaxListingShards {
		bad(KeyListingShards, "%d is outside 1..%d index partitions per day (%d is the default)", c.Table.ListingShards, MaxListingShards, DefaultListingShards)
	}
	e := c.Export
	if e.TransitionToIADays != 0 && e.TransitionToIADays < 30 {
		bad(KeyExportIADays, "%d: STANDARD_IA needs objects at least 30 days old (0 disables the transition)", e.TransitionToIADays)
	}
	if e.NoncurrentExpirationDays < 1 {
		bad(KeyExportNoncurrentDays, "%d must be at least 1 day", e.NoncurrentExpirationDays)
	}
	if e.AbortIncompleteUploadDays < 1 {
		errs = append(errs, fmt.Errorf("export bucket: abort-incomplete-upload days %d must be at least 1", e.AbortIncompleteUploadDays))
	}
	if c.Profile == Prod {
		if !c.HTTPS() {
			bad(KeyCertificateARN, "prod requires HTTPS: with the alb edge give the ARN of an ACM certificate in %s, or set %s=cloudfront (HTTPS on the *.cloudfront.net name)", c.Region, c.envName(KeyEdge))
		}
		if !c.ALBDeletionProtection {
			bad(KeyALBDeletionProtection, "prod requires deletion protection on the load balancer")
		}
		if c.ASG.Min < 2 {
			bad(KeyASGMin, "prod needs at least 2 instances (min=%d) so one AZ can fail", c.ASG.Min)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("invalid %s configuration:\n  %w", c.StackName(), joinIndented(errs))
}

func (c Config) validateEndpoints(bad func(key, format string, args ...any)) {
	for _, need := range []string{"ssm", "ssmmessages"} {
		if !slices.Contains(c.InterfaceEndpoints, need) {
			bad(KeyInterfaceEndpoints, "%v lacks %q, which Session Manager needs without a NAT", c.InterfaceEndpoints, need)
		}
	}
	seen := map[string]bool{}
	for _, e := range c.InterfaceEndpoints {
		if !slices.Contains(KnownInterfaceEndpoints, e) {
			bad(KeyInterfaceEndpoints, "%q is not one of %s", e, strings.Join(KnownInterfaceEndpoints, ", "))
		}
		if seen[e] {
			bad(KeyInterfaceEndpoints, "%q is listed twice", e)
		}
		seen[e] = true
	}
	if c.EndpointAZCount < 1 || c.EndpointAZCount > c.AZCount {
		bad(KeyEndpointAZCount, "%d is outside 1..%d (the AZ count)", c.EndpointAZCount, c.AZCount)
	}
}

// joinIndented joins errors one per line so a long list stays readable.
func joinIndented(errs []error) error {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return errors.New(strings.Join(msgs, "\n  "))
}
