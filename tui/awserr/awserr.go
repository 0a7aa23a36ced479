// Package awserr turns aws-sdk-go-v2 failures into the console's classified
// errors (tui.SourceError), with messages that name the fix.
package awserr

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"github.com/docmeta/docmeta/tui"
)

var (
	authCodes = map[string]bool{
		"ExpiredToken": true, "ExpiredTokenException": true, "InvalidClientTokenId": true,
		"UnrecognizedClientException": true, "AccessDenied": true, "AccessDeniedException": true,
		"SignatureDoesNotMatch": true, "AuthFailure": true, "InvalidSignatureException": true,
		"RequestExpired": true, "UnauthorizedOperation": true,
	}
	throttleCodes = map[string]bool{
		"Throttling": true, "ThrottlingException": true, "ThrottledException": true,
		"RequestLimitExceeded": true, "TooManyRequestsException": true, "RequestThrottled": true,
		"RequestThrottledException": true, "SlowDown": true,
	}
)

// Classify wraps err from operation (e.g. "autoscaling:DescribeAutoScalingGroups").
func Classify(err error, operation string) error {
	if err == nil {
		return nil
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code := apiErr.ErrorCode()
		switch {
		case authCodes[code]:
			return tui.Errorf(tui.ProblemUnauthorized, err,
				"%s refused (%s): AWS credentials expired or lack permission; refresh them (aws sso login / new keys) or pick --profile", operation, code)
		case throttleCodes[code]:
			return tui.Errorf(tui.ProblemThrottled, err, "%s throttled by AWS (%s); the next refresh retries, or raise --interval", operation, code)
		case strings.HasSuffix(code, "NotFound") || strings.HasSuffix(code, "NotFoundException"):
			return tui.Errorf(tui.ProblemNotFound, err, "%s: resource not found (%s); check the stack outputs / --stack", operation, code)
		}
		return tui.Errorf(tui.ProblemOther, err, "%s failed (%s)", operation, code)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return tui.Errorf(tui.ProblemUnreachable, err, "%s: no answer within the request timeout; check the network and --region, the next refresh retries", operation)
	}
	var maxAttempts *retry.MaxAttemptsError
	if errors.As(err, &maxAttempts) && strings.Contains(strings.ToLower(err.Error()), "throttl") {
		return tui.Errorf(tui.ProblemThrottled, err, "%s throttled by AWS; the next refresh retries", operation)
	}
	msg := err.Error()
	if strings.Contains(msg, "failed to retrieve credentials") || strings.Contains(msg, "failed to refresh cached credentials") ||
		strings.Contains(msg, "no EC2 IMDS role found") || strings.Contains(msg, "get identity: get credentials") {
		return tui.Errorf(tui.ProblemUnauthorized, err,
			"%s: no usable AWS credentials; run `aws sso login`, export AWS_PROFILE, or pass --profile", operation)
	}
	var netErr net.Error
	var opErr *net.OpError
	if errors.As(err, &opErr) || errors.As(err, &netErr) || strings.Contains(msg, "connection refused") {
		return tui.Errorf(tui.ProblemUnreachable, err, "%s: AWS endpoint not reachable; check the network, --region and AWS_ENDPOINT_URL_* overrides", operation)
	}
	return tui.Errorf(tui.ProblemOther, err, "%s failed", operation)
}
