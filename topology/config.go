package topology

// Profile names a deployable variant of the topology.
type Profile string

// The three profiles. Dev is the cost-minimal default; prod is highly
// available with HTTPS required; seed reproduces the original design so the
// cost model can compare against it.
const (
	Dev  Profile = "dev"
	Prod Profile = "prod"
	Seed Profile = "seed"
)

// Profiles lists every profile in the order the stacks are synthesized.
func Profiles() []Profile { return []Profile{Dev, Prod, Seed} }

// NATMode selects how many NAT gateways the private subnets route through.
type NATMode string

// NAT modes: none (private subnets reach AWS only through VPC endpoints),
// single (one gateway in the first AZ shared by all private subnets), per-az
// (one gateway per AZ, each private subnet routing through its own AZ's).
const (
	NATNone   NATMode = "none"
	NATSingle NATMode = "single"
	NATPerAZ  NATMode = "per-az"
)

// Arch is the CPU architecture of the instance type, which selects the AMI
// and the server binary the stack uploads.
type Arch string

// Supported architectures, spelled as GOARCH spells them.
const (
	ARM64 Arch = "arm64"
	AMD64 Arch = "amd64"
)

// Config is everything that varies between deployments. Build it with
// Defaults or Load and check it with Validate before use.
type Config struct {
	Profile Profile
	// Region is the AWS region of every resource, e.g. "us-east-1".
	Region string
	// VPCCIDR is the IPv4 block of the VPC; it must be a /16 to /24 so the
	// per-AZ subnets can be carved from it.
	VPCCIDR string
	// AZCount is how many availability zones get a public and a private
	// subnet. The ALB requires at least 2.
	AZCount int
	// InstanceType is the EC2 type of the application instances; Arch is
	// derived from it.
	InstanceType string
	NATMode      NATMode
	ASG          ASGSize
	// InterfaceEndpoints are the AWS service names (e.g. "ssm") reached
	// through interface VPC endpoints.
	InterfaceEndpoints []string
	// EndpointAZCount is how many AZs each interface endpoint has a network
	// interface in; each one is billed per hour.
	EndpointAZCount int
	// Edge is what clients connect to: a CloudFront distribution in front
	// of an internal load balancer, or an internet-facing load balancer.
	Edge Edge
	// CertificateARN is the ACM certificate clients see. With the alb edge
	// it is the HTTPS listener's (in Region; empty means plain HTTP, refused
	// for prod); with the cloudfront edge it is the distribution's (in
	// us-east-1, covering DomainNames; empty means the *.cloudfront.net
	// name and CloudFront's default certificate).
	CertificateARN string
	// DomainNames are the distribution's aliases (cloudfront edge with a
	// certificate only).
	DomainNames []string
	// WAF attaches a web ACL (rate limit per client IP, AWS's common rule
	// group) to the distribution.
	WAF bool
	// WAFRateLimit is the rate-based rule's limit: requests per client IP
	// in any 5-minute window.
	WAFRateLimit int
	// AlertEmail, when set, is subscribed to the alarm topic.
	AlertEmail string
	// BudgetMonthlyUSD is the monthly cost budget; 0 means the cost model's
	// workload projection plus BudgetMarginPercent.
	BudgetMonthlyUSD    int
	BudgetMarginPercent int
	// APIKeyParameter is the SSM parameter name (SecureString) holding the
	// server's API keys.
	APIKeyParameter string
	// APIKeyKMSKeyARN is the customer-managed KMS key encrypting the
	// parameter, if any. Empty means the AWS-managed aws/ssm key, whose key
	// policy already lets account principals decrypt through SSM, so the
	// instance role needs no kms:Decrypt statement.
	APIKeyKMSKeyARN string
	// RemoteState, when non-nil, configures the S3 backend with locking.
	RemoteState *RemoteState
	// ALBDeletionProtection protects the load balancer from deletion (prod);
	// the table's protection is Table.DeletionProtection, always on.
	ALBDeletionProtection bool
	RootVolume            Volume
	// ScaleInProtection marks new instances as protected from scale-in.
	ScaleInProtection bool
	Scaling           Scaling
	Table             TableSettings
	Export            ExportBucket
}

// ASGSize bounds the Auto Scaling Group.
type ASGSize struct {
	Min, Max, Desired int
}

// Scaling is the target-tracking policy and the health-check timings.
type Scaling struct {
	// TargetRequestsPerInstance is the ALBRequestCountPerTarget target
	// (requests per instance per minute).
	TargetRequestsPerInstance int
	// HealthCheckGraceSeconds is how long a new instance may fail ELB health
	// checks before it is replaced.
	HealthCheckGraceSeconds int
	// DeregistrationDelaySeconds is how long the target group drains a
	// deregistering instance.
	DeregistrationDelaySeconds int
}

// RemoteState is the S3 backend of one deployment's Terraform state.
type RemoteState struct {
	Bucket string
	// KeyPrefix is the folder of the state objects, "<prefix>/<stack>.tfstate";
	// empty means DefaultStateKeyPrefix.
	KeyPrefix string
	// Region is where the state bucket lives. It is required: it does not
	// follow the deploy region (one state bucket serves every region).
	Region string
	// LockTable is the DynamoDB table used for state locking.
	LockTable string
}

// Volume is an EBS volume.
type Volume struct {
	SizeGiB int
	Type    string
}

// TableSettings describes the DynamoDB metadata table.
type TableSettings struct {
	// PITR enables point-in-time recovery (needed for exports before teardown).
	PITR bool
	// OnDemand selects PAY_PER_REQUEST billing.
	OnDemand bool
	// DeletionProtection is required in every profile: it costs nothing, and
	// the teardown command (which exports the table first) must be the only
	// way the metadata can be deleted; it lifts the protection as a logged
	// step.
	DeletionProtection bool
	// ListingShards is how many index partitions each day's documents
	// spread over (1..MaxListingShards): the instances run the server with
	// it, and the cost model prices a listing page's reads by it.
	ListingShards int
}

// ExportBucket is the bucket that table exports are written to before a
// teardown; it lives in its own stack that `cdktf destroy <profile stack>`
// does not touch.
type ExportBucket struct {
	// TransitionToIADays moves current export objects to STANDARD_IA after
	// this many days (0 disables the transition; otherwise at least 30,
	// the S3 minimum for STANDARD_IA).
	TransitionToIADays int
	// NoncurrentExpirationDays expires overwritten or deleted object
	// versions after this many days.
	NoncurrentExpirationDays int
	// AbortIncompleteUploadDays cleans up unfinished multipart uploads.
	AbortIncompleteUploadDays int
}
