package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// ssmTimeout bounds reading the API keys at start.
const ssmTimeout = 5 * time.Second

// loadSSMKeys reads the SecureString parameter once, decrypted, and returns
// the comma-separated keys it holds. Every failure names what to fix.
func loadSSMKeys(ctx context.Context, c config) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, ssmTimeout)
	defer cancel()
	client, err := newSSMClient(ctx, c)
	if err != nil {
		return nil, err
	}
	out, err := client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(c.APIKeysSSMParam), WithDecryption: aws.Bool(true)})
	var notFound *types.ParameterNotFound
	switch {
	case errors.As(err, &notFound):
		return nil, fmt.Errorf("DOCMETA_API_KEYS_SSM_PARAMETER=%s: no such parameter in region %s; create it (aws ssm put-parameter --type SecureString) or fix the name", c.APIKeysSSMParam, c.Region)
	case err != nil:
		return nil, fmt.Errorf("DOCMETA_API_KEYS_SSM_PARAMETER=%s: cannot read it in region %s (the instance role needs ssm:GetParameter on it and kms:Decrypt on its key; check AWS_REGION and network access to SSM): %w", c.APIKeysSSMParam, c.Region, err)
	}
	if out.Parameter == nil || out.Parameter.Value == nil {
		return nil, fmt.Errorf("DOCMETA_API_KEYS_SSM_PARAMETER=%s has no value; store comma-separated keys in it", c.APIKeysSSMParam)
	}
	keys, err := splitKeys(*out.Parameter.Value)
	if err != nil {
		return nil, fmt.Errorf("DOCMETA_API_KEYS_SSM_PARAMETER=%s: %v; fix the parameter's value", c.APIKeysSSMParam, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("DOCMETA_API_KEYS_SSM_PARAMETER=%s holds no keys; store comma-separated keys in it", c.APIKeysSSMParam)
	}
	return keys, nil
}

// newSSMClient builds the SSM client from the region, endpoint and profile
// in c (all from run's getenv); the SDK's own environment lookups for those
// are overridden. Credentials still come from the SDK's default chain
// (process environment, shared files, instance role).
func newSSMClient(ctx context.Context, c config) (*ssm.Client, error) {
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(c.Region)}
	if c.Profile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(c.Profile))
	}
	local := c.SSMEndpoint != "" && isLoopbackURL(c.SSMEndpoint)
	if local {
		// Off EC2 the instance-metadata lookup only adds timeouts.
		opts = append(opts, awsconfig.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("DOCMETA_API_KEYS_SSM_PARAMETER: cannot load the AWS configuration (check AWS_PROFILE and ~/.aws/config): %w", err)
	}
	if local {
		if _, err := awsCfg.Credentials.Retrieve(ctx); err != nil {
			// A loopback endpoint is a test double; it does not verify
			// signatures, but the SDK will not send unsigned requests.
			awsCfg.Credentials = credentials.NewStaticCredentialsProvider("docmeta-local", "docmeta-local", "")
		}
	}
	return ssm.NewFromConfig(awsCfg, func(o *ssm.Options) {
		// Only the endpoint run was given (AWS_ENDPOINT_URL_SSM through
		// getenv), not one the SDK found in the process environment or
		// a shared config file; none means AWS's own.
		o.BaseEndpoint = nil
		if c.SSMEndpoint != "" {
			o.BaseEndpoint = aws.String(c.SSMEndpoint)
		}
	}), nil
}

func isLoopbackURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}
