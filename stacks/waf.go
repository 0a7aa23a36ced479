package stacks

import (
	"encoding/json"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webacl"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// CommonRuleSet is AWS's baseline managed rule group.
const CommonRuleSet = "AWSManagedRulesCommonRuleSet"

// WAFBodyInspectionLimit is how much of a request body the web ACL reads:
// CloudFront's default, which costs nothing extra.
const WAFBodyInspectionLimit = "KB_16"

// BodyRulesCounted are the common rule set's rules that read the request
// body. An upload body is an opaque document the service only hashes and
// never interprets: SizeRestrictions_BODY blocks every body over 8 KB (so
// every real upload), and the pattern rules would block a stored HTML or
// script document. They count (visible in the ACL's metrics) instead of
// blocking; the header, URI and query-string rules keep blocking.
var BodyRulesCounted = []string{
	"SizeRestrictions_BODY", "CrossSiteScripting_BODY", "GenericLFI_BODY", "GenericRFI_BODY", "EC2MetaDataSSRF_BODY",
}

// WebACLProps are the inputs of the web ACL.
type WebACLProps struct {
	Name string
	// RateLimit is the rate-based rule's limit per client IP per 5 minutes.
	RateLimit int
	// Provider is the us-east-1 provider: CloudFront web ACLs live there.
	Provider cdktf.TerraformProvider
}

// NewWebACL creates the CLOUDFRONT-scope web ACL: allow by default, block
// a client IP over the rate limit, and AWS's common rule set with the body
// rules counted.
func NewWebACL(scope constructs.Construct, id string, p WebACLProps) wafv2webacl.Wafv2WebAcl {
	c := constructs.NewConstruct(scope, str(id))
	visibility := func(metric string) map[string]any {
		return map[string]any{"CloudWatchMetricsEnabled": true, "MetricName": metric, "SampledRequestsEnabled": true}
	}
	overrides := make([]map[string]any, len(BodyRulesCounted))
	for i, name := range BodyRulesCounted {
		overrides[i] = map[string]any{"Name": name, "ActionToUse": map[string]any{"Count": map[string]any{}}}
	}
	rules := []map[string]any{
		{
			"Name": "rate-per-ip", "Priority": 0,
			"Statement":        map[string]any{"RateBasedStatement": map[string]any{"Limit": p.RateLimit, "AggregateKeyType": "IP", "EvaluationWindowSec": 300}},
			"Action":           map[string]any{"Block": map[string]any{}},
			"VisibilityConfig": visibility(p.Name + "-rate-per-ip"),
		},
		{
			"Name": "aws-common", "Priority": 1,
			"Statement": map[string]any{"ManagedRuleGroupStatement": map[string]any{
				"VendorName": "AWS", "Name": CommonRuleSet, "RuleActionOverrides": overrides,
			}},
			"OverrideAction":   map[string]any{"None": map[string]any{}},
			"VisibilityConfig": visibility(p.Name + "-aws-common"),
		},
	}
	// A jsonencode() expression, not a JSON string literal: cdktf's HCL
	// output (which the policy scan reads) does not escape a literal's
	// quotes (see policyDocument.Expression).
	rulesJSON, err := json.Marshal(rules)
	if err != nil {
		panic("stacks: marshal WAF rules: " + err.Error())
	}
	var rulesValue []any
	if err := json.Unmarshal(rulesJSON, &rulesValue); err != nil {
		panic("stacks: WAF rules round trip: " + err.Error())
	}
	return pin(wafv2webacl.NewWafv2WebAcl(c, str("acl"), &wafv2webacl.Wafv2WebAclConfig{
		Provider: p.Provider,
		Name:     str(p.Name), Scope: str("CLOUDFRONT"),
		Description:   str("docmeta: rate limit per client IP and AWS's common rule set (body rules counted: uploads are opaque documents)"),
		DefaultAction: &wafv2webacl.Wafv2WebAclDefaultAction{Allow: &wafv2webacl.Wafv2WebAclDefaultActionAllow{}},
		RuleJson:      cdktf.Fn_Jsonencode(rulesValue),
		AssociationConfig: &wafv2webacl.Wafv2WebAclAssociationConfig{
			RequestBody: &[]*wafv2webacl.Wafv2WebAclAssociationConfigRequestBody{{
				Cloudfront: &wafv2webacl.Wafv2WebAclAssociationConfigRequestBodyCloudfront{DefaultSizeInspectionLimit: str(WAFBodyInspectionLimit)},
			}},
		},
		VisibilityConfig: &wafv2webacl.Wafv2WebAclVisibilityConfig{
			CloudwatchMetricsEnabled: true, MetricName: str(p.Name), SampledRequestsEnabled: true,
		},
		Tags: nameTag(p.Name),
	}), "web_acl")
}
