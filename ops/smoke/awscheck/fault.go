package awscheck

import (
	"fmt"

	"github.com/docmeta/docmeta/internal/awsfault"
	"github.com/docmeta/docmeta/ops/smoke"
)

// fault turns an AWS SDK failure of what (e.g. "cloudwatch:DescribeAlarms
// in us-east-1") into a smoke failure naming the fix.
func fault(err error, what string) error {
	code := awsfault.Code(err)
	f := &smoke.Failure{Err: err}
	switch awsfault.Classify(err) {
	case awsfault.Credentials:
		f.Problem = fmt.Sprintf("%s: no usable AWS credentials", what)
		f.Fix = "run `aws sso login` or export AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or pass --no-aws to skip the AWS checks"
	case awsfault.Denied:
		f.Problem = fmt.Sprintf("%s refused (%s)", what, code)
		f.Fix = "the credentials need autoscaling:DescribeAutoScalingGroups, elasticloadbalancing:DescribeTargetHealth and cloudwatch:DescribeAlarms (docs/DEPLOY.md, Smoke check), or pass --no-aws"
	case awsfault.Throttle:
		f.Problem = fmt.Sprintf("%s throttled (%s)", what, code)
		f.Fix = "run the smoke check again in a minute"
	case awsfault.NotFound:
		f.Problem = fmt.Sprintf("%s: not found (%s)", what, code)
		f.Fix = fixOtherDeployment
	case awsfault.Transient:
		f.Problem = fmt.Sprintf("%s: no answer from AWS", what)
		f.Fix = "check the network and the stack's region; AWS_ENDPOINT_URL_* overrides must point at a running service; run again"
	default:
		f.Problem = fmt.Sprintf("%s failed (%s)", what, code)
		f.Fix = "see the AWS error; run again"
	}
	f.Problem += ": " + err.Error()
	return f
}

// fixOtherDeployment is the fix when the stack's resources are not where the
// outputs file says.
const fixOtherDeployment = "the outputs file is not from a deployment in this account and region: use the current one, or pick the account with AWS_PROFILE"
