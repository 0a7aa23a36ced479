package topology

import (
	"strings"
	"testing"

	"github.com/docmeta/docmeta/internal/testenv"
)

const testCert = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"

func TestDefaultsValidate(t *testing.T) {
	for _, p := range Profiles() {
		c, err := Load(p, testenv.Getenv(nil))
		if err != nil {
			t.Fatalf("%s defaults: %v", p, err)
		}
		if c.Profile != p {
			t.Errorf("profile = %q, want %q", c.Profile, p)
		}
	}
	c, err := Load(Prod, testenv.Getenv(nil))
	if err != nil {
		t.Fatalf("prod: %v", err)
	}
	if !c.ALBDeletionProtection || c.ASG.Min < 2 || c.AZCount < 2 {
		t.Errorf("prod defaults not highly available/protected: %+v", c)
	}
}

// TestProdRequiresHTTPS: prod serves HTTPS through CloudFront without a
// certificate, but a public load balancer of its own needs one.
func TestProdRequiresHTTPS(t *testing.T) {
	c, err := Load(Prod, testenv.Getenv(nil))
	if err != nil || !c.HTTPS() || c.Edge != EdgeCloudFront {
		t.Fatalf("prod behind CloudFront: edge %q, https %v, err %v", c.Edge, c.HTTPS(), err)
	}
	_, err = Load(Prod, testenv.Getenv(map[string]string{"DOCMETA_PROD_EDGE": "alb", "DOCMETA_PROD_WAF": "false"}))
	if err == nil {
		t.Fatal("prod on a public load balancer without a certificate ARN validated")
	}
	for _, want := range []string{"DOCMETA_PROD_CERTIFICATE_ARN", "DOCMETA_PROD_EDGE or DOCMETA_EDGE"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
	if _, err := Load(Prod, testenv.Getenv(map[string]string{"DOCMETA_PROD_EDGE": "alb", "DOCMETA_PROD_WAF": "false", "DOCMETA_PROD_CERTIFICATE_ARN": testCert})); err != nil {
		t.Errorf("prod on a load balancer with a certificate: %v", err)
	}
}

func TestEdgeDefaultsAndSettings(t *testing.T) {
	want := map[Profile]struct {
		edge          Edge
		waf, public   bool
		alarms, rules int
	}{
		Dev:  {EdgeCloudFront, false, false, 7, 0},
		Prod: {EdgeCloudFront, true, false, 7, 2},
		Seed: {EdgeALB, false, true, 6, 0},
	}
	for p, w := range want {
		c, err := Load(p, testenv.Getenv(nil))
		if err != nil {
			t.Fatal(err)
		}
		if c.Edge != w.edge || c.WAF != w.waf || c.PublicSubnets() != w.public || c.InternetFacingLB() != w.public ||
			c.Alarms() != w.alarms || c.WAFRules() != w.rules || !c.HTTPS() && p != Seed {
			t.Errorf("%s: edge %q waf %v public %v alarms %d rules %d https %v", p, c.Edge, c.WAF, c.PublicSubnets(), c.Alarms(), c.WAFRules(), c.HTTPS())
		}
		if got := EdgeSetting(p, testenv.Getenv(nil)); got != w.edge {
			t.Errorf("%s: EdgeSetting = %q, want %q", p, got, w.edge)
		}
	}
	c, err := Load(Dev, testenv.Getenv(map[string]string{
		"DOCMETA_DEV_EDGE": "cloudfront", "DOCMETA_CERTIFICATE_ARN": testCert,
		"DOCMETA_DOMAIN_NAMES": "api.example.com, docs.example.com", "DOCMETA_WAF": "true",
		"DOCMETA_ALERT_EMAIL": "ops@example.com", "DOCMETA_BUDGET_MONTHLY_USD": "80",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.CustomDomain() || strings.Join(c.DomainNames, ",") != "api.example.com,docs.example.com" || !c.WAF ||
		c.AlertEmail != "ops@example.com" || c.BudgetMonthlyUSD != 80 {
		t.Errorf("settings not loaded: %+v", c)
	}
	// AWS WAF's floor (10 requests per window) and the default (2,000).
	for env, want := range map[string]int{"10": 10, "": 2000} {
		c, err := Load(Prod, testenv.Getenv(map[string]string{"DOCMETA_WAF_RATE_LIMIT": env, "DOCMETA_CERTIFICATE_ARN": testCert,
			"DOCMETA_DOMAIN_NAMES": "api.example.com"}))
		if err != nil || c.WAFRateLimit != want {
			t.Errorf("DOCMETA_WAF_RATE_LIMIT=%q: limit %d, err %v; want %d", env, c.WAFRateLimit, err, want)
		}
	}
	// NAT gateways live in public subnets whatever the edge.
	c, err = Load(Dev, testenv.Getenv(map[string]string{"DOCMETA_NAT_MODE": "single"}))
	if err != nil || !c.PublicSubnets() || c.InternetFacingLB() {
		t.Errorf("cloudfront with NAT: public subnets %v, internet-facing %v, err %v", c.PublicSubnets(), c.InternetFacingLB(), err)
	}
	if got := EdgeSetting(Seed, testenv.Getenv(map[string]string{"DOCMETA_SEED_EDGE": "cloudfront"})); got != EdgeCloudFront {
		t.Errorf("EdgeSetting ignores the profile variable: %q", got)
	}
}

func TestProfileDefaultsMatchTheDesign(t *testing.T) {
	dev, _ := Defaults(Dev)
	if dev.InstanceType != "t4g.micro" || dev.Arch() != ARM64 || dev.NATMode != NATNone ||
		dev.EndpointAZCount != 1 || dev.ASG.Desired != 1 || strings.Join(dev.InterfaceEndpoints, ",") != "ssm,ssmmessages" {
		t.Errorf("dev is not the cost-minimal profile: %+v", dev)
	}
	seed, _ := Defaults(Seed)
	if seed.InstanceType != "t3.micro" || seed.Arch() != AMD64 || seed.NATMode != NATSingle ||
		seed.EndpointAZCount != 2 || seed.ASG != (ASGSize{1, 1, 1}) ||
		strings.Join(seed.InterfaceEndpoints, ",") != "ssm,ssmmessages,ec2messages" {
		t.Errorf("seed is not the original design: %+v", seed)
	}
}

func TestLoadPrecedence(t *testing.T) {
	c, err := Load(Dev, testenv.Getenv(map[string]string{
		"DOCMETA_INSTANCE_TYPE":       "t3.small",
		"DOCMETA_DEV_INSTANCE_TYPE":   "t4g.small",
		"DOCMETA_NAT_MODE":            "per-az",
		"DOCMETA_INTERFACE_ENDPOINTS": " ssm, ssmmessages ,ec2messages",
		"DOCMETA_STATE_BUCKET":        "my-state",
		"DOCMETA_STATE_LOCK_TABLE":    "tf-locks",
		"DOCMETA_STATE_REGION":        "eu-west-1",
		"DOCMETA_SCALE_IN_PROTECTION": "true",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.InstanceType != "t4g.small" {
		t.Errorf("profile-specific variable did not win: %q", c.InstanceType)
	}
	if c.NATMode != NATPerAZ || c.NATGateways() != 2 {
		t.Errorf("nat = %q (%d gateways)", c.NATMode, c.NATGateways())
	}
	if got := strings.Join(c.InterfaceEndpoints, ","); got != "ssm,ssmmessages,ec2messages" {
		t.Errorf("endpoints = %q", got)
	}
	if c.RemoteState == nil || c.RemoteState.Region != "eu-west-1" || c.StateKey(c.StackName()) != "docmeta/docmeta-dev-us-east-1.tfstate" {
		t.Errorf("remote state = %+v", c.RemoteState)
	}
	if !c.ScaleInProtection {
		t.Error("scale-in protection not loaded")
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"DOCMETA_REGION": "useast1"}, "DOCMETA_DEV_REGION or DOCMETA_REGION"},
		{map[string]string{"DOCMETA_VPC_CIDR": "10.0.0.0/8"}, "outside /16../24"},
		{map[string]string{"DOCMETA_VPC_CIDR": "10.0.1.0/16"}, "did you mean 10.0.0.0/16"},
		{map[string]string{"DOCMETA_VPC_CIDR": "banana"}, "not an IPv4 CIDR"},
		{map[string]string{"DOCMETA_AZ_COUNT": "1"}, "at least 2 AZs"},
		{map[string]string{"DOCMETA_AZ_COUNT": "two"}, "DOCMETA_AZ_COUNT=\"two\": not a whole number"},
		{map[string]string{"DOCMETA_INSTANCE_TYPE": "micro"}, "not an EC2 instance type"},
		{map[string]string{"DOCMETA_NAT_MODE": "double"}, "not one of none, single, per-az"},
		{map[string]string{"DOCMETA_ASG_MIN": "3"}, "min <= desired <= max"},
		{map[string]string{"DOCMETA_INTERFACE_ENDPOINTS": "ssm"}, `lacks "ssmmessages"`},
		{map[string]string{"DOCMETA_INTERFACE_ENDPOINTS": "ssm,ssmmessages,s3"}, `"s3" is not one of`},
		{map[string]string{"DOCMETA_INTERFACE_ENDPOINTS": "ssm,ssmmessages,ssm"}, "listed twice"},
		{map[string]string{"DOCMETA_ENDPOINT_AZ_COUNT": "3"}, "outside 1..2"},
		{map[string]string{"DOCMETA_EDGE": "alb", "DOCMETA_CERTIFICATE_ARN": "arn:aws:acm:eu-west-1:123456789012:certificate/abc"}, "must be in the ALB's region"},
		{map[string]string{"DOCMETA_CERTIFICATE_ARN": "arn:aws:acm:eu-west-1:123456789012:certificate/abc", "DOCMETA_DOMAIN_NAMES": "a.example.com"}, "CloudFront only uses ACM certificates in us-east-1"},
		{map[string]string{"DOCMETA_CERTIFICATE_ARN": testCert}, "needs the domain names it covers"},
		{map[string]string{"DOCMETA_DOMAIN_NAMES": "api.example.com"}, "need an ACM certificate in us-east-1"},
		{map[string]string{"DOCMETA_CERTIFICATE_ARN": testCert, "DOCMETA_DOMAIN_NAMES": "API_example"}, "not a lower-case DNS name"},
		{map[string]string{"DOCMETA_EDGE": "nlb"}, "not one of cloudfront, alb"},
		{map[string]string{"DOCMETA_EDGE": "alb", "DOCMETA_WAF": "true"}, "set DOCMETA_DEV_EDGE or DOCMETA_EDGE=cloudfront"},
		{map[string]string{"DOCMETA_EDGE": "alb", "DOCMETA_DOMAIN_NAMES": "api.example.com"}, "aliases of the CloudFront distribution"},
		{map[string]string{"DOCMETA_WAF_RATE_LIMIT": "9"}, "9 is outside 10..2000000000"},
		{map[string]string{"DOCMETA_WAF_RATE_LIMIT": "2000000001"}, "outside 10..2000000000"},
		{map[string]string{"DOCMETA_ALERT_EMAIL": "ops at example"}, "not a plain e-mail address"},
		{map[string]string{"DOCMETA_BUDGET_MONTHLY_USD": "-5"}, "must not be negative"},
		{map[string]string{"DOCMETA_BUDGET_MARGIN_PERCENT": "5000"}, "outside 0..1000"},
		{map[string]string{"DOCMETA_CERTIFICATE_ARN": "cert"}, "not an ACM certificate ARN"},
		{map[string]string{"DOCMETA_API_KEYS_SSM_PARAMETER": "keys"}, "hierarchical SSM parameter"},
		{map[string]string{"DOCMETA_STATE_BUCKET": "b"}, "not an S3 bucket name"},
		{map[string]string{"DOCMETA_STATE_BUCKET": "my-state"}, "lock table"},
		{map[string]string{"DOCMETA_ROOT_VOLUME_TYPE": "gp2"}, "only gp3"},
		{map[string]string{"DOCMETA_ROOT_VOLUME_GIB": "4"}, "outside 8..1024"},
		{map[string]string{"DOCMETA_ALB_DELETION_PROTECTION": "maybe"}, "want true or false"},
		{map[string]string{"DOCMETA_DELETION_PROTECTION": "false"}, "table's deletion protection is always on"},
		{map[string]string{"DOCMETA_EXPORT_TRANSITION_IA_DAYS": "10"}, "at least 30 days"},
		{map[string]string{"DOCMETA_API_KEYS_KMS_KEY_ARN": "alias/aws/ssm"}, "not a KMS key ARN"},
		{map[string]string{"DOCMETA_API_KEYS_KMS_KEY_ARN": "arn:aws:kms:eu-west-1:123456789012:key/abc"}, "key is in eu-west-1"},
	}
	for _, tc := range cases {
		_, err := Load(Dev, testenv.Getenv(tc.env))
		if err == nil {
			t.Errorf("%v: validated", tc.env)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %q does not contain %q", tc.env, err, tc.want)
		}
	}
}

func TestValidateReportsEveryError(t *testing.T) {
	_, err := Load(Dev, testenv.Getenv(map[string]string{"DOCMETA_REGION": "x", "DOCMETA_NAT_MODE": "y"}))
	if err == nil || !strings.Contains(err.Error(), "region") || !strings.Contains(err.Error(), "nat mode") {
		t.Errorf("want both errors, got %v", err)
	}
}

func TestProdRefusesWeakenedSettings(t *testing.T) {
	_, err := Load(Prod, testenv.Getenv(map[string]string{
		"DOCMETA_PROD_CERTIFICATE_ARN":         testCert,
		"DOCMETA_PROD_ALB_DELETION_PROTECTION": "false",
		"DOCMETA_PROD_ASG_MIN":                 "1",
	}))
	if err == nil || !strings.Contains(err.Error(), "deletion protection") || !strings.Contains(err.Error(), "at least 2 instances") {
		t.Errorf("got %v", err)
	}
}

func TestTableDeletionProtectionInEveryProfile(t *testing.T) {
	for _, p := range Profiles() {
		c, err := Defaults(p)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Table.DeletionProtection || !c.Footprint().TableDeletionProtection {
			t.Errorf("%s: table deletion protection off by default", p)
		}
		if want := p == Prod; c.ALBDeletionProtection != want {
			t.Errorf("%s: ALB deletion protection %v, want %v (prod only)", p, c.ALBDeletionProtection, want)
		}
		c.Table.DeletionProtection = false
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "deletion protection are required") {
			t.Errorf("%s: unprotected table validated: %v", p, err)
		}
	}
}

func TestArchOf(t *testing.T) {
	cases := map[string]Arch{
		"t4g.micro": ARM64, "m7g.large": ARM64, "c6gn.xlarge": ARM64, "r6gd.2xlarge": ARM64,
		"x2gd.medium": ARM64, "a1.medium": ARM64, "t3.micro": AMD64, "t3a.nano": AMD64,
		"m6i.large": AMD64, "g4dn.xlarge": AMD64, "m7a.medium": AMD64,
	}
	for typ, want := range cases {
		got, err := ArchOf(typ)
		if err != nil || got != want {
			t.Errorf("ArchOf(%q) = %q, %v; want %q", typ, got, err, want)
		}
	}
	for _, bad := range []string{"", "t4g", "T4G.micro", "t4g.", ".micro"} {
		if _, err := ArchOf(bad); err == nil {
			t.Errorf("ArchOf(%q) accepted", bad)
		}
	}
}

func TestFootprint(t *testing.T) {
	seed, _ := Defaults(Seed)
	f := seed.Footprint()
	if f.NATGateways != 1 || f.InterfaceEndpointAZs != 6 || f.PublicIPv4Addresses != 3 ||
		f.Instances != 1 || f.InstanceType != "t3.micro" || f.EBSVolumeGiB != 8 || f.LoadBalancers != 1 {
		t.Errorf("seed footprint = %+v", f)
	}
	dev, _ := Defaults(Dev)
	f = dev.Footprint()
	// Behind CloudFront the internal ALB has no public address.
	if f.NATGateways != 0 || f.InterfaceEndpointAZs != 2 || f.PublicIPv4Addresses != 0 || f.Arch != ARM64 ||
		f.Distributions != 1 || f.VPCOrigins != 1 || f.WebACLs != 0 || f.Alarms != 7 || f.AlarmTopics != 1 || f.Budgets != 1 {
		t.Errorf("dev footprint = %+v", f)
	}
	if f.Edge != EdgeCloudFront || seed.Footprint().Distributions != 0 || seed.Footprint().Alarms != 6 {
		t.Errorf("edge footprints: dev %+v, seed %+v", f, seed.Footprint())
	}
	prod, _ := Defaults(Prod)
	prod.NATMode = NATPerAZ
	prod.AlertEmail = "ops@example.com"
	f = prod.Footprint()
	if f.NATGateways != 2 || f.PublicIPv4Addresses != 2 || f.InterfaceEndpointAZs != 4 || f.EBSVolumes != 2 || f.EBSVolumeGiB != 16 ||
		f.WebACLs != 1 || f.WAFRules != 2 || f.EmailSubscriptions != 1 {
		t.Errorf("prod per-az footprint = %+v", f)
	}
}

func TestSubnetCIDRs(t *testing.T) {
	c, _ := Defaults(Dev)
	c.AZCount = 3
	s, err := c.SubnetCIDRs()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.Public, " ") != "10.20.0.0/20 10.20.16.0/20 10.20.32.0/20" ||
		strings.Join(s.Private, " ") != "10.20.128.0/20 10.20.144.0/20 10.20.160.0/20" {
		t.Errorf("subnets = %+v", s)
	}
	c.VPCCIDR = "192.168.4.0/24"
	c.AZCount = 2
	s, _ = c.SubnetCIDRs()
	if strings.Join(s.Public, " ") != "192.168.4.0/28 192.168.4.16/28" || s.Private[1] != "192.168.4.144/28" {
		t.Errorf("/24 subnets = %+v", s)
	}
}

func TestNames(t *testing.T) {
	c, _ := Defaults(Prod)
	if c.StackName() != "docmeta-prod-us-east-1" || c.ExportStackName() != "docmeta-prod-us-east-1-exports" || c.TableName() != "docmeta-prod-documents" ||
		c.GlobalNamePrefix() != "docmeta-prod-us-east-1" || c.TargetGroupNamePrefix() != "prod-" {
		t.Errorf("names: %s %s %s %s %s", c.StackName(), c.ExportStackName(), c.TableName(), c.GlobalNamePrefix(), c.TargetGroupNamePrefix())
	}
	if c.AlarmNamePrefix() != "docmeta-prod-" {
		t.Errorf("alarm name prefix %s", c.AlarmNamePrefix())
	}
	if c.AMIParameter() != "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64" {
		t.Errorf("ami parameter %s", c.AMIParameter())
	}
}

// TestRemoteStateSettings: the state bucket's region is required (it does
// not follow the deploy region), the retired shared key is refused naming
// its replacement, and state keys differ per profile and region whatever
// prefix is set.
func TestRemoteStateSettings(t *testing.T) {
	base := map[string]string{"DOCMETA_STATE_BUCKET": "my-state", "DOCMETA_STATE_LOCK_TABLE": "tf-locks"}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	if _, err := Load(Dev, testenv.Getenv(base)); err == nil || !strings.Contains(err.Error(), "DOCMETA_STATE_REGION") || !strings.Contains(err.Error(), "required") {
		t.Errorf("state bucket without a region: %v, want required naming DOCMETA_STATE_REGION", err)
	}
	if _, err := Load(Dev, testenv.Getenv(with(map[string]string{"DOCMETA_STATE_REGION": "Frankfurt"}))); err == nil || !strings.Contains(err.Error(), "DOCMETA_STATE_REGION") {
		t.Errorf("state region Frankfurt: %v", err)
	}
	if _, err := Load(Dev, testenv.Getenv(with(map[string]string{"DOCMETA_STATE_REGION": "us-east-1", "DOCMETA_STATE_KEY": "docmeta/dev.tfstate"}))); err == nil ||
		!strings.Contains(err.Error(), "DOCMETA_STATE_KEY is no longer read") || !strings.Contains(err.Error(), "STATE_KEY_PREFIX") {
		t.Errorf("retired DOCMETA_STATE_KEY: %v, want refused naming STATE_KEY_PREFIX", err)
	}
	if _, err := Load(Dev, testenv.Getenv(with(map[string]string{"DOCMETA_STATE_REGION": "us-east-1", "DOCMETA_STATE_KEY_PREFIX": "/abs/"}))); err == nil || !strings.Contains(err.Error(), "DOCMETA_STATE_KEY_PREFIX") {
		t.Errorf("prefix /abs/: %v", err)
	}
	keys := map[string]bool{}
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		for _, p := range Profiles() {
			c, err := Load(p, testenv.Getenv(with(map[string]string{
				"DOCMETA_REGION": region, "DOCMETA_STATE_REGION": "us-east-1", "DOCMETA_STATE_KEY_PREFIX": "team/docmeta",
			})))
			if err != nil {
				t.Fatal(err)
			}
			for _, stack := range []string{c.StackName(), c.ExportStackName()} {
				k := c.StateKey(stack)
				if keys[k] || !strings.HasPrefix(k, "team/docmeta/") {
					t.Errorf("state key %s repeated or without the prefix", k)
				}
				keys[k] = true
			}
		}
	}
	if len(keys) != 12 {
		t.Errorf("%d distinct state keys, want 12 (2 regions x 3 profiles x 2 stacks)", len(keys))
	}
}
