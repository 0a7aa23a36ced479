package stacks

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/docmeta/docmeta/ops/cost"
	"github.com/docmeta/docmeta/topology"
)

// costTF is a synthesized stack as the cost check reads it.
type costTF struct{ doc map[string]any }

// of returns the resources of one Terraform type in logical-name order.
func (d costTF) of(typ string) []map[string]any {
	rs := resourcesOf(d.doc, typ)
	out := make([]map[string]any, 0, len(rs))
	for _, name := range sortedKeys(rs) {
		out = append(out, rs[name])
	}
	return out
}

// types lists the resource types of the stack.
func (d costTF) types() []string {
	byType, _ := d.doc["resource"].(map[string]any)
	return sortedKeys(byType)
}

func costNum(v any) int {
	switch x := v.(type) {
	case float64:
		return int(x)
	case string:
		var n int
		fmt.Sscan(x, &n)
		return n
	}
	return -1
}

func costList(v any) []any {
	l, _ := v.([]any)
	return l
}

func costMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// Resource types the cost model prices (directly or through a line item),
// and the ones AWS does not bill by themselves. A synthesized type in
// neither list fails the check, so a new billed resource cannot slip past
// the estimate.
var (
	costPricedTypes = []string{
		"aws_nat_gateway", "aws_eip", "aws_vpc_endpoint", "aws_lb", "aws_autoscaling_group",
		"aws_launch_template", "aws_dynamodb_table", "aws_s3_bucket", "aws_s3_object",
		"aws_cloudfront_distribution", "aws_cloudfront_vpc_origin", "aws_wafv2_web_acl",
		"aws_cloudwatch_metric_alarm", "aws_sns_topic", "aws_sns_topic_subscription", "aws_budgets_budget",
	}
	costFreeTypes = []string{
		"aws_vpc", "aws_subnet", "aws_internet_gateway", "aws_route_table", "aws_route", "aws_route_table_association",
		"aws_security_group", "aws_default_security_group", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule",
		"aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_instance_profile",
		"aws_lb_listener", "aws_lb_listener_rule", "aws_lb_target_group",
		// The target-tracking policy's CloudWatch alarms are listed as not
		// modelled in cost.NotModelled.
		"aws_autoscaling_policy",
		"aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy",
		"aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning",
		// Policies of the distribution and the topic: configuration, not billed.
		"aws_cloudfront_cache_policy", "aws_cloudfront_origin_request_policy", "aws_cloudfront_response_headers_policy",
		"aws_sns_topic_policy",
	}
)

