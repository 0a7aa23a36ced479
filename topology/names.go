package topology

// StackName is the cdktf stack of the profile's application resources in
// its region, e.g. docmeta-dev-us-east-1. The region is part of the name so
// that deploying a profile to a second region gets its own stack, local
// state file (terraform.<stack>.tfstate) and remote state key, instead of
// planning against the first region's state.
func (c Config) StackName() string { return "docmeta-" + string(c.Profile) + "-" + c.Region }

// ExportStackName is the separate stack holding the export bucket, so that
// `cdktf destroy docmeta-<profile>` never removes the table exports.
func (c Config) ExportStackName() string { return c.StackName() + exportStackSuffix }

const exportStackSuffix = "-exports"

// NamePrefix prefixes the names of the deployment's regional resources
// (table, load balancer, launch template, group): those names are unique
// per account and region, so the same profile in two regions does not
// collide, and they stay what they were before the region joined the stack
// name (a renamed table would be replaced).
func (c Config) NamePrefix() string { return "docmeta-" + string(c.Profile) }

// GlobalNamePrefix prefixes the names of account-wide (global) resources,
// the IAM role and instance profile: it carries the region, so a second
// region's deploy does not fail on (or take over) the first one's names.
// S3 buckets are global too: the artifact bucket gets a generated suffix and
// the export bucket's name carries the account and region.
func (c Config) GlobalNamePrefix() string { return c.StackName() }

// TargetGroupNamePrefix is the target group's name_prefix: AWS allows 6
// characters, so it is the profile's first four letters and a dash; the
// group's Name tag carries the full name.
func (c Config) TargetGroupNamePrefix() string {
	p := string(c.Profile)
	return p[:min(len(p), 4)] + "-"
}

// AlarmNamePrefix starts the name of every CloudWatch alarm the stacks
// create for this deployment ("docmeta-dev-"). The stack writes it as the
// alarm_name_prefix output, by which `docmeta-ops smoke` lists the
// deployment's alarms; alarms AWS names itself (target tracking's) do not
// carry it.
func (c Config) AlarmNamePrefix() string { return c.NamePrefix() + "-" }

// TableName is the DynamoDB table the server is configured with.
func (c Config) TableName() string { return c.NamePrefix() + "-documents" }

// ExportBucketName is the export bucket's name for an account. It is
// derived, not generated, so the application stack can name the bucket in
// its outputs without a cross-stack reference; accountID may be a Terraform
// token.
func (c Config) ExportBucketName(accountID string) string {
	return c.NamePrefix() + "-exports-" + accountID + "-" + c.Region
}

// DefaultStateKeyPrefix is the remote-state key prefix when none is set.
const DefaultStateKeyPrefix = "docmeta"

// StateKey is the remote-state object key of a stack:
// "<prefix>/<stack>.tfstate". Stack names carry the profile and the region,
// so no two stacks of any profile or region share a state object, whatever
// prefix is set.
func (c Config) StateKey(stack string) string {
	prefix := DefaultStateKeyPrefix
	if c.RemoteState != nil && c.RemoteState.KeyPrefix != "" {
		prefix = c.RemoteState.KeyPrefix
	}
	return prefix + "/" + stack + ".tfstate"
}

// The DynamoDB table schema of the data model (docs/ARCHITECTURE.md): items
// keyed by id, listed newest first through a GSI keyed by the upload-day
// bucket and listing shard ("DOCS#yyyy-mm-dd#k", backend/dynamo/shards.go)
// and sorted by "uploaded_at#id".
const (
	TableHashKey     = "id"
	ListingIndexName = "by-day"
	ListingIndexHash = "day"
	ListingIndexSort = "uploaded_at_id"
	// TableTTLAttribute is the item expiry (Unix seconds) DynamoDB's TTL
	// deletes by: set only on idempotency records, never on documents.
	TableTTLAttribute = "expires_at"
)
