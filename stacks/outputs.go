package stacks

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/docmeta/docmeta/topology"
)

var jsiiTrue = jsii.Bool(true)

// OutputsProps are the values the operator console, the cost tooling and the
// teardown command read after a deploy.
type OutputsProps struct {
	// Edge is "cloudfront" or "alb"; DistributionID is empty for alb.
	Edge, DistributionID                 string
	AlarmTopicARN                        string
	BudgetUSD                            int
	ServiceURL, ALBDNSName, ALBARNSuffix string
	ALBARN                               string
	TableName, TableARN                  string
	ASGName                              string
	TargetGroupARN, TargetGroupARNSuffix string
	NATGatewayIDs, InterfaceEndpointIDs  []string
	Region                               string
	ArtifactBucket, ExportBucket         string
	BinarySHA256                         string
	VPCID                                string
	AlarmNamePrefix                      string
}

// NewOutputs adds the stack outputs under the names topology declares, which
// ParseOutputs reads back.
func NewOutputs(scope constructs.Construct, p OutputsProps) {
	output(scope, topology.OutputServiceURL, p.ServiceURL, "where clients send requests (HTTPS through CloudFront with the cloudfront edge)")
	output(scope, topology.OutputEdge, p.Edge, "what clients connect to: cloudfront (internal load balancer behind a VPC origin) or alb")
	output(scope, topology.OutputDistributionID, p.DistributionID, "CloudFront distribution (empty with the alb edge)")
	output(scope, topology.OutputAlarmTopicARN, p.AlarmTopicARN, "SNS topic of the alarms and the budget")
	output(scope, topology.OutputBudgetUSD, fmt.Sprint(p.BudgetUSD), "monthly cost budget in USD")
	output(scope, topology.OutputALBDNSName, p.ALBDNSName, "load balancer DNS name (internal with the cloudfront edge)")
	output(scope, topology.OutputALBARN, p.ALBARN, "load balancer ARN (teardown lifts the prod ALB's deletion protection by it)")
	output(scope, topology.OutputALBARNSuffix, p.ALBARNSuffix, "load balancer dimension of its CloudWatch metrics")
	output(scope, topology.OutputTableName, p.TableName, "DynamoDB metadata table")
	output(scope, topology.OutputTableARN, p.TableARN, "DynamoDB metadata table ARN (teardown export source)")
	output(scope, topology.OutputASGName, p.ASGName, "Auto Scaling Group of the server instances")
	output(scope, topology.OutputTargetGroupARN, p.TargetGroupARN, "target group (target health)")
	output(scope, topology.OutputTargetGroupARNSuffix, p.TargetGroupARNSuffix, "target group dimension of its CloudWatch metrics")
	output(scope, topology.OutputNATGatewayIDs, p.NATGatewayIDs, "NAT gateways (empty when the NAT mode is none)")
	output(scope, topology.OutputInterfaceEndpointIDs, p.InterfaceEndpointIDs, "interface VPC endpoints (billed per AZ-hour)")
	output(scope, topology.OutputRegion, p.Region, "AWS region")
	output(scope, topology.OutputArtifactBucket, p.ArtifactBucket, "bucket holding the server binary")
	output(scope, topology.OutputExportBucket, p.ExportBucket, "bucket of the retained exports stack the teardown writes to")
	output(scope, topology.OutputServerSHA256, p.BinarySHA256, "SHA-256 of the deployed server binary")
	output(scope, topology.OutputVPCID, p.VPCID, "VPC")
	output(scope, topology.OutputAlarmNamePrefix, p.AlarmNamePrefix, "start of the names of the deployment's CloudWatch alarms (docmeta-ops smoke lists them by it)")
}

func output(scope constructs.Construct, id string, value any, desc string) {
	var v any = jsii.String("")
	switch x := value.(type) {
	case string:
		v = jsii.String(x)
	case []string:
		v = strs(x...)
	}
	cdktf.NewTerraformOutput(scope, jsii.String(id), &cdktf.TerraformOutputConfig{
		Value: v, Description: jsii.String(desc), StaticId: jsiiTrue,
	})
}
