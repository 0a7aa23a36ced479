package teardown

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
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

// Endpoints override the service URLs (tests and emulators); empty means AWS.
type Endpoints struct {
	DynamoDB string
	S3       string
}

// NewClients builds the DynamoDB and S3 clients from cfg with the region set
// explicitly. An S3 endpoint override switches to path-style addressing,
// which loopback fakes and emulators need.
func NewClients(cfg aws.Config, region string, ep Endpoints) (*dynamodb.Client, *s3.Client) {
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.Region = region
		if ep.DynamoDB != "" {
			o.BaseEndpoint = aws.String(ep.DynamoDB)
		}
	})
	st := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.Region = region
		if ep.S3 != "" {
			o.BaseEndpoint = aws.String(ep.S3)
			o.UsePathStyle = true
		}
	})
	return db, st
}
