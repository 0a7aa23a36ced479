package stacks

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/ops/cost"
	"github.com/docmeta/docmeta/topology"
)

// wafRules parses a web ACL's rule_json (a jsonencode expression).
func wafRules(t *testing.T, acl map[string]any) []map[string]any {
	t.Helper()
	var rules []map[string]any
	if err := json.Unmarshal([]byte(jsonencodeArgument(t, acl["rule_json"])), &rules); err != nil {
		t.Fatalf("rule_json: %v", err)
	}
	return rules
}

// synthesizedCase is one synthesized configuration and its app stack.
type synthesizedCase struct {
	cfg topology.Config
	doc map[string]any
}

// edgeConfigs are every synthesized configuration: the profiles and both
// variants.
func edgeConfigs(t *testing.T) map[string]synthesizedCase {
	t.Helper()
	out := map[string]synthesizedCase{}
	for _, p := range topology.Profiles() {
		cfg := testConfig(t, p)
		out[string(p)] = synthesizedCase{cfg, synthesized(t, cfg.StackName())}
	}
	out["alb variant"] = synthesizedCase{fixture.variant, synthesizedVariant(t, fixture.variant.StackName())}
	out["custom domain"] = synthesizedCase{fixture.domain, synthesizedVariant(t, fixture.domain.StackName())}
	return out
}

func TestCloudFrontDistribution(t *testing.T) {
	ensureFixture(t)
	for name, c := range edgeConfigs(t) {
		t.Run(name, func(t *testing.T) {
			cfg, doc := c.cfg, c.doc
			dists := resourcesOf(doc, "aws_cloudfront_distribution")
			if cfg.Edge == topology.EdgeALB {
				if len(dists) != 0 || len(resourcesOf(doc, "aws_cloudfront_vpc_origin")) != 0 {
					t.Fatalf("alb edge synthesizes CloudFront: %v", sortedKeys(dists))
				}
				return
			}
			vo := resource(t, doc, "aws_cloudfront_vpc_origin", "vpc_origin")
			ep := at(vo, "vpc_origin_endpoint_config")
			if at(ep, "arn") != ref("aws_lb", "alb", "arn") || at(ep, "http_port") != 80.0 || at(ep, "origin_protocol_policy") != "http-only" {
				t.Errorf("vpc origin = %v, want the internal ALB on port 80", ep)
			}
			if !slices.Contains(stringsOf(vo["depends_on"]), "aws_internet_gateway.igw") {
				t.Errorf("vpc origin depends_on %v, want the internet gateway (VPC origins require one)", vo["depends_on"])
			}

			d := resource(t, doc, "aws_cloudfront_distribution", "distribution")
			if d["enabled"] != true || d["http_version"] != "http2and3" || d["price_class"] != "PriceClass_100" || d["is_ipv6_enabled"] != true {
				t.Errorf("distribution = enabled %v http %v price %v ipv6 %v", d["enabled"], d["http_version"], d["price_class"], d["is_ipv6_enabled"])
			}
			o := at(d, "origin")
			if at(o, "domain_name") != ref("aws_lb", "alb", "dns_name") || at(o, "vpc_origin_config", "vpc_origin_id") != ref("aws_cloudfront_vpc_origin", "vpc_origin", "id") ||
				at(o, "vpc_origin_config", "origin_read_timeout") != 120.0 || at(o, "vpc_origin_config", "origin_keepalive_timeout") != 50.0 ||
				at(o, "custom_origin_config") != nil {
				t.Errorf("origin = %v, want the VPC origin with 120 s read and 50 s keep-alive timeouts", o)
			}
			b := at(d, "default_cache_behavior")
			if at(b, "viewer_protocol_policy") != "https-only" || !equalSets(stringsOf(at(b, "allowed_methods")), []string{"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"}) ||
				at(b, "target_origin_id") != at(o, "origin_id") || at(b, "compress") != false ||
				at(b, "cache_policy_id") != ref("aws_cloudfront_cache_policy", "api_cache", "id") ||
				at(b, "origin_request_policy_id") != ref("aws_cloudfront_origin_request_policy", "api_origin_request", "id") ||
				at(b, "response_headers_policy_id") != ref("aws_cloudfront_response_headers_policy", "security_headers", "id") {
				t.Errorf("default cache behavior = %v", b)
			}

			cache := resource(t, doc, "aws_cloudfront_cache_policy", "api_cache")
			key := at(cache, "parameters_in_cache_key_and_forwarded_to_origin")
			if cache["default_ttl"] != 0.0 || cache["min_ttl"] != 0.0 || cache["max_ttl"] != 1.0 ||
				!equalSets(stringsOf(at(key, "headers_config", "headers", "items")), []string{"Authorization"}) ||
				at(key, "headers_config", "header_behavior") != "whitelist" || at(key, "query_strings_config", "query_string_behavior") != "all" ||
				at(key, "cookies_config", "cookie_behavior") != "none" {
				t.Errorf("cache policy = %v, want nothing cached by default and Authorization + query string forwarded", cache)
			}
			orp := resource(t, doc, "aws_cloudfront_origin_request_policy", "api_origin_request")
			headers := stringsOf(at(orp, "headers_config", "headers", "items"))
			if !equalSets(headers, []string{"Content-Type", "Idempotency-Key"}) || at(orp, "headers_config", "header_behavior") != "whitelist" ||
				at(orp, "query_strings_config", "query_string_behavior") != "all" || at(orp, "cookies_config", "cookie_behavior") != "none" {
				t.Errorf("origin request policy = %v", orp)
			}
			for _, h := range headers {
				if strings.EqualFold(h, "Host") || strings.EqualFold(h, "Authorization") {
					t.Errorf("origin request policy forwards %s (Host must not reach the ALB; AWS refuses Authorization there)", h)
				}
			}
			rh := resource(t, doc, "aws_cloudfront_response_headers_policy", "security_headers")
			hsts := at(rh, "security_headers_config", "strict_transport_security")
			if at(hsts, "access_control_max_age_sec") != 63072000.0 || at(hsts, "override") != true ||
				at(rh, "security_headers_config", "content_type_options", "override") != true {
				t.Errorf("response headers policy = %v, want HSTS for two years", rh)
			}

			vc := at(d, "viewer_certificate")
			if cfg.CustomDomain() {
				if at(vc, "acm_certificate_arn") != cfg.CertificateARN || at(vc, "minimum_protocol_version") != "TLSv1.2_2021" ||
					at(vc, "ssl_support_method") != "sni-only" || at(vc, "cloudfront_default_certificate") != nil {
					t.Errorf("viewer certificate = %v, want the ACM certificate with TLSv1.2_2021", vc)
				}
				if !equalSets(stringsOf(d["aliases"]), cfg.DomainNames) {
					t.Errorf("aliases %v, want %v", d["aliases"], cfg.DomainNames)
				}
				if got := at(doc, "output", "service_url", "value"); got != "https://api.example.com" {
					t.Errorf("service_url = %v, want the first non-wildcard alias", got)
				}
			} else if at(vc, "cloudfront_default_certificate") != true || d["aliases"] != nil {
				t.Errorf("viewer certificate = %v aliases %v, want the default certificate and no aliases", vc, d["aliases"])
			}
			acl := d["web_acl_id"]
			if cfg.WAF != (acl == ref("aws_wafv2_web_acl", "web_acl", "arn")) || !cfg.WAF && acl != nil {
				t.Errorf("web_acl_id = %v with WAF %v", acl, cfg.WAF)
			}
		})
	}
}

