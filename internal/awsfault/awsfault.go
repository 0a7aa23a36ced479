// Package awsfault sorts aws-sdk-go-v2 failures into a few classes, the one
// place that knows AWS error codes. Each layer maps the classes to its own
// errors: the DynamoDB store to backend error codes, the console to its
// problems, the teardown to the fix it prints.
package awsfault

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// Class is what a failure means for the caller.
type Class int

const (
	// Other is an answer the caller cannot wait out: a request the
	// service rejected for its content, or a failure of unknown kind.
	Other Class = iota
	// Credentials: no usable credentials, or AWS rejected them (invalid,
	// expired, badly signed).
	Credentials
	// Denied: valid credentials without permission for the call.
	Denied
	// Throttle: the service asks the caller to slow down.
	Throttle
	// NotFound: the named resource does not exist (in this region).
	NotFound
	// Transient: no well-formed answer, or a service fault: a timeout, a
	// refused or reset connection, a 5xx. The call may succeed later.
	Transient
)

// Auth reports whether the class is a credentials or permission failure.
func (c Class) Auth() bool { return c == Credentials || c == Denied }

func (c Class) String() string {
	return [...]string{"other", "credentials", "denied", "throttle", "not found", "transient"}[c]
}

var codes = map[string]Class{
	"ExpiredToken": Credentials, "ExpiredTokenException": Credentials, "InvalidClientTokenId": Credentials,
	"UnrecognizedClientException": Credentials, "SignatureDoesNotMatch": Credentials, "AuthFailure": Credentials,
	"InvalidSignatureException": Credentials, "RequestExpired": Credentials, "InvalidAccessKeyId": Credentials,
	"MissingAuthenticationTokenException": Credentials,

	"AccessDenied": Denied, "AccessDeniedException": Denied, "UnauthorizedOperation": Denied, "Forbidden": Denied,

	"Throttling": Throttle, "ThrottlingException": Throttle, "ThrottledException": Throttle,
	"RequestLimitExceeded": Throttle, "TooManyRequestsException": Throttle, "RequestThrottled": Throttle,
	"RequestThrottledException": Throttle, "SlowDown": Throttle, "ProvisionedThroughputExceededException": Throttle,
	"LimitExceededException": Throttle,

	"NoSuchBucket": NotFound, "NoSuchKey": NotFound,

	"InternalServerError": Transient, "InternalFailure": Transient, "ServiceUnavailable": Transient,
	"TransactionInProgressException": Transient,
}

// credentialFailures are what the SDK's credential chain says when it
// finds nothing usable; those failures carry no API error code.
var credentialFailures = []string{
	"failed to retrieve credentials", "failed to refresh cached credentials", "no EC2 IMDS role found", "get credentials",
}

// Classify sorts err; nil is Other.
func Classify(err error) Class {
	if err == nil {
		return Other
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return Transient
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code := apiErr.ErrorCode()
		if c, ok := codes[code]; ok {
			return c
		}
		if strings.HasSuffix(code, "NotFound") || strings.HasSuffix(code, "NotFoundException") {
			return NotFound
		}
		var respErr *awshttp.ResponseError
		if apiErr.ErrorFault() == smithy.FaultServer || (errors.As(err, &respErr) && respErr.HTTPStatusCode() >= 500) {
			return Transient
		}
		return Other
	}
	var maxAttempts *retry.MaxAttemptsError
	if errors.As(err, &maxAttempts) && strings.Contains(strings.ToLower(err.Error()), "throttl") {
		return Throttle
	}
	msg := err.Error()
	for _, s := range credentialFailures {
		if strings.Contains(msg, s) {
			return Credentials
		}
	}
	// No API error means no well-formed answer from AWS: the request could
	// not be sent, the connection failed, or the response was cut.
	return Transient
}

// Code is the AWS error code of err, or "" when AWS gave none.
func Code(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}
