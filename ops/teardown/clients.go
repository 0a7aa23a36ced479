package teardown

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/docmeta/docmeta/internal/awsconf"
)

// DynamoDBAPI is the part of the DynamoDB client teardown uses.
type DynamoDBAPI interface {
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	DescribeContinuousBackups(ctx context.Context, in *dynamodb.DescribeContinuousBackupsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error)
	ExportTableToPointInTime(ctx context.Context, in *dynamodb.ExportTableToPointInTimeInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ExportTableToPointInTimeOutput, error)
	DescribeExport(ctx context.Context, in *dynamodb.DescribeExportInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeExportOutput, error)
	UpdateTable(ctx context.Context, in *dynamodb.UpdateTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateTableOutput, error)
}

// S3API is the part of the S3 client teardown uses.
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, optFns ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
}

// ELBv2API is the part of the Elastic Load Balancing v2 client teardown
// uses: reading and switching the load balancer's deletion protection.
type ELBv2API interface {
	DescribeLoadBalancerAttributes(ctx context.Context, in *elbv2.DescribeLoadBalancerAttributesInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeLoadBalancerAttributesOutput, error)
	ModifyLoadBalancerAttributes(ctx context.Context, in *elbv2.ModifyLoadBalancerAttributesInput, optFns ...func(*elbv2.Options)) (*elbv2.ModifyLoadBalancerAttributesOutput, error)
}

// Endpoints override the service URLs (tests and emulators); empty means
// AWS, whatever the process environment says.
type Endpoints struct {
	DynamoDB string
	S3       string
	ELBv2    string
}

// NewClients builds the DynamoDB and S3 clients from cfg with the region set
// explicitly. An S3 endpoint override switches to path-style addressing,
// which loopback fakes and emulators need.
func NewClients(cfg aws.Config, region string, ep Endpoints) (*dynamodb.Client, *s3.Client) {
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.Region = region
		o.BaseEndpoint = awsconf.Endpoint(ep.DynamoDB)
	})
	st := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.Region = region
		o.BaseEndpoint = awsconf.Endpoint(ep.S3)
		o.UsePathStyle = ep.S3 != ""
	})
	return db, st
}

// NewELBv2Client builds the Elastic Load Balancing v2 client with the region
// set explicitly and ep.ELBv2 as its URL when set.
func NewELBv2Client(cfg aws.Config, region string, ep Endpoints) *elbv2.Client {
	return elbv2.NewFromConfig(cfg, func(o *elbv2.Options) {
		o.Region = region
		o.BaseEndpoint = awsconf.Endpoint(ep.ELBv2)
	})
}