// checkCostMatch compares a profile's synthesized application and exports
// stacks with the line items the cost model computes from the same config.
func checkCostMatch(t *testing.T, cfg topology.Config, app, exports costTF) {
	t.Helper()
	// Only counts are compared, and they do not depend on prices: a region
	// without a shipped table is counted with the us-east-1 one.
	fp := cfg.Footprint()
	prices, err := cost.ShippedTable(cfg.Region)
	if errors.Is(err, cost.ErrNoPriceTable) {
		prices, err = cost.ShippedTable("us-east-1")
		fp.Region = prices.Region
	}
	if err != nil {
		t.Fatalf("%v", err)
	}
	est, err := cost.EstimateFootprint(fp, cfg.StackName(), prices, cost.DefaultWorkload())
	if err != nil {
		t.Fatalf("estimate %s: %v", cfg.Profile, err)
	}
	count := func(key string) int {
		it, ok := est.Item(key)
		if !ok {
			t.Fatalf("%s: estimate has no %s line", cfg.Profile, key)
		}
		return it.Count
	}
	expect := func(key string, synthesized int, what string) {
		t.Helper()
		if got := count(key); got != synthesized {
			t.Errorf("%s: line %s counts %d, the synthesized stack has %d (%s)", cfg.Profile, key, got, synthesized, what)
		}
	}

	for _, doc := range []struct {
		name string
		tf   costTF
	}{{cfg.StackName(), app}, {cfg.ExportStackName(), exports}} {
		for _, typ := range doc.tf.types() {
			if !slices.Contains(costPricedTypes, typ) && !slices.Contains(costFreeTypes, typ) {
				t.Errorf("%s synthesizes %s, which the cost model neither prices nor lists as free: add it to the model (ops/cost) and to this check", doc.name, typ)
			}
		}
	}

	expect(cost.ItemNATGateways, len(app.of("aws_nat_gateway")), "aws_nat_gateway")
	expect(cost.ItemNATData, len(app.of("aws_nat_gateway")), "aws_nat_gateway")

	publicIPs := len(app.of("aws_eip"))
	albs := 0
	for _, lb := range app.of("aws_lb") {
		if lb["load_balancer_type"] == "application" {
			albs++
		}
		if lb["internal"] != true {
			publicIPs += len(costList(lb["subnets"])) // one public IPv4 per AZ
		}
	}
	expect(cost.ItemPublicIPv4, publicIPs, "aws_eip + internet-facing aws_lb subnets")
	dists := app.of("aws_cloudfront_distribution")
	for _, key := range []string{cost.ItemCloudFrontRequests, cost.ItemCloudFrontOut, cost.ItemCloudFrontOrigin} {
		expect(key, len(dists), "aws_cloudfront_distribution")
	}
	expect(cost.ItemVPCOrigin, len(app.of("aws_cloudfront_vpc_origin")), "aws_cloudfront_vpc_origin")
	acls := app.of("aws_wafv2_web_acl")
	expect(cost.ItemWAFWebACL, len(acls), "aws_wafv2_web_acl")
	expect(cost.ItemWAFRequests, len(acls), "aws_wafv2_web_acl")
	rules := 0
	for _, acl := range acls {
		rules += len(wafRules(t, acl))
	}
	if got := cfg.Footprint().WAFRules; got != rules {
		t.Errorf("%s: the model prices %d WAF rules, the web ACLs have %d", cfg.Profile, got, rules)
	}
	expect(cost.ItemAlarms, len(app.of("aws_cloudwatch_metric_alarm")), "aws_cloudwatch_metric_alarm")
	expect(cost.ItemAlarmTopic, len(app.of("aws_sns_topic")), "aws_sns_topic")
	expect(cost.ItemBudget, len(app.of("aws_budgets_budget")), "aws_budgets_budget")
	if got := cfg.Footprint().EmailSubscriptions; got != len(app.of("aws_sns_topic_subscription"))/max(1, len(app.of("aws_sns_topic"))) {
		t.Errorf("%s: footprint counts %d e-mail subscriptions, the stack has %d over %d topics", cfg.Profile, got, len(app.of("aws_sns_topic_subscription")), len(app.of("aws_sns_topic")))
	}
	expect(cost.ItemLoadBalancer, albs, "aws_lb of type application")
	expect(cost.ItemLoadBalancerLCU, albs, "aws_lb of type application")

	var interfaces, interfaceAZs, gateways int
	for _, ep := range app.of("aws_vpc_endpoint") {
		switch ep["vpc_endpoint_type"] {
		case "Interface":
			interfaces++
			interfaceAZs += len(costList(ep["subnet_ids"]))
		case "Gateway":
			gateways++
		default:
			t.Errorf("%s: aws_vpc_endpoint of type %v", cfg.Profile, ep["vpc_endpoint_type"])
		}
	}
	expect(cost.ItemInterfaceEndpoints, interfaceAZs, "Interface aws_vpc_endpoint subnet_ids")
	expect(cost.ItemEndpointData, interfaces, "Interface aws_vpc_endpoint")
	expect(cost.ItemGatewayEndpoints, gateways, "Gateway aws_vpc_endpoint")

	// Instances: the ASG's desired capacity of the launch template's type,
	// each with the template's gp3 root volume.
	lts := app.of("aws_launch_template")
	asgs := app.of("aws_autoscaling_group")
	if len(lts) != 1 || len(asgs) != 1 {
		t.Fatalf("%s: %d launch templates and %d ASGs; the check expects one of each", cfg.Profile, len(lts), len(asgs))
	}
	desired := costNum(asgs[0]["desired_capacity"])
	expect(cost.ItemInstances, desired, "aws_autoscaling_group.desired_capacity")
	instanceType, _ := lts[0]["instance_type"].(string)
	if it, _ := est.Item(cost.ItemInstances); !slices.Contains(it.PriceKeys, cost.InstanceHourKey(instanceType)) {
		t.Errorf("%s: instances priced as %v, the launch template runs %s", cfg.Profile, it.PriceKeys, instanceType)
	}
	rootGiB := 0
	for _, bdm := range costList(lts[0]["block_device_mappings"]) {
		ebs := costMap(costMap(bdm)["ebs"])
		if ebs["volume_type"] != "gp3" {
			t.Errorf("%s: root volume type %v, the model prices gp3", cfg.Profile, ebs["volume_type"])
		}
		rootGiB += costNum(ebs["volume_size"])
	}
	expect(cost.ItemRootVolumes, desired*rootGiB, "desired_capacity × launch template volume_size")

	tables := app.of("aws_dynamodb_table")
	expect(cost.ItemTableWrites, len(tables), "aws_dynamodb_table")
	pitr := 0
	for _, tb := range tables {
		if tb["billing_mode"] != "PAY_PER_REQUEST" {
			t.Errorf("%s: table billing_mode %v, the model prices on-demand (PAY_PER_REQUEST)", cfg.Profile, tb["billing_mode"])
		}
		if costMap(tb["point_in_time_recovery"])["enabled"] == true {
			pitr++
		}
	}
	expect(cost.ItemTablePITR, pitr, "aws_dynamodb_table with point_in_time_recovery.enabled")

	expect(cost.ItemArtifactBucket, len(app.of("aws_s3_bucket")), "aws_s3_bucket in the application stack")
	exportBuckets := exports.of("aws_s3_bucket")
	expect(cost.ItemExportBucket, len(exportBuckets), "aws_s3_bucket in the exports stack")
	expect(cost.ItemTableExport, len(exportBuckets), "aws_s3_bucket in the exports stack")
	for _, b := range exportBuckets {
		if costMap(b["lifecycle"])["prevent_destroy"] != true {
			t.Errorf("%s: export bucket lacks prevent_destroy; the teardown relies on it outliving destroy", cfg.Profile)
		}
	}
}

// TestCostModelMatchesSynthesizedResources: for every profile, and for the
// variant with per-AZ NAT, three AZs and a larger fleet, the line items of
// the cost model count exactly what the synthesized stacks deploy.
func TestCostModelMatchesSynthesizedResources(t *testing.T) {
	for _, p := range topology.Profiles() {
		t.Run(string(p), func(t *testing.T) {
			cfg := testConfig(t, p)
			checkCostMatch(t, cfg, costTF{synthesized(t, cfg.StackName())}, costTF{synthesized(t, cfg.ExportStackName())})
		})
	}
	t.Run("variant", func(t *testing.T) {
		app := synthesizedVariant(t, fixture.variant.StackName())
		cfg := fixture.variant
		if cfg.NATGateways() < 2 {
			t.Fatalf("the variant should exercise per-AZ NAT; it has %d gateways", cfg.NATGateways())
		}
		checkCostMatch(t, cfg, costTF{app}, costTF{synthesizedVariant(t, cfg.ExportStackName())})
		d := fixture.domain
		checkCostMatch(t, d, costTF{synthesizedVariant(t, d.StackName())}, costTF{synthesizedVariant(t, d.ExportStackName())})
	})
}
