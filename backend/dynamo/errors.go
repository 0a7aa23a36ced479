package dynamo

import (
	"context"
	"errors"
	"fmt"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/docmeta/docmeta/backend"
)

// unavailableCodes are DynamoDB error codes that mean "not now": the
// request may succeed later, so the server answers 503 with Retry-After.
// Credential errors are here too: an expired or missing role is an outage
// of this instance's access, not the client's mistake.
var unavailableCodes = map[string]bool{
	"ProvisionedThroughputExceededException": true,
	"ThrottlingException":                    true,
	"RequestLimitExceeded":                   true,
	"LimitExceededException":                 true,
	"InternalServerError":                    true,
	"InternalFailure":                        true,
	"ServiceUnavailable":                     true,
	"TransactionInProgressException":         true,
	"ResourceNotFoundException":              true, // table deleted or not yet created
	"ExpiredTokenException":                  true,
	"UnrecognizedClientException":            true,
	"AccessDeniedException":                  true,
	"MissingAuthenticationTokenException":    true,
}

// classify turns an SDK error into a backend.Error: EUNAVAILABLE for
// anything transient or outside the request's control (throttling, 5xx,
// timeouts, refused or reset connections, exhausted retries), EINTERNAL
// for the rest (a malformed request is our bug). The SDK error is kept as
// the cause for logs; clients see only the generic message.
func classify(op string, err error) error {
	unavailable := func() error {
		return backend.WrapError(backend.EUNAVAILABLE, "the document store is unavailable; retry later",
			fmt.Errorf("dynamodb store: %s: %w", op, err))
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return unavailable()
	}
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) && respErr.HTTPStatusCode() >= 500 {
		return unavailable()
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		if unavailableCodes[apiErr.ErrorCode()] || apiErr.ErrorFault() == smithy.FaultServer {
			return unavailable()
		}
		return backend.WrapError(backend.EINTERNAL, "internal error", fmt.Errorf("dynamodb store: %s: %w", op, err))
	}
	// No API error means no well-formed answer from DynamoDB: the request
	// could not be sent, the connection failed, or the response was cut.
	return unavailable()
}