func TestWebACL(t *testing.T) {
	ensureFixture(t)
	for name, c := range edgeConfigs(t) {
		t.Run(name, func(t *testing.T) {
			cfg, doc := c.cfg, c.doc
			acls := resourcesOf(doc, "aws_wafv2_web_acl")
			if !cfg.WAF {
				if len(acls) != 0 {
					t.Fatalf("WAF off but web ACLs %v", sortedKeys(acls))
				}
				return
			}
			acl := resource(t, doc, "aws_wafv2_web_acl", "web_acl")
			if acl["scope"] != "CLOUDFRONT" || acl["provider"] != "aws.us_east_1" || at(acl, "default_action", "allow") == nil ||
				at(acl, "association_config", "request_body", "cloudfront", "default_size_inspection_limit") != "KB_16" {
				t.Errorf("web ACL = scope %v provider %v default %v association %v", acl["scope"], acl["provider"], acl["default_action"], acl["association_config"])
			}
			rules := wafRules(t, acl)
			if len(rules) != 2 {
				t.Fatalf("rules %v, want the rate rule and the common rule set", rules)
			}
			rate := at(rules[0], "Statement", "RateBasedStatement")
			if at(rate, "Limit") != float64(cfg.WAFRateLimit) || at(rate, "AggregateKeyType") != "IP" || at(rules[0], "Action", "Block") == nil {
				t.Errorf("rate rule = %v, want block over %d per IP", rules[0], cfg.WAFRateLimit)
			}
			mg := at(rules[1], "Statement", "ManagedRuleGroupStatement")
			if at(mg, "VendorName") != "AWS" || at(mg, "Name") != "AWSManagedRulesCommonRuleSet" || at(rules[1], "OverrideAction", "None") == nil {
				t.Errorf("managed rule = %v", rules[1])
			}
			var counted []string
			for _, o := range mg.(map[string]any)["RuleActionOverrides"].([]any) {
				if at(o, "ActionToUse", "Count") == nil {
					t.Errorf("override %v does not count", o)
				}
				counted = append(counted, fmt.Sprint(at(o, "Name")))
			}
			if !slices.Contains(counted, "SizeRestrictions_BODY") || !equalSets(counted, BodyRulesCounted) {
				t.Errorf("counted rules %v, want the body rules (uploads over 8 KB must pass)", counted)
			}
		})
	}
}

