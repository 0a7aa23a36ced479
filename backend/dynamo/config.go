package dynamo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/docmeta/docmeta/internal/awsconf"
)

// Config selects the table. The values are passed in explicitly (the server
// reads them from its flags and environment); this package never reads the
// environment for them.
type Config struct {
	// Region is the AWS region, e.g. "us-east-1" (AWS_REGION). Required,
	// also for emulators, because requests are signed for a region.
	Region string
	// Table is the DynamoDB table name (DOCMETA_TABLE). Required.
	Table string
	// Endpoint overrides the DynamoDB endpoint, e.g. "http://127.0.0.1:4567"
	// for dynalite or DynamoDB Local (AWS_ENDPOINT_URL_DYNAMODB). Empty means
	// the region's AWS endpoint, whatever the process environment or a
	// shared config file says.
	Endpoint string
	// Profile names a profile of the shared config and credentials files
	// (AWS_PROFILE). Empty leaves the choice to the SDK's default chain.
	Profile string
	// ListingShards is how many index partitions each day's new documents
	// spread over (DOCMETA_LISTING_SHARDS; see shards.go). 0 means
	// DefaultListingShards.
	ListingShards int
	// AWS, when set, is the process's configuration, loaded once from
	// AWSSettings (plus its other services' endpoints) and shared by all
	// its clients; nil loads one for this store alone.
	AWS *aws.Config
}

// Client limits. A store that cannot be reached must turn into a 503 within
// a few seconds, not hang an upload: each HTTP attempt is bounded, attempts
// are few, and backoff between them is short. The worst case for a request
// is about attempts × (requestTimeout + maxBackoff) ≈ 6.5 s.
const (
	requestTimeout = 2 * time.Second
	maxAttempts    = 3
	maxBackoff     = 250 * time.Millisecond
	// maxConnsPerHost keeps a connection per concurrent upload alive; the
	// SDK's default of 10 idle connections makes 64 concurrent clients
	// open and close a connection per request.
	maxConnsPerHost = 256
)

// OpenTimeout bounds the DescribeTable check in Open, so a server whose
// endpoint does not answer fails its start instead of hanging. A missing
// table is an answer and fails in milliseconds; this bound is only for an
// endpoint that stays silent. It is above the 2 s fail-fast bound for
// configuration mistakes on purpose: the first call of a booting instance
// also fetches instance-role credentials and resolves and handshakes the
// endpoint, and a bound too tight for that turns a slow boot into a crash
// loop.
const OpenTimeout = 3 * time.Second

// Open connects to the configured table and checks, with DescribeTable,
// that it exists and has the listing index. Every error names what to fix.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	shards := cfg.ListingShards
	if shards == 0 {
		shards = DefaultListingShards
	}
	if err := CheckListingShards(shards); err != nil {
		return nil, fmt.Errorf("dynamodb store: %w", err)
	}
	client, err := newClient(ctx, cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, OpenTimeout)
	defer cancel()
	out, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(cfg.Table)})
	var notFound *types.ResourceNotFoundException
	switch {
	case errors.As(err, &notFound):
		return nil, fmt.Errorf("dynamodb store: table %q not found in region %s%s: set DOCMETA_TABLE to the table the stack created, or, against a local emulator, start the server with -create-table (DOCMETA_CREATE_TABLE=true)",
			cfg.Table, cfg.Region, endpointNote(cfg.Endpoint))
	case err != nil:
		return nil, fmt.Errorf("dynamodb store: cannot describe table %q in region %s%s (check AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, network access and credentials): %w",
			cfg.Table, cfg.Region, endpointNote(cfg.Endpoint), err)
	}
	if !hasListingIndex(out.Table) {
		return nil, fmt.Errorf("dynamodb store: table %q has no global secondary index %q (partition key %q, sort key %q) needed for listing: is DOCMETA_TABLE the docmeta table?",
			cfg.Table, IndexName, attrDay, attrSortKey)
	}
	return New(client, cfg.Table, WithListingShards(shards)), nil
}

