package stacks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlifecycleconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketownershipcontrols"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3object"
	"github.com/docmeta/docmeta/topology"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// FileSHA256 is the hex SHA-256 of a file: the checksum the instance verifies.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ArtifactsProps are the inputs of the artifact bucket.
type ArtifactsProps struct {
	Name         string
	Arch         topology.Arch
	BinaryPath   string
	BinarySHA256 string
}

// Artifacts is the private bucket holding the server binary.
type Artifacts struct {
	Bucket s3bucket.S3Bucket
	Object s3object.S3Object
	// ObjectARN is the exact ARN of the uploaded binary.
	ObjectARN string
}

// NewArtifacts creates the bucket and uploads the binary as a TerraformAsset.
// The key contains the checksum, so a new binary is a new object, a new
// user data, a new launch-template version and so an instance refresh.
func NewArtifacts(scope constructs.Construct, id string, p ArtifactsProps) *Artifacts {
	c := constructs.NewConstruct(scope, str(id))
	a := &Artifacts{}
	a.Bucket = pin(s3bucket.NewS3Bucket(c, str("bucket"), &s3bucket.S3BucketConfig{
		BucketPrefix: str(p.Name + "-artifacts-"),
		// Only build outputs live here; destroy may remove them with the stack.
		ForceDestroy: true,
		Tags:         nameTag(p.Name + "-artifacts"),
	}), "artifact_bucket")
	hardenBucket(c, "artifact", a.Bucket, 30)
	asset := cdktf.NewTerraformAsset(c, str("server_binary"), &cdktf.TerraformAssetConfig{
		Path: str(p.BinaryPath), Type: cdktf.AssetType_FILE,
	})
	key := fmt.Sprintf("docmeta-server/linux-%s/%s", p.Arch, p.BinarySHA256)
	a.Object = pin(s3object.NewS3Object(c, str("server_binary_object"), &s3object.S3ObjectConfig{
		Bucket: a.Bucket.Id(), Key: str(key), Source: asset.Path(),
		SourceHash: str(p.BinarySHA256),
		// S3 verifies the upload against a SHA-256 it computes itself.
		ChecksumAlgorithm: str("SHA256"),
		ContentType:       str("application/octet-stream"),
	}), "server_binary")
	a.ObjectARN = *a.Bucket.Arn() + "/" + key
	return a
}

// hardenBucket adds what every docmeta bucket has: owner-enforced objects,
// all public access blocked, SSE-S3 encryption, versioning, and a lifecycle
// rule expiring old versions and unfinished uploads.
func hardenBucket(c constructs.Construct, prefix string, b s3bucket.S3Bucket, noncurrentDays int) {
	pin(s3bucketownershipcontrols.NewS3BucketOwnershipControls(c, str(prefix+"_ownership"), &s3bucketownershipcontrols.S3BucketOwnershipControlsConfig{
		Bucket: b.Id(), Rule: &s3bucketownershipcontrols.S3BucketOwnershipControlsRule{ObjectOwnership: str("BucketOwnerEnforced")},
	}), prefix+"_ownership")
	pin(s3bucketpublicaccessblock.NewS3BucketPublicAccessBlock(c, str(prefix+"_public_access"), &s3bucketpublicaccessblock.S3BucketPublicAccessBlockConfig{
		Bucket: b.Id(), BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
	}), prefix+"_public_access")
	pin(s3bucketserversideencryptionconfiguration.NewS3BucketServerSideEncryptionConfigurationA(c, str(prefix+"_encryption"), &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationAConfig{
		Bucket: b.Id(),
		Rule: &[]*s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleA{{
			ApplyServerSideEncryptionByDefault: &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{
				SseAlgorithm: str("AES256"),
			},
		}},
	}), prefix+"_encryption")
	pin(s3bucketversioning.NewS3BucketVersioningA(c, str(prefix+"_versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket: b.Id(), VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: str("Enabled")},
	}), prefix+"_versioning")
	if noncurrentDays > 0 {
		lifecycle(c, prefix, b, 0, noncurrentDays, 7)
	}
}

func lifecycle(c constructs.Construct, prefix string, b s3bucket.S3Bucket, iaDays, noncurrentDays, abortDays int) {
	r := &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{
		Id: str("expire-old-versions"), Status: str("Enabled"),
		Filter:                      &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{Prefix: str("")},
		NoncurrentVersionExpiration: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration{NoncurrentDays: num(noncurrentDays)},
		AbortIncompleteMultipartUpload: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload{
			DaysAfterInitiation: num(abortDays),
		},
	}
	if iaDays > 0 {
		r.Transition = &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleTransition{{
			Days: num(iaDays), StorageClass: str("STANDARD_IA"),
		}}
	}
	pin(s3bucketlifecycleconfiguration.NewS3BucketLifecycleConfiguration(c, str(prefix+"_lifecycle"), &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationConfig{
		Bucket: b.Id(), Rule: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{r},
	}), prefix+"_lifecycle")
}

// ArtifactPolicyProps are the inputs of the artifact bucket policy, which is
// created after the endpoint it names.
type ArtifactPolicyProps struct {
	Bucket       s3bucket.S3Bucket
	S3EndpointID string
	// DeployerUserID is data.aws_caller_identity's user_id: the unique ID of
	// the principal running Terraform ("AIDA..." for an IAM user,
	// "AROA...:<session>" for an assumed role).
	DeployerUserID string
}

// NewArtifactPolicy makes the bucket TLS-only and denies every read of the
// binary that does not come through the S3 gateway endpoint, except by the
// principal that deploys: Terraform reads the object back (HeadObject, which
// needs s3:GetObject) on every refresh from outside the VPC. So stolen
// instance credentials, and every other principal of the account, are
// useless for the bucket outside the VPC.
//
// The deployer is matched by aws:userid, not by the caller-identity ARN: for
// an assumed role that ARN is the session's (arn:aws:sts::…:assumed-role/…),
// which never equals aws:PrincipalArn (the role's ARN, with its path). The
// role's unique ID, the part of user_id before ":", is stable across
// sessions, so "<id>" (IAM user or root) and "<id>:*" (any session of the
// role) exempt the same principal on every run.
func NewArtifactPolicy(scope constructs.Construct, id string, p ArtifactPolicyProps) s3bucketpolicy.S3BucketPolicy {
	arn := *p.Bucket.Arn()
	deployer := *cdktf.Token_AsString(cdktf.Fn_Element(cdktf.Fn_Split(str(":"), str(p.DeployerUserID)), num(0)), nil)
	doc := policyDocument{Statement: []policyStatement{
		denyInsecureTransport(arn),
		{
			Sid: "ReadsOnlyThroughVpcEndpoint", Effect: "Deny", Principal: "*",
			Action: []string{"s3:GetObject"}, Resource: []string{arn + "/*"},
			// Both conditions must hold for the deny: outside the endpoint
			// AND not the deploying principal.
			Condition: map[string]any{
				"StringNotEquals": map[string]string{"aws:SourceVpce": p.S3EndpointID},
				"StringNotLike":   map[string][]string{"aws:userid": {deployer, deployer + ":*"}},
			},
		},
	}}
	return pin(s3bucketpolicy.NewS3BucketPolicy(scope, str(id), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: p.Bucket.Id(), Policy: doc.Expression(),
	}), id)
}
