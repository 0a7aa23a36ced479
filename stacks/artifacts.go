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
	// ObjectARN is the ARN of the binary's key (every version of it).
	ObjectARN string
}

// NewArtifacts creates the bucket and uploads the binary as a TerraformAsset
// to one key per architecture. A new binary is a new version of that key
// (the bucket is versioned), and the user data names the version and its
// checksum: a new binary is a new user data, a new launch-template version
// and so an instance refresh, while every earlier template version still
// downloads exactly its own binary.
//
// (With one key per checksum, Terraform replaced the object on every new
// binary: it deleted the old key, and earlier template versions could no
// longer boot.)
func NewArtifacts(scope constructs.Construct, id string, p ArtifactsProps) *Artifacts {
	c := constructs.NewConstruct(scope, str(id))
	a := &Artifacts{}
	a.Bucket = pin(s3bucket.NewS3Bucket(c, str("bucket"), &s3bucket.S3BucketConfig{
		BucketPrefix: str(p.Name + "-artifacts-"),
		// Only build outputs live here; destroy may remove them with the stack.
		ForceDestroy: true,
		Tags:         nameTag(p.Name + "-artifacts"),
	}), "artifact_bucket")
	versioning := hardenBucket(c, "artifact", a.Bucket)
	lifecycle(c, "artifact", a.Bucket, lifecycleRule{noncurrentDays: 30, keepNoncurrent: topology.KeptEarlierBinaries, abortDays: 7})
	asset := cdktf.NewTerraformAsset(c, str("server_binary"), &cdktf.TerraformAssetConfig{
		Path: str(p.BinaryPath), Type: cdktf.AssetType_FILE,
	})
	key := ArtifactKey(p.Arch)
	a.Object = pin(s3object.NewS3Object(c, str("server_binary_object"), &s3object.S3ObjectConfig{
		Bucket: a.Bucket.Id(), Key: str(key), Source: asset.Path(),
		SourceHash: str(p.BinarySHA256),
		// S3 verifies the upload against a SHA-256 it computes itself.
		ChecksumAlgorithm: str("SHA256"),
		ContentType:       str("application/octet-stream"),
		// The first upload must already get a version ID, which the user
		// data downloads by.
		DependsOn: &[]cdktf.ITerraformDependable{versioning},
	}), "server_binary")
	a.ObjectARN = *a.Bucket.Arn() + "/" + key
	return a
}

// ArtifactKey is the object key of the server binary of an architecture.
func ArtifactKey(arch topology.Arch) string {
	return fmt.Sprintf("docmeta-server/linux-%s/docmeta-server", arch)
}

// hardenBucket adds what every docmeta bucket has: owner-enforced objects,
// all public access blocked, SSE-S3 encryption and versioning, which it
// returns (objects whose version IDs matter are created after it).
func hardenBucket(c constructs.Construct, prefix string, b s3bucket.S3Bucket) s3bucketversioning.S3BucketVersioningA {
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
	return pin(s3bucketversioning.NewS3BucketVersioningA(c, str(prefix+"_versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket: b.Id(), VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: str("Enabled")},
	}), prefix+"_versioning")
}

// lifecycleRule is a bucket's one lifecycle rule: noncurrent versions expire
// after noncurrentDays, except the keepNoncurrent newest ones (0: none
// kept); unfinished multipart uploads are aborted after abortDays; current
// objects move to STANDARD_IA after iaDays (0: never).
type lifecycleRule struct {
	iaDays, noncurrentDays, keepNoncurrent, abortDays int
}

func lifecycle(c constructs.Construct, prefix string, b s3bucket.S3Bucket, l lifecycleRule) {
	expire := &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration{NoncurrentDays: num(l.noncurrentDays)}
	if l.keepNoncurrent > 0 {
		expire.NewerNoncurrentVersions = str(fmt.Sprint(l.keepNoncurrent))
	}
	r := &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{
		Id: str("expire-old-versions"), Status: str("Enabled"),
		Filter:                      &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{Prefix: str("")},
		NoncurrentVersionExpiration: expire,
		AbortIncompleteMultipartUpload: &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload{
			DaysAfterInitiation: num(l.abortDays),
		},
	}
	if l.iaDays > 0 {
		r.Transition = &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleTransition{{
			Days: num(l.iaDays), StorageClass: str("STANDARD_IA"),
		}}
	}
	pin(s3bucketlifecycleconfiguration.NewS3BucketLifecycleConfiguration(c, str(prefix+"_lifecycle"), &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationConfig{
		Bucket: b.Id(), Rule: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{r},
	}), prefix+"_lifecycle")
}

// ArtifactPolicyProps are the inputs of the artifact bucket policy, which is
// created after the endpoint and the role it names.
type ArtifactPolicyProps struct {
	Bucket          s3bucket.S3Bucket
	S3EndpointID    string
	InstanceRoleARN string
	AccountID       string
}

// binaryReadActions read the binary: the current version (GetObject, which
// also authorizes HeadObject) and an earlier one by ID (GetObjectVersion).
var binaryReadActions = []string{"s3:GetObject", "s3:GetObjectVersion"}

// NewArtifactPolicy makes the bucket TLS-only, readable only by principals
// of this account, and readable by the instance role only through the S3
// gateway endpoint: stolen instance credentials are useless for the bucket
// outside the VPC.
//
// Nobody else is singled out. Deployers, CI, a reviewer's `cdktf diff` and
// another operator's teardown read the object back on refresh from outside
// the VPC with whatever IAM permissions their own principal has in the
// account, so a change of deploying principal needs no policy hand-over.
// The role is matched by aws:PrincipalArn (the role ARN for every session
// of it), not by a Principal element, which AWS would rewrite to the role's
// unique ID and break when the role is replaced.
func NewArtifactPolicy(scope constructs.Construct, id string, p ArtifactPolicyProps) s3bucketpolicy.S3BucketPolicy {
	arn := *p.Bucket.Arn()
	doc := policyDocument{Statement: []policyStatement{
		denyInsecureTransport(arn),
		{
			Sid: "InstanceRoleOnlyThroughVpcEndpoint", Effect: "Deny", Principal: "*",
			Action: binaryReadActions, Resource: []string{arn + "/*"},
			// Both conditions must hold for the deny: the instance role AND
			// not through the endpoint.
			Condition: map[string]any{
				"ArnEquals":       map[string]string{"aws:PrincipalArn": p.InstanceRoleARN},
				"StringNotEquals": map[string]string{"aws:SourceVpce": p.S3EndpointID},
			},
		},
		{
			Sid: "OnlyThisAccount", Effect: "Deny", Principal: "*",
			Action: []string{"s3:*"}, Resource: []string{arn, arn + "/*"},
			Condition: map[string]any{"StringNotEquals": map[string]string{"aws:PrincipalAccount": p.AccountID}},
		},
	}}
	return pin(s3bucketpolicy.NewS3BucketPolicy(scope, str(id), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: p.Bucket.Id(), Policy: doc.Expression(),
	}), id)
}
