package topology

// StackName is the cdktf stack of the profile's application resources.
func (c Config) StackName() string { return "docmeta-" + string(c.Profile) }

// ExportStackName is the separate stack holding the export bucket, so that
// `cdktf destroy docmeta-<profile>` never removes the table exports.
func (c Config) ExportStackName() string { return c.StackName() + exportStackSuffix }

const exportStackSuffix = "-exports"

// NamePrefix prefixes the names of AWS resources of this deployment.
func (c Config) NamePrefix() string { return c.StackName() }

// TableName is the DynamoDB table the server is configured with.
func (c Config) TableName() string { return c.NamePrefix() + "-documents" }

// ExportBucketName is the export bucket's name for an account. It is
// derived, not generated, so the application stack can name the bucket in
// its outputs without a cross-stack reference; accountID may be a Terraform
// token.
func (c Config) ExportBucketName(accountID string) string {
	return c.NamePrefix() + "-exports-" + accountID + "-" + c.Region
}

// StateKey is the remote-state object key of a stack, defaulting to
// "docmeta/<stack>.tfstate" when RemoteState.Key is empty.
func (c Config) StateKey(stack string) string {
	if c.RemoteState != nil && c.RemoteState.Key != "" {
		if stack == c.StackName() {
			return c.RemoteState.Key
		}
		return c.RemoteState.Key + "." + stack
	}
	return "docmeta/" + stack + ".tfstate"
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
)
