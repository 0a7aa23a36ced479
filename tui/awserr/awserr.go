// Package awserr turns aws-sdk-go-v2 failures, sorted by internal/awsfault,
// into the console's classified errors (tui.SourceError), with messages
// that name the fix.
package awserr

import (
	"context"
	"errors"

	"github.com/docmeta/docmeta/internal/awsfault"
	"github.com/docmeta/docmeta/tui"
)

// Classify wraps err from operation (e.g. "autoscaling:DescribeAutoScalingGroups"),
// which the result carries as its Op.
func Classify(err error, operation string) error {
	if err == nil {
		return nil
	}
	code := awsfault.Code(err)
	switch awsfault.Classify(err) {
	case awsfault.Credentials, awsfault.Denied:
		if code == "" {
			return tui.CallErrorf(operation, tui.ProblemUnauthorized, err,
				"%s: no usable AWS credentials; run `aws sso login`, export AWS_PROFILE, or pass --profile", operation)
		}
		return tui.CallErrorf(operation, tui.ProblemUnauthorized, err,
			"%s refused (%s): AWS credentials expired or lack permission; refresh them (aws sso login / new keys) or pick --profile", operation, code)
	case awsfault.Throttle:
		if code == "" {
			return tui.CallErrorf(operation, tui.ProblemThrottled, err, "%s throttled by AWS; the next refresh retries", operation)
		}
		return tui.CallErrorf(operation, tui.ProblemThrottled, err, "%s throttled by AWS (%s); the next refresh retries, or raise --interval", operation, code)
	case awsfault.NotFound:
		return tui.CallErrorf(operation, tui.ProblemNotFound, err, "%s: resource not found (%s); check the stack outputs / --stack", operation, code)
	case awsfault.Transient:
		switch {
		case code != "":
			return tui.CallErrorf(operation, tui.ProblemOther, err, "%s failed (%s); the next refresh retries", operation, code)
		case errors.Is(err, context.DeadlineExceeded):
			return tui.CallErrorf(operation, tui.ProblemUnreachable, err, "%s: no answer within the request timeout; check the network and --region, the next refresh retries", operation)
		}
		return tui.CallErrorf(operation, tui.ProblemUnreachable, err, "%s: AWS endpoint not reachable; check the network, --region and AWS_ENDPOINT_URL_* overrides", operation)
	}
	if code != "" {
		return tui.CallErrorf(operation, tui.ProblemOther, err, "%s failed (%s)", operation, code)
	}
	return tui.CallErrorf(operation, tui.ProblemOther, err, "%s failed", operation)
}
