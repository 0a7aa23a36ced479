package awsfault

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func api(code string) error { return &smithy.GenericAPIError{Code: code} }

func TestClassify(t *testing.T) {
	serverFault := &smithy.GenericAPIError{Code: "SomethingBroke", Fault: smithy.FaultServer}
	status503 := &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 503}}, Err: api("Unlisted")}}
	for _, tc := range []struct {
		err  error
		want Class
	}{
		{nil, Other},
		{api("ExpiredTokenException"), Credentials},
		{api("UnrecognizedClientException"), Credentials},
		{api("InvalidAccessKeyId"), Credentials},
		{errors.New("get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found"), Credentials},
		{api("AccessDeniedException"), Denied},
		{api("AccessDenied"), Denied},
		{api("Throttling"), Throttle},
		{api("ProvisionedThroughputExceededException"), Throttle},
		{&retry.MaxAttemptsError{Attempt: 2, Err: errors.New("ThrottlingException: Rate exceeded")}, Throttle},
		{api("ResourceNotFoundException"), NotFound},
		{api("LoadBalancerNotFound"), NotFound},
		{api("NoSuchKey"), NotFound},
		{api("InternalServerError"), Transient},
		{serverFault, Transient},
		{status503, Transient},
		{fmt.Errorf("op: %w", context.DeadlineExceeded), Transient},
		{context.Canceled, Transient},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, Transient},
		{api("ValidationException"), Other},
		{api("SerializationException"), Other},
	} {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestCodeAndAuth(t *testing.T) {
	if c := Code(fmt.Errorf("describe: %w", api("AccessDenied"))); c != "AccessDenied" {
		t.Errorf("Code = %q", c)
	}
	if Code(errors.New("plain")) != "" {
		t.Error("a plain error has a code")
	}
	if !Credentials.Auth() || !Denied.Auth() || Throttle.Auth() || Transient.Auth() {
		t.Error("Auth() wrong")
	}
}
