package stacks

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/docmeta/docmeta/topology"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// ExportBucketProps are the inputs of the export bucket.
type ExportBucketProps struct {
	// BucketName is derived from the account (topology.ExportBucketName).
	BucketName string
	Settings   topology.ExportBucket
}

// NewExportBucket creates the bucket table exports go to before a teardown.
// It lives in its own stack and is protected twice: prevent_destroy makes
// Terraform refuse to plan its deletion, and force_destroy is off so even a
// deletion outside Terraform fails while exports are in it.
func NewExportBucket(scope constructs.Construct, id string, p ExportBucketProps) s3bucket.S3Bucket {
	c := constructs.NewConstruct(scope, str(id))
	b := pin(s3bucket.NewS3Bucket(c, str("bucket"), &s3bucket.S3BucketConfig{
		Bucket:       str(p.BucketName),
		ForceDestroy: false,
		Tags:         nameTag(p.BucketName),
		Lifecycle:    &cdktf.TerraformResourceLifecycle{PreventDestroy: jsiiTrue},
	}), "export_bucket")
	hardenBucket(c, "export", b, 0)
	lifecycle(c, "export", b, p.Settings.TransitionToIADays, p.Settings.NoncurrentExpirationDays, p.Settings.AbortIncompleteUploadDays)
	pin(s3bucketpolicy.NewS3BucketPolicy(c, str("policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: b.Id(),
		Policy: policyDocument{Statement: []policyStatement{denyInsecureTransport(*b.Arn())}}.Expression(),
	}), "export_bucket_policy")
	return b
}
