package stacks

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
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
}

// NewOutputs adds the stack outputs, named as `cdktf output` prints them.
func NewOutputs(scope constructs.Construct, p OutputsProps) {
	output(scope, "service_url", p.ServiceURL, "where clients send requests (HTTPS through CloudFront with the cloudfront edge)")
	output(scope, "edge", p.Edge, "what clients connect to: cloudfront (internal load balancer behind a VPC origin) or alb")
	output(scope, "distribution_id", p.DistributionID, "CloudFront distribution (empty with the alb edge)")
	output(scope, "alarm_topic_arn", p.AlarmTopicARN, "SNS topic of the alarms and the budget")
	output(scope, "budget_usd", fmt.Sprint(p.BudgetUSD), "monthly cost budget in USD")
	output(scope, "alb_dns_name", p.ALBDNSName, "load balancer DNS name (internal with the cloudfront edge)")
	output(scope, "alb_arn", p.ALBARN, "load balancer ARN (teardown lifts the prod ALB's deletion protection by it)")
	output(scope, "alb_arn_suffix", p.ALBARNSuffix, "load balancer dimension of its CloudWatch metrics")
	output(scope, "table_name", p.TableName, "DynamoDB metadata table")
	output(scope, "table_arn", p.TableARN, "DynamoDB metadata table ARN (teardown export source)")
	output(scope, "asg_name", p.ASGName, "Auto Scaling Group of the server instances")
	output(scope, "target_group_arn", p.TargetGroupARN, "target group (target health)")
	output(scope, "target_group_arn_suffix", p.TargetGroupARNSuffix, "target group dimension of its CloudWatch metrics")
	output(scope, "nat_gateway_ids", p.NATGatewayIDs, "NAT gateways (empty when the NAT mode is none)")
	output(scope, "interface_endpoint_ids", p.InterfaceEndpointIDs, "interface VPC endpoints (billed per AZ-hour)")
	output(scope, "region", p.Region, "AWS region")
	output(scope, "artifact_bucket", p.ArtifactBucket, "bucket holding the server binary")
	output(scope, "export_bucket", p.ExportBucket, "bucket of the retained exports stack the teardown writes to")
	output(scope, "server_sha256", p.BinarySHA256, "SHA-256 of the deployed server binary")
	output(scope, "vpc_id", p.VPCID, "VPC")
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
