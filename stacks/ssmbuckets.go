package stacks

// SSMAgentBucketARNs are the AWS-owned S3 buckets SSM Agent on a Linux
// instance reads from, per AWS's list "SSM Agent communications with AWS
// managed S3 buckets"
// (https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-minimum-s3-permissions.html):
// agent updates (amazon-ssm-<region>), packages and Distributor
// (amazon-ssm-packages-<region>, <region>-birdwatcher-prod,
// aws-ssm-distributor-file-<region>), document attachments
// (aws-ssm-document-attachments-<region>), AWS-owned documents and
// automation scripts (aws-ssm-<region>) and Patch Manager snapshots
// (patch-baseline-snapshot-<region>). Without a NAT gateway these requests
// leave through the S3 gateway endpoint, whose policy would otherwise deny
// them. The list's Windows-only (aws-windows-downloads-<region>) and
// macOS-only (aws-patchmanager-macos-<region>) buckets are left out: the
// instances run Amazon Linux 2023.
func SSMAgentBucketARNs(region string) []string {
	names := []string{
		"amazon-ssm-" + region,
		"amazon-ssm-packages-" + region,
		region + "-birdwatcher-prod",
		"aws-ssm-distributor-file-" + region,
		"aws-ssm-document-attachments-" + region,
		"aws-ssm-" + region,
		"patch-baseline-snapshot-" + region,
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "arn:aws:s3:::" + n + "/*"
	}
	return out
}
