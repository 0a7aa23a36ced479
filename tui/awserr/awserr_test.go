package awserr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/docmeta/docmeta/tui"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		err     error
		problem tui.Problem
		want    string
	}{
		{&smithy.GenericAPIError{Code: "ExpiredTokenException"}, tui.ProblemUnauthorized, "aws sso login"},
		{&smithy.GenericAPIError{Code: "UnrecognizedClientException"}, tui.ProblemUnauthorized, "--profile"},
		{&smithy.GenericAPIError{Code: "Throttling"}, tui.ProblemThrottled, "raise --interval"},
		{&smithy.GenericAPIError{Code: "RequestLimitExceeded"}, tui.ProblemThrottled, "next refresh retries"},
		{&smithy.GenericAPIError{Code: "LoadBalancerNotFound"}, tui.ProblemNotFound, "--stack"},
		{&smithy.GenericAPIError{Code: "ValidationError"}, tui.ProblemOther, "ValidationError"},
		{fmt.Errorf("op: %w", context.DeadlineExceeded), tui.ProblemUnreachable, "request timeout"},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, tui.ProblemUnreachable, "AWS_ENDPOINT_URL_"},
		{errors.New("get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found"), tui.ProblemUnauthorized, "no usable AWS credentials"},
	}
	for _, tc := range cases {
		got := Classify(tc.err, "svc:Op")
		if tui.ProblemOf(got) != tc.problem || !strings.Contains(got.Error(), tc.want) || !strings.Contains(got.Error(), "svc:Op") {
			t.Errorf("%v -> %v (%v), want %v with %q", tc.err, got, tui.ProblemOf(got), tc.problem, tc.want)
		}
		if !errors.Is(got, tc.err) {
			t.Errorf("%v: cause not kept", tc.err)
		}
		var se *tui.SourceError
		if !errors.As(got, &se) || se.Op != "svc:Op" {
			t.Errorf("%v: the failed call is not named in Op: %#v", tc.err, se)
		}
	}
	if Classify(nil, "x") != nil {
		t.Error("nil is not an error")
	}
}
