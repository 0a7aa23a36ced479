package stacks

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/docmeta/docmeta/topology"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// exportDeleteActions are every way to remove an export object: deleting it
// (a delete marker, after which the lifecycle expires the data) or deleting
// a version outright. DeleteObjects (batch) is authorized as DeleteObject.
var exportDeleteActions = []string{"s3:DeleteObject", "s3:DeleteObjectVersion"}

// ExportBucketProps are the inputs of the export bucket.
type ExportBucketProps struct {
	// BucketName is derived from the account (topology.ExportBucketName).
	BucketName string
	Settings   topology.ExportBucket
}

// NewExportBucket creates the bucket table exports go to before a teardown.
// It lives in its own stack and is protected three times: prevent_destroy
// makes Terraform refuse to plan its deletion, force_destroy is off so even
// a deletion outside Terraform fails while exports are in it, and the bucket
// policy denies deleting objects and object versions to every principal, so
// a mistaken delete neither removes an export nor leaves it as a noncurrent
// version for the lifecycle rule to expire. Writing stays allowed: the
// teardown's table export only puts objects.
//
// Removing exports on purpose means deleting this bucket policy first
// (docs/DEPLOY.md, "Destroy").
func NewExportBucket(scope constructs.Construct, id string, p ExportBucketProps) s3bucket.S3Bucket {
	c := constructs.NewConstruct(scope, str(id))
	b := pin(s3bucket.NewS3Bucket(c, str("bucket"), &s3bucket.S3BucketConfig{
		Bucket:       str(p.BucketName),
		ForceDestroy: false,
		Tags:         nameTag(p.BucketName),
		Lifecycle:    &cdktf.TerraformResourceLifecycle{PreventDestroy: jsiiTrue},
	}), "export_bucket")
	hardenBucket(c, "export", b)
	lifecycle(c, "export", b, lifecycleRule{
		iaDays: p.Settings.TransitionToIADays, noncurrentDays: p.Settings.NoncurrentExpirationDays, abortDays: p.Settings.AbortIncompleteUploadDays,
	})
	pin(s3bucketpolicy.NewS3BucketPolicy(c, str("policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: b.Id(),
		Policy: policyDocument{Statement: []policyStatement{
			denyInsecureTransport(*b.Arn()),
			{
				Sid: "ExportsCannotBeDeleted", Effect: "Deny", Principal: "*",
				Action: exportDeleteActions, Resource: []string{*b.Arn() + "/*"},
			},
		}}.Expression(),
	}), "export_bucket_policy")
	return b
}
