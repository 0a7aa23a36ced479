package stacks

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicsubscription"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Alarm thresholds; docs/DEPLOY.md lists what each alarm means.
const (
	// Target5xxThreshold is the count of 5xx answers from the instances in
	// 5 minutes that alarms: a few are a store outage's 503s; more are not.
	Target5xxThreshold = 5
	// LatencyP99Seconds is the p99 target response time that alarms over
	// three 5-minute periods. It includes receiving upload bodies, so it
	// sits well above an API call's time.
	LatencyP99Seconds = 30
	// CloudFront5xxRatePercent is the distribution's 5xx error rate that
	// alarms over two 5-minute periods.
	CloudFront5xxRatePercent = 5
)

// DynamoDBOperations are the operations the server calls (see
// serverTableActions); their throttles and system errors are summed.
var DynamoDBOperations = []string{"PutItem", "GetItem", "Query"}

// AlarmsProps are the inputs of the alarms and their topics.
type AlarmsProps struct {
	// Name prefixes the regional alarms and topic; EdgeName (which carries
	// the region) the CloudFront alarm and topic in us-east-1, so stacks of
	// two regions do not collide there.
	Name, EdgeName string
	// ALBARNSuffix and TargetGroupARNSuffix are the ALB metrics' dimensions.
	ALBARNSuffix, TargetGroupARNSuffix string
	TableName                          string
	ASGName                            string
	ASGMin                             int
	// DistributionID, when set, adds the CloudFront 5xx-rate alarm, created
	// through EdgeProvider in us-east-1 where CloudFront's metrics are.
	DistributionID string
	EdgeProvider   cdktf.TerraformProvider
	// EdgeInStackRegion is true when the stack is in us-east-1 itself: the
	// CloudFront alarm then shares the stack's topic (an alarm can only
	// notify a topic in its own region).
	EdgeInStackRegion bool
	// AlertEmail, when set, is subscribed to every topic.
	AlertEmail string
	// AccountID limits who may publish: only this account's alarms and
	// budgets (no confused deputy).
	AccountID string
}

// Alarms are the alarm topic(s) and the alarms.
type Alarms struct {
	// Topic receives every alarm of the stack's region and the budget.
	Topic snstopic.SnsTopic
	// EdgeTopic is the us-east-1 topic of the CloudFront alarm when the
	// stack is elsewhere; nil otherwise.
	EdgeTopic snstopic.SnsTopic
	All       []cloudwatchmetricalarm.CloudwatchMetricAlarm
}

// NewAlarms creates the topic, its e-mail subscription and the alarms. The
// topic is not KMS-encrypted: CloudWatch cannot publish to a topic under
// the AWS-managed aws/sns key, a customer key costs $1 a month, and alarm
// notifications carry only alarm names and metric values.
func NewAlarms(scope constructs.Construct, id string, p AlarmsProps) *Alarms {
	c := constructs.NewConstruct(scope, str(id))
	a := &Alarms{}
	a.Topic = newAlarmTopic(c, "alarms", p.Name+"-alarms", p, nil)
	alarmTopicARN := *a.Topic.Arn()

	alb := map[string]*string{"LoadBalancer": str(p.ALBARNSuffix), "TargetGroup": str(p.TargetGroupARNSuffix)}
	add := func(name string, cfg *cloudwatchmetricalarm.CloudwatchMetricAlarmConfig, topic string) {
		prefix := p.Name
		if cfg.Provider != nil {
			prefix = p.EdgeName
		}
		cfg.AlarmName = str(prefix + "-" + name)
		cfg.AlarmActions = strs(topic)
		cfg.OkActions = strs(topic)
		cfg.Tags = nameTag(prefix + "-" + name)
		a.All = append(a.All, pin(cloudwatchmetricalarm.NewCloudwatchMetricAlarm(c, str(name), cfg), "alarm_"+strings.ReplaceAll(name, "-", "_")))
	}
	add("target-5xx", &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmDescription: str(fmt.Sprintf("instances answered %d+ 5xx in 5 minutes: check the server log (journalctl -u docmeta) and the store", Target5xxThreshold)),
		Namespace:        str("AWS/ApplicationELB"), MetricName: str("HTTPCode_Target_5XX_Count"), Dimensions: &alb,
		Statistic: str("Sum"), Period: num(300), EvaluationPeriods: num(1),
		ComparisonOperator: str("GreaterThanOrEqualToThreshold"), Threshold: num(Target5xxThreshold), TreatMissingData: str("notBreaching"),
	}, alarmTopicARN)
	add("unhealthy-hosts", &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmDescription: str("a target failed /status health checks for 3 minutes: the ASG replaces it; check its boot log"),
		Namespace:        str("AWS/ApplicationELB"), MetricName: str("UnHealthyHostCount"), Dimensions: &alb,
		Statistic: str("Maximum"), Period: num(60), EvaluationPeriods: num(3),
		ComparisonOperator: str("GreaterThanOrEqualToThreshold"), Threshold: num(1), TreatMissingData: str("notBreaching"),
	}, alarmTopicARN)
	add("latency-p99", &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmDescription: str(fmt.Sprintf("p99 target response time above %d s for 15 minutes: instances saturated or the store slow", LatencyP99Seconds)),
		Namespace:        str("AWS/ApplicationELB"), MetricName: str("TargetResponseTime"), Dimensions: &alb,
		ExtendedStatistic: str("p99"), Period: num(300), EvaluationPeriods: num(3),
		ComparisonOperator: str("GreaterThanThreshold"), Threshold: num(LatencyP99Seconds), TreatMissingData: str("notBreaching"),
	}, alarmTopicARN)
	add("dynamodb-throttles", tableSumAlarm(p.TableName, "ThrottledRequests",
		"DynamoDB throttled the server's requests: on-demand tables throttle above twice their previous peak; retry later or pre-warm"), alarmTopicARN)
	add("dynamodb-system-errors", tableSumAlarm(p.TableName, "SystemErrors",
		"DynamoDB answered with server errors: see the AWS Health Dashboard; uploads get 503 with Retry-After meanwhile"), alarmTopicARN)
	add("asg-in-service", &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmDescription: str(fmt.Sprintf("fewer than %d instances in service for 5 minutes: check the ASG's activity history", p.ASGMin)),
		Namespace:        str("AWS/AutoScaling"), MetricName: str("GroupInServiceInstances"),
		Dimensions: &map[string]*string{"AutoScalingGroupName": str(p.ASGName)},
		Statistic:  str("Minimum"), Period: num(60), EvaluationPeriods: num(5),
		ComparisonOperator: str("LessThanThreshold"), Threshold: num(p.ASGMin),
		// No data means no metrics from the group at all: as bad as none in service.
		TreatMissingData: str("breaching"),
	}, alarmTopicARN)

	if p.DistributionID != "" {
		edgeTopicARN := alarmTopicARN
		if !p.EdgeInStackRegion {
			a.EdgeTopic = newAlarmTopic(c, "edge_alarms", p.EdgeName+"-edge-alarms", p, p.EdgeProvider)
			edgeTopicARN = *a.EdgeTopic.Arn()
		}
		add("cloudfront-5xx-rate", &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
			Provider:         p.EdgeProvider,
			AlarmDescription: str(fmt.Sprintf("more than %d%% of CloudFront's answers were 5xx for 10 minutes: the origin is unreachable or failing", CloudFront5xxRatePercent)),
			Namespace:        str("AWS/CloudFront"), MetricName: str("5xxErrorRate"),
			Dimensions: &map[string]*string{"DistributionId": str(p.DistributionID), "Region": str("Global")},
			Statistic:  str("Average"), Period: num(300), EvaluationPeriods: num(2),
			ComparisonOperator: str("GreaterThanThreshold"), Threshold: num(CloudFront5xxRatePercent), TreatMissingData: str("notBreaching"),
		}, edgeTopicARN)
	}
	return a
}