func TestAlarmsTopicsAndBudget(t *testing.T) {
	ensureFixture(t)
	for name, c := range edgeConfigs(t) {
		t.Run(name, func(t *testing.T) {
			cfg, doc := c.cfg, c.doc
			topic := ref("aws_sns_topic", "alarms_topic", "arn")
			edgeTopic := topic
			topics := resourcesOf(doc, "aws_sns_topic")
			wantTopics := []string{"alarms_topic"}
			if cfg.Edge == topology.EdgeCloudFront && cfg.Region != "us-east-1" {
				wantTopics = append(wantTopics, "edge_alarms_topic")
				edgeTopic = ref("aws_sns_topic", "edge_alarms_topic", "arn")
				if topics["edge_alarms_topic"]["provider"] != "aws.us_east_1" {
					t.Errorf("edge topic = %v, want it in us-east-1 with the CloudFront alarm", topics["edge_alarms_topic"])
				}
			}
			if !equalSets(sortedKeys(topics), wantTopics) {
				t.Fatalf("topics %v, want %v", sortedKeys(topics), wantTopics)
			}
			for _, name := range wantTopics {
				pol := parsePolicy(t, resource(t, doc, "aws_sns_topic_policy", strings.TrimSuffix(name, "_topic")+"_topic_policy")["policy"])
				st := statement(t, pol, "AlarmsAndBudgetsPublish")
				if !equalSets(st.Action, []string{"sns:Publish"}) || !strings.Contains(fmt.Sprint(st.Principal), "budgets.amazonaws.com") ||
					!strings.Contains(fmt.Sprint(st.Principal), "cloudwatch.amazonaws.com") || st.Condition["StringEquals"]["aws:SourceAccount"] == nil {
					t.Errorf("%s policy = %+v", name, st)
				}
			}
			subs := resourcesOf(doc, "aws_sns_topic_subscription")
			if cfg.AlertEmail == "" && len(subs) != 0 || cfg.AlertEmail != "" && len(subs) != len(wantTopics) {
				t.Errorf("subscriptions %v for alert e-mail %q, want one per topic when set", sortedKeys(subs), cfg.AlertEmail)
			}
			for _, s := range subs {
				if s["protocol"] != "email" || s["endpoint"] != cfg.AlertEmail {
					t.Errorf("subscription = %v", s)
				}
			}

			alarms := resourcesOf(doc, "aws_cloudwatch_metric_alarm")
			want := map[string]struct{ namespace, metric string }{
				"alarm_target_5xx":             {"AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"},
				"alarm_unhealthy_hosts":        {"AWS/ApplicationELB", "UnHealthyHostCount"},
				"alarm_latency_p99":            {"AWS/ApplicationELB", "TargetResponseTime"},
				"alarm_dynamodb_throttles":     {"AWS/DynamoDB", "ThrottledRequests"},
				"alarm_dynamodb_system_errors": {"AWS/DynamoDB", "SystemErrors"},
				"alarm_asg_in_service":         {"AWS/AutoScaling", "GroupInServiceInstances"},
			}
			if cfg.Edge == topology.EdgeCloudFront {
				want["alarm_cloudfront_5xx_rate"] = struct{ namespace, metric string }{"AWS/CloudFront", "5xxErrorRate"}
			}
			if !equalSets(sortedKeys(alarms), sortedKeys(want)) || len(alarms) != cfg.Alarms() {
				t.Fatalf("alarms %v, want %v", sortedKeys(alarms), sortedKeys(want))
			}
			for id, w := range want {
				a := alarms[id]
				ns, metric := a["namespace"], a["metric_name"]
				if mq, ok := a["metric_query"].([]any); ok {
					// Summed over the server's DynamoDB operations.
					var ops []string
					for _, q := range mq {
						if m := at(q, "metric"); m != nil {
							ns, metric = at(m, "namespace"), at(m, "metric_name")
							ops = append(ops, fmt.Sprint(at(m, "dimensions", "Operation")))
							if at(m, "dimensions", "TableName") != ref("aws_dynamodb_table", "table", "name") {
								t.Errorf("%s: query %v not on the table", id, m)
							}
						}
					}
					if !equalSets(ops, DynamoDBOperations) {
						t.Errorf("%s sums %v, want %v", id, ops, DynamoDBOperations)
					}
				}
				if ns != w.namespace || metric != w.metric {
					t.Errorf("%s = %v/%v, want %s/%s", id, ns, metric, w.namespace, w.metric)
				}
				// docmeta-ops smoke lists the deployment's alarms by this prefix
				// (the alarm_name_prefix output).
				if name, _ := a["alarm_name"].(string); !strings.HasPrefix(name, cfg.AlarmNamePrefix()) {
					t.Errorf("%s is named %q, outside the alarm_name_prefix output %q", id, name, cfg.AlarmNamePrefix())
				}
				notify := topic
				if id == "alarm_cloudfront_5xx_rate" {
					notify = edgeTopic
					if a["provider"] != "aws.us_east_1" || at(a, "dimensions", "Region") != "Global" ||
						at(a, "dimensions", "DistributionId") != ref("aws_cloudfront_distribution", "distribution", "id") {
						t.Errorf("CloudFront alarm = %v, want it in us-east-1 on the distribution", a)
					}
				}
				if !equalSets(stringsOf(a["alarm_actions"]), []string{notify}) || !equalSets(stringsOf(a["ok_actions"]), []string{notify}) {
					t.Errorf("%s notifies %v, want %s", id, a["alarm_actions"], notify)
				}
			}
			if a := alarms["alarm_latency_p99"]; a["extended_statistic"] != "p99" || a["threshold"] != float64(LatencyP99Seconds) {
				t.Errorf("latency alarm = %v", a)
			}
			if a := alarms["alarm_asg_in_service"]; a["threshold"] != float64(cfg.ASG.Min) || a["comparison_operator"] != "LessThanThreshold" ||
				at(a, "dimensions", "AutoScalingGroupName") != ref("aws_autoscaling_group", "app_asg", "name") {
				t.Errorf("in-service alarm = %v, want below min %d", a, cfg.ASG.Min)
			}
			asg := resource(t, doc, "aws_autoscaling_group", "app_asg")
			if !slices.Contains(stringsOf(asg["enabled_metrics"]), "GroupInServiceInstances") {
				t.Errorf("ASG metrics %v: the in-service alarm needs GroupInServiceInstances", asg["enabled_metrics"])
			}
			if a := alarms["alarm_unhealthy_hosts"]; at(a, "dimensions", "TargetGroup") != ref("aws_lb_target_group", "app_tg", "arn_suffix") ||
				at(a, "dimensions", "LoadBalancer") != ref("aws_lb", "alb", "arn_suffix") {
				t.Errorf("unhealthy alarm dimensions %v", a["dimensions"])
			}

			b := resource(t, doc, "aws_budgets_budget", "budget")
			amount := cfg.BudgetMonthlyUSD
			if amount == 0 {
				prices, _ := cost.ShippedTable(cfg.Region)
				est, err := cost.EstimateFootprint(cfg.Footprint(), cfg.StackName(), prices, cost.DefaultWorkload())
				if err != nil {
					t.Fatal(err)
				}
				amount = int(math.Ceil(est.WorkloadTotalUSD * 1.25))
				if est.WorkloadTotalUSD*1.25 > float64(amount) || float64(amount) > est.WorkloadTotalUSD*1.25+1 {
					t.Errorf("budget %d is not the projection $%.2f plus 25%%", amount, est.WorkloadTotalUSD)
				}
			}
			if b["limit_amount"] != fmt.Sprintf("%d.0", amount) || b["limit_unit"] != "USD" || b["time_unit"] != "MONTHLY" || b["budget_type"] != "COST" ||
				at(b, "cost_filter", "name") != "TagKeyValue" || !equalSets(stringsOf(at(b, "cost_filter", "values")), []string{"user:Stack$" + cfg.StackName()}) {
				t.Errorf("budget = %v, want $%d a month on the stack's tag", b, amount)
			}
			var notes []string
			for _, n := range b["notification"].([]any) {
				notes = append(notes, fmt.Sprintf("%v %v %v", at(n, "notification_type"), at(n, "threshold"), at(n, "threshold_type")))
				if !equalSets(stringsOf(at(n, "subscriber_sns_topic_arns")), []string{topic}) {
					t.Errorf("budget notifies %v, want the alarm topic", at(n, "subscriber_sns_topic_arns"))
				}
			}
			if !equalSets(notes, []string{"FORECASTED 80 PERCENTAGE", "ACTUAL 100 PERCENTAGE"}) {
				t.Errorf("budget notifications %v", notes)
			}
		})
	}
}
