package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/internal/awsconf"
)

// loadAWS loads the process's one AWS configuration, shared by the
// DynamoDB store and the SSM key lookup; nil when neither is configured.
// The DynamoDB store's client limits (short attempts, few retries) apply to
// SSM too: its one call at start is bounded by ssmTimeout either way.
func loadAWS(ctx context.Context, c config) (*aws.Config, error) {
	if c.Store != storeDynamo && c.APIKeysSSMParam == "" {
		return nil, nil
	}
	s := awsconf.Settings{Region: c.Region, Profile: c.Profile}
	if c.Store == storeDynamo {
		s = c.dynamoConfig().AWSSettings()
	}
	if c.APIKeysSSMParam != "" {
		s.Endpoints = append(s.Endpoints, c.SSMEndpoint)
	}
	awsCfg, err := awsconf.Load(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("docmeta-server: %w", err)
	}
	return &awsCfg, nil
}

// dynamoConfig is the DynamoDB store's part of the configuration.
func (c config) dynamoConfig() dynamo.Config {
	return dynamo.Config{Region: c.Region, Table: c.Table, Endpoint: c.DynamoEndpoint, Profile: c.Profile,
		ListingShards: c.ListingShards}
}
