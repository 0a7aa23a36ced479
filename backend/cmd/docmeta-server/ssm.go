package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/docmeta/docmeta/internal/awsconf"
)

// ssmTimeout bounds reading the API keys at start.
const ssmTimeout = 5 * time.Second

// loadSSMKeys reads the SecureString parameter once, decrypted, and returns
// the comma-separated keys it holds. Every failure names what to fix.
func loadSSMKeys(ctx context.Context, awsCfg aws.Config, c config) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, ssmTimeout)
	defer cancel()
	out, err := newSSMClient(awsCfg, c).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(c.APIKeysSSMParam), WithDecryption: aws.Bool(true)})
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

// newSSMClient builds the SSM client on the process's AWS configuration,
// with the endpoint run was given (AWS_ENDPOINT_URL_SSM through getenv), not
// one the SDK finds in the process environment or a shared config file;
// none means AWS's own.
func newSSMClient(awsCfg aws.Config, c config) *ssm.Client {
	return ssm.NewFromConfig(awsCfg, func(o *ssm.Options) {
		o.BaseEndpoint = awsconf.Endpoint(c.SSMEndpoint)
	})
}
