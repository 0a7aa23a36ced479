// Package awsconf loads the one aws.Config a docmeta process uses, from
// settings the caller read from its own flags and getenv. Every binary that
// calls AWS loads its configuration here, so region, profile, endpoint and
// credential rules are the same everywhere.
package awsconf

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
)

// Settings are what a process knows about AWS. Only Region is required.
type Settings struct {
	// Region signs every request, also those to emulators.
	Region string
	// Profile selects a profile of the shared config and credentials
	// files; empty leaves the choice to the SDK's default chain.
	Profile string
	// Endpoints are the endpoint overrides of every service the process
	// calls, "" for a service that goes to AWS. When each of them is a
	// loopback URL the process talks only to local emulators or fakes:
	// the instance-metadata lookup is skipped (off EC2 it only adds
	// seconds of timeouts) and, when the default chain finds no
	// credentials, fixed dummy ones are used, because emulators do not
	// verify signatures but the SDK will not send unsigned requests.
	// Credentials the chain finds still win (DynamoDB Local keeps a
	// database per access key), and a process that calls AWS itself never
	// gets dummy credentials, so a missing role fails loudly.
	Endpoints []string
	// AccessKeyID and SecretAccessKey, when both are set, replace the
	// default chain (for callers that read them through their getenv).
	AccessKeyID, SecretAccessKey, SessionToken string
	// RetryMaxAttempts caps attempts per call; 0 keeps the SDK's default.
	RetryMaxAttempts int
	// Retryer and HTTPClient, when set, replace the SDK's defaults.
	Retryer    func() aws.Retryer
	HTTPClient aws.HTTPClient
}

// LocalAccessKey is the dummy access key used against loopback endpoints.
const LocalAccessKey = "docmeta-local"

// Load builds the configuration. Endpoints are not applied here: each
// service client sets its own with Endpoint, so an endpoint the SDK would
// find in the process environment or a shared config file never applies.
func Load(ctx context.Context, s Settings) (aws.Config, error) {
	if s.Region == "" {
		return aws.Config{}, errors.New("no AWS region: set AWS_REGION (e.g. us-east-1) or pass --region")
	}
	for _, e := range s.Endpoints {
		if err := CheckEndpoint(e); err != nil {
			return aws.Config{}, err
		}
	}
	local := Local(s.Endpoints)
	opts := []func(*config.LoadOptions) error{config.WithRegion(s.Region)}
	if s.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(s.Profile))
	}
	if s.AccessKeyID != "" && s.SecretAccessKey != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(s.AccessKeyID, s.SecretAccessKey, s.SessionToken)))
	}
	if s.RetryMaxAttempts > 0 {
		opts = append(opts, config.WithRetryMaxAttempts(s.RetryMaxAttempts))
	}
	if s.Retryer != nil {
		opts = append(opts, config.WithRetryer(s.Retryer))
	}
	if s.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(s.HTTPClient))
	}
	if local {
		opts = append(opts, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration (profile %q): %w; check AWS_PROFILE and ~/.aws/config", s.Profile, err)
	}
	if local {
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			cfg.Credentials = credentials.NewStaticCredentialsProvider(LocalAccessKey, LocalAccessKey, "")
		}
	}
	return cfg, nil
}

// Endpoint is a client's BaseEndpoint for an override: nil for "" (AWS's
// own endpoint), whatever the process environment says.
func Endpoint(override string) *string {
	if override == "" {
		return nil
	}
	return aws.String(override)
}

// CheckEndpoint accepts "" (AWS's own) or an http(s) URL with a host.
func CheckEndpoint(endpoint string) error {
	if endpoint == "" {
		return nil
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("endpoint %q is not an http(s) URL: fix the AWS_ENDPOINT_URL_* setting (e.g. http://127.0.0.1:4567)", endpoint)
	}
	return nil
}

// Local reports whether every endpoint is a loopback URL (and there is at
// least one): such a process can only be talking to emulators or fakes.
func Local(endpoints []string) bool {
	for _, e := range endpoints {
		if !IsLoopback(e) {
			return false
		}
	}
	return len(endpoints) > 0
}

// IsLoopback reports whether endpoint is a URL whose host is localhost or a
// loopback IP.
func IsLoopback(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}