// tableSumAlarm alarms when a per-operation DynamoDB metric, summed over
// the server's operations, is above zero in a 5-minute period.
func tableSumAlarm(table, metric, desc string) *cloudwatchmetricalarm.CloudwatchMetricAlarmConfig {
	queries := []*cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery{}
	expr := ""
	for i, op := range DynamoDBOperations {
		id := fmt.Sprintf("m%d", i)
		queries = append(queries, &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery{
			Id: str(id), ReturnData: false,
			Metric: &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQueryMetric{
				Namespace: str("AWS/DynamoDB"), MetricName: str(metric), Stat: str("Sum"), Period: num(300),
				Dimensions: &map[string]*string{"TableName": str(table), "Operation": str(op)},
			},
		})
		if i > 0 {
			expr += "+"
		}
		expr += "FILL(" + id + ",0)"
	}
	queries = append(queries, &cloudwatchmetricalarm.CloudwatchMetricAlarmMetricQuery{
		Id: str("total"), Expression: str(expr), Label: str(metric + " of " + table), ReturnData: true,
	})
	return &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmDescription: str(desc), MetricQuery: &queries, EvaluationPeriods: num(1),
		ComparisonOperator: str("GreaterThanThreshold"), Threshold: num(0), TreatMissingData: str("notBreaching"),
	}
}

// newAlarmTopic creates a topic CloudWatch alarms and AWS Budgets may
// publish to, with the e-mail subscription when an address is set.
func newAlarmTopic(c constructs.Construct, id, name string, p AlarmsProps, provider cdktf.TerraformProvider) snstopic.SnsTopic {
	topic := pin(snstopic.NewSnsTopic(c, str(id), &snstopic.SnsTopicConfig{
		Provider: provider, Name: str(name), Tags: nameTag(name),
	}), id+"_topic")
	pin(snstopicpolicy.NewSnsTopicPolicy(c, str(id+"_policy"), &snstopicpolicy.SnsTopicPolicyConfig{
		Provider: provider, Arn: topic.Arn(),
		Policy: policyDocument{Statement: []policyStatement{{
			Sid: "AlarmsAndBudgetsPublish", Effect: "Allow",
			Principal: map[string]any{"Service": []string{"cloudwatch.amazonaws.com", "budgets.amazonaws.com"}},
			Action:    []string{"sns:Publish"}, Resource: []string{*topic.Arn()},
			Condition: map[string]any{"StringEquals": map[string]string{"aws:SourceAccount": p.AccountID}},
		}}}.Expression(),
	}), id+"_topic_policy")
	if p.AlertEmail != "" {
		pin(snstopicsubscription.NewSnsTopicSubscription(c, str(id+"_email"), &snstopicsubscription.SnsTopicSubscriptionConfig{
			Provider: provider, TopicArn: topic.Arn(), Protocol: str("email"), Endpoint: str(p.AlertEmail),
		}), id+"_email")
	}
	return topic
}