// CreateTable creates the docmeta table with its listing index, on-demand
// billing, and waits until it is active. It is idempotent: an existing table
// is accepted if it has the index. Meant for local emulators and tests; in
// AWS the cdktf stack owns the table (with PITR, SSE, deletion protection
// and TTL on TTLAttribute, which this helper does not set: dynalite, the
// emulator the tests and docs use, answers UpdateTimeToLive with
// UnknownOperationException; Claim checks expiry itself, so an expired
// idempotency record there only stays until its key is claimed again).
func CreateTable(ctx context.Context, cfg Config) error {
	client, err := newClient(ctx, cfg)
	if err != nil {
		return err
	}
	_, err = client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:   aws.String(cfg.Table),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String(attrID), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String(attrDay), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String(attrSortKey), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(attrID), KeyType: types.KeyTypeHash},
		},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName: aws.String(IndexName),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(attrDay), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(attrSortKey), KeyType: types.KeyTypeRange},
			},
			// ALL: a listing page is one Query, with no GetItem per item.
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
	})
	var inUse *types.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("dynamodb store: create table %q in region %s%s: %w", cfg.Table, cfg.Region, endpointNote(cfg.Endpoint), err)
	}
	waiter := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 100*time.Millisecond, time.Second
	})
	out, err := waiter.WaitForOutput(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(cfg.Table)}, time.Minute)
	if err != nil {
		return fmt.Errorf("dynamodb store: table %q did not become active: %w", cfg.Table, err)
	}
	if !hasListingIndex(out.Table) {
		return fmt.Errorf("dynamodb store: table %q already exists without the %q index; choose another DOCMETA_TABLE or delete it", cfg.Table, IndexName)
	}
	return nil
}

// AWSSettings are the awsconf settings of a client for this table: region,
// profile and endpoint, and the client limits above, which bound every
// attempt so that an unreachable store fails requests within seconds.
func (cfg Config) AWSSettings() awsconf.Settings {
	return awsconf.Settings{
		Region:    cfg.Region,
		Profile:   cfg.Profile,
		Endpoints: []string{cfg.Endpoint},
		HTTPClient: awshttp.NewBuildableClient().
			WithTimeout(requestTimeout).
			WithTransportOptions(func(t *http.Transport) {
				t.MaxIdleConns = maxConnsPerHost
				t.MaxIdleConnsPerHost = maxConnsPerHost
			}),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = maxAttempts
				o.MaxBackoff = maxBackoff
				// No client-side retry quota: attempts are already
				// few, and an exhausted quota would keep failing
				// requests without retrying after an outage ends.
				o.RateLimiter = ratelimit.None
			})
		},
	}
}

// newClient builds a DynamoDB client on cfg.AWS, or, when that is nil, on a
// configuration loaded from cfg.AWSSettings (internal/awsconf documents the
// credential rules, including dummy credentials for a loopback emulator).
// The endpoint is cfg.Endpoint alone, never one from the process
// environment or a shared config file.
func newClient(ctx context.Context, cfg Config) (*dynamodb.Client, error) {
	if cfg.Region == "" {
		return nil, errors.New("dynamodb store: no region: set AWS_REGION (e.g. us-east-1)")
	}
	if cfg.Table == "" {
		return nil, errors.New("dynamodb store: no table name: set DOCMETA_TABLE")
	}
	if err := awsconf.CheckEndpoint(cfg.Endpoint); err != nil {
		return nil, fmt.Errorf("dynamodb store: %w (AWS_ENDPOINT_URL_DYNAMODB)", err)
	}
	var awsCfg aws.Config
	if cfg.AWS != nil {
		awsCfg = *cfg.AWS
	} else {
		var err error
		if awsCfg, err = awsconf.Load(ctx, cfg.AWSSettings()); err != nil {
			return nil, fmt.Errorf("dynamodb store: %w", err)
		}
	}
	return dynamodb.NewFromConfig(awsCfg, func(o *dynamodb.Options) {
		o.Region = cfg.Region
		o.BaseEndpoint = awsconf.Endpoint(cfg.Endpoint)
		// Wrapped here, after the SDK has finished configuring its
		// BuildableClient (timeouts, AWS_CA_BUNDLE), which it only does
		// for that concrete type.
		o.HTTPClient = singleWriteClient{next: o.HTTPClient}
	}), nil
}

func endpointNote(endpoint string) string {
	if endpoint == "" {
		return ""
	}
	return " at " + endpoint
}

func hasListingIndex(t *types.TableDescription) bool {
	if t == nil {
		return false
	}
	for _, gsi := range t.GlobalSecondaryIndexes {
		if aws.ToString(gsi.IndexName) != IndexName || len(gsi.KeySchema) != 2 {
			continue
		}
		if aws.ToString(gsi.KeySchema[0].AttributeName) == attrDay && aws.ToString(gsi.KeySchema[1].AttributeName) == attrSortKey {
			return true
		}
	}
	return false
}
