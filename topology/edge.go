package topology

import (
	"net/mail"
	"regexp"
	"strings"
)

// Edge selects what clients connect to.
type Edge string

// Edges: cloudfront puts a CloudFront distribution (HTTPS on its own
// *.cloudfront.net name, no domain needed) in front of an internal load
// balancer reached through a VPC origin; alb is an internet-facing load
// balancer in public subnets, HTTPS only with a certificate.
const (
	EdgeCloudFront Edge = "cloudfront"
	EdgeALB        Edge = "alb"
)

// CloudFrontRegion is where CloudFront's certificates, web ACLs and metrics
// live, whatever region the stack is in.
const CloudFrontRegion = "us-east-1"

// DefaultBudgetMarginPercent is how far above the cost model's projection
// the monthly budget sits when no amount is set.
const DefaultBudgetMarginPercent = 25

var domainRe = regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// PublicSubnets reports whether the VPC needs public subnets: for an
// internet-facing load balancer, or for NAT gateways. A CloudFront VPC
// origin needs only an internet gateway attached to the VPC.
func (c Config) PublicSubnets() bool {
	return c.Edge == EdgeALB || c.NATGateways() > 0
}

// InternetFacingLB reports whether the load balancer is public.
func (c Config) InternetFacingLB() bool { return c.Edge == EdgeALB }

// HTTPS reports whether clients reach the service over HTTPS only: always
// through CloudFront, with a certificate on a public load balancer.
func (c Config) HTTPS() bool { return c.Edge == EdgeCloudFront || c.CertificateARN != "" }

// CustomDomain reports whether the distribution serves the configured
// domain names with the configured certificate.
func (c Config) CustomDomain() bool {
	return c.Edge == EdgeCloudFront && c.CertificateARN != ""
}

// Alarms is the number of CloudWatch alarms the stack creates: ALB target
// 5xx, unhealthy hosts, target response time p99, DynamoDB throttled
// requests and system errors, ASG in service below minimum, and the
// distribution's 5xx error rate with the cloudfront edge.
func (c Config) Alarms() int {
	if c.Edge == EdgeCloudFront {
		return 7
	}
	return 6
}

// WAFRules is the number of rules of the web ACL (a rate-based rule and
// AWS's common managed rule group), 0 without one.
func (c Config) WAFRules() int {
	if !c.WAF {
		return 0
	}
	return 2
}

// The range AWS WAF accepts for a rate-based rule's limit. The floor is 10
// since August 2024 (it was 100): "The lowest limit setting allowed is 10",
// https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html
// The stack sends the rules as rule_json, which the provider passes to the
// API unchecked, so the API's range is the one that applies.
const (
	MinWAFRateLimit = 10
	MaxWAFRateLimit = 2_000_000_000
)

func (c Config) validateEdge(bad func(key, format string, args ...any)) {
	switch c.Edge {
	case EdgeCloudFront, EdgeALB:
	default:
		bad(KeyEdge, "%q is not one of cloudfront, alb", c.Edge)
		return
	}
	if c.WAF && c.Edge != EdgeCloudFront {
		bad(KeyWAF, "the web ACL is attached to the CloudFront distribution; set %s=cloudfront or %s=false", c.envName(KeyEdge), c.envName(KeyWAF))
	}
	if c.WAFRateLimit < MinWAFRateLimit || c.WAFRateLimit > MaxWAFRateLimit {
		bad(KeyWAFRateLimit, "%d is outside %d..%d requests per 5 minutes per IP (AWS WAF's range)", c.WAFRateLimit, MinWAFRateLimit, MaxWAFRateLimit)
	}
	if len(c.DomainNames) > 0 && c.Edge != EdgeCloudFront {
		bad(KeyDomainNames, "domain names are aliases of the CloudFront distribution; with the alb edge point DNS at the load balancer instead")
	}
	for _, d := range c.DomainNames {
		if !domainRe.MatchString(d) {
			bad(KeyDomainNames, "%q is not a lower-case DNS name like api.example.com", d)
		}
	}
	if c.Edge == EdgeCloudFront && c.CertificateARN != "" {
		if m := certARNRe.FindStringSubmatch(c.CertificateARN); m != nil && m[1] != CloudFrontRegion {
			bad(KeyCertificateARN, "certificate is in %s; CloudFront only uses ACM certificates in %s (request or import it there)", m[1], CloudFrontRegion)
		}
		if len(c.DomainNames) == 0 {
			bad(KeyDomainNames, "a certificate for the distribution needs the domain names it covers (comma-separated), or unset %s to use the *.cloudfront.net name", c.envName(KeyCertificateARN))
		}
	}
	if c.Edge == EdgeCloudFront && c.CertificateARN == "" && len(c.DomainNames) > 0 {
		bad(KeyCertificateARN, "domain names %s need an ACM certificate in %s covering them", strings.Join(c.DomainNames, ","), CloudFrontRegion)
	}
	if c.AlertEmail != "" {
		if a, err := mail.ParseAddress(c.AlertEmail); err != nil || a.Address != c.AlertEmail {
			bad(KeyAlertEmail, "%q is not a plain e-mail address like ops@example.com", c.AlertEmail)
		}
	}
	if c.BudgetMonthlyUSD < 0 {
		bad(KeyBudgetMonthlyUSD, "%d must not be negative (0 means the cost model's projection plus %d%%)", c.BudgetMonthlyUSD, c.BudgetMarginPercent)
	}
	if c.BudgetMarginPercent < 0 || c.BudgetMarginPercent > 1000 {
		bad(KeyBudgetMarginPercent, "%d is outside 0..1000", c.BudgetMarginPercent)
	}
}

// EdgeSetting is the edge a profile would get from lookup, without loading
// or validating the rest of the configuration: AddProfiles uses it to decide
// whether a prod without a certificate can be synthesized at all.
func EdgeSetting(p Profile, lookup func(string) string) Edge {
	c, err := Defaults(p)
	if err != nil {
		return ""
	}
	if v, _ := settingOf(p, lookup, KeyEdge); v != "" {
		return Edge(v)
	}
	return c.Edge
}
