package stacks

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontcachepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontdistribution"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontoriginrequestpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontresponseheaderspolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudfrontvpcorigin"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// CloudFront settings of the distribution; docs/DEPLOY.md explains each
// against CloudFront's published quotas.
const (
	// OriginReadTimeoutSeconds is how long CloudFront waits for the origin's
	// response: the top of the 1-120 s range CloudFront allows without a
	// quota increase, so a large upload has the most time the service can
	// give it.
	OriginReadTimeoutSeconds = 120
	// OriginKeepaliveSeconds stays below the ALB's 60 s idle timeout, so
	// CloudFront never reuses a connection the load balancer is closing.
	OriginKeepaliveSeconds = 50
	// ViewerProtocolPolicy refuses plain HTTP (403) instead of redirecting:
	// a redirect would let a misconfigured client keep sending its API key
	// in clear text on every first request, and a 301 turns a POST into a
	// GET; a refusal makes the client fail at once.
	ViewerProtocolPolicy = "https-only"
	// CustomDomainTLSPolicy is the viewer TLS policy with a custom domain.
	// Without one, CloudFront's *.cloudfront.net certificate forces TLSv1
	// as the minimum and the setting cannot be changed.
	CustomDomainTLSPolicy = "TLSv1.2_2021"
	// HSTSMaxAgeSeconds is two years, the value HSTS preload lists ask for.
	HSTSMaxAgeSeconds = 63072000
)

// AllMethods is what CloudFront must allow for the API (POST /upload):
// CloudFront offers only this set beyond GET/HEAD(/OPTIONS).
var AllMethods = []string{"GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"}

// ForwardedHeaders are the request headers the origin request policy
// passes on besides the cache key's Authorization. The Host header is not
// among them: the ALB answers for its own name.
var ForwardedHeaders = []string{"Content-Type", "Idempotency-Key"}

// CloudFrontEdgeProps are the inputs of the distribution.
type CloudFrontEdgeProps struct {
	Name string
	// ALBARN and ALBDNSName are the internal load balancer's.
	ALBARN, ALBDNSName string
	// Aliases and CertificateARN (us-east-1) are set together for a custom
	// domain; both empty means the *.cloudfront.net name.
	Aliases        []string
	CertificateARN string
	// WebACLARN attaches a WAF web ACL (scope CLOUDFRONT); empty for none.
	WebACLARN string
	// DependsOn must exist before the VPC origin (the internet gateway).
	DependsOn []cdktf.ITerraformDependable
}

// CloudFrontEdge is the distribution and the VPC origin it reaches the
// internal load balancer through.
type CloudFrontEdge struct {
	VPCOrigin    cloudfrontvpcorigin.CloudfrontVpcOrigin
	Distribution cloudfrontdistribution.CloudfrontDistribution
	// URL is the HTTPS service URL.
	URL string
}

// NewCloudFrontEdge creates the VPC origin, the cache, origin-request and
// response-headers policies, and the distribution.
//
// The cache policy is not the managed CachingDisabled: CloudFront refuses
// an origin request policy that forwards Authorization (HTTP 400) and drops
// Authorization from GET and HEAD requests unless it is in the cache key,
// and a policy with every TTL at 0 may not have a cache key. So the key is
// Authorization plus the query string, with a default TTL of 0 (the
// service's answers are not cached) and a maximum of 1 s; a cached answer
// could only ever reach a request with the same key and query.
func NewCloudFrontEdge(scope constructs.Construct, id string, p CloudFrontEdgeProps) *CloudFrontEdge {
	c := constructs.NewConstruct(scope, str(id))
	e := &CloudFrontEdge{}
	e.VPCOrigin = pin(cloudfrontvpcorigin.NewCloudfrontVpcOrigin(c, str("vpc_origin"), &cloudfrontvpcorigin.CloudfrontVpcOriginConfig{
		VpcOriginEndpointConfig: &[]*cloudfrontvpcorigin.CloudfrontVpcOriginVpcOriginEndpointConfig{{
			Name: str(p.Name), Arn: str(p.ALBARN), HttpPort: num(80), HttpsPort: num(443),
			// Inside the VPC, to an internal ALB with no certificate: a
			// public certificate needs a domain the ALB's name is not in.
			OriginProtocolPolicy: str("http-only"),
			OriginSslProtocols: &[]*cloudfrontvpcorigin.CloudfrontVpcOriginVpcOriginEndpointConfigOriginSslProtocols{{
				Items: strs("TLSv1.2"), Quantity: num(1),
			}},
		}},
		Tags:      nameTag(p.Name),
		DependsOn: &p.DependsOn,
	}), "vpc_origin")

	cache := pin(cloudfrontcachepolicy.NewCloudfrontCachePolicy(c, str("cache"), &cloudfrontcachepolicy.CloudfrontCachePolicyConfig{
		Name:    str(p.Name + "-api-uncached"),
		Comment: str("docmeta API: nothing cached; Authorization and the query string are the key so CloudFront forwards them"),
		MinTtl:  num(0), DefaultTtl: num(0), MaxTtl: num(1),
		ParametersInCacheKeyAndForwardedToOrigin: &cloudfrontcachepolicy.CloudfrontCachePolicyParametersInCacheKeyAndForwardedToOrigin{
			CookiesConfig: &cloudfrontcachepolicy.CloudfrontCachePolicyParametersInCacheKeyAndForwardedToOriginCookiesConfig{CookieBehavior: str("none")},
			HeadersConfig: &cloudfrontcachepolicy.CloudfrontCachePolicyParametersInCacheKeyAndForwardedToOriginHeadersConfig{
				HeaderBehavior: str("whitelist"),
				Headers:        &cloudfrontcachepolicy.CloudfrontCachePolicyParametersInCacheKeyAndForwardedToOriginHeadersConfigHeaders{Items: strs("Authorization")},
			},
			QueryStringsConfig: &cloudfrontcachepolicy.CloudfrontCachePolicyParametersInCacheKeyAndForwardedToOriginQueryStringsConfig{QueryStringBehavior: str("all")},
		},
	}), "api_cache")
	forward := pin(cloudfrontoriginrequestpolicy.NewCloudfrontOriginRequestPolicy(c, str("origin_request"), &cloudfrontoriginrequestpolicy.CloudfrontOriginRequestPolicyConfig{
		Name:          str(p.Name + "-api-forward"),
		Comment:       str("docmeta API: the upload's Content-Type and Idempotency-Key and the query string; never Host"),
		CookiesConfig: &cloudfrontoriginrequestpolicy.CloudfrontOriginRequestPolicyCookiesConfig{CookieBehavior: str("none")},
		HeadersConfig: &cloudfrontoriginrequestpolicy.CloudfrontOriginRequestPolicyHeadersConfig{
			HeaderBehavior: str("whitelist"),
			Headers:        &cloudfrontoriginrequestpolicy.CloudfrontOriginRequestPolicyHeadersConfigHeaders{Items: strs(ForwardedHeaders...)},
		},
		QueryStringsConfig: &cloudfrontoriginrequestpolicy.CloudfrontOriginRequestPolicyQueryStringsConfig{QueryStringBehavior: str("all")},
	}), "api_origin_request")
	headers := pin(cloudfrontresponseheaderspolicy.NewCloudfrontResponseHeadersPolicy(c, str("response_headers"), &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicyConfig{
		Name:    str(p.Name + "-security-headers"),
		Comment: str("docmeta: HSTS, nosniff, no framing"),
		SecurityHeadersConfig: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfig{
			StrictTransportSecurity: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurity{
				AccessControlMaxAgeSec: num(HSTSMaxAgeSeconds), IncludeSubdomains: false, Preload: false, Override: true,
			},
			ContentTypeOptions: &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigContentTypeOptions{Override: true},
			FrameOptions:       &cloudfrontresponseheaderspolicy.CloudfrontResponseHeadersPolicySecurityHeadersConfigFrameOptions{FrameOption: str("DENY"), Override: true},
		},
	}), "security_headers")

	cert := &cloudfrontdistribution.CloudfrontDistributionViewerCertificate{CloudfrontDefaultCertificate: true}
	var aliases *[]*string
	if p.CertificateARN != "" {
		cert = &cloudfrontdistribution.CloudfrontDistributionViewerCertificate{
			AcmCertificateArn: str(p.CertificateARN), SslSupportMethod: str("sni-only"), MinimumProtocolVersion: str(CustomDomainTLSPolicy),
		}
		aliases = strs(p.Aliases...)
	}
	const originID = "internal-alb"
	cfg := &cloudfrontdistribution.CloudfrontDistributionConfig{
		Enabled: true, Comment: str(p.Name + ": HTTPS entry point, internal ALB through a VPC origin"),
		HttpVersion: str("http2and3"), IsIpv6Enabled: true, PriceClass: str("PriceClass_100"),
		Aliases: aliases,
		Origin: &[]*cloudfrontdistribution.CloudfrontDistributionOrigin{{
			OriginId: str(originID), DomainName: str(p.ALBDNSName),
			VpcOriginConfig: &cloudfrontdistribution.CloudfrontDistributionOriginVpcOriginConfig{
				VpcOriginId: e.VPCOrigin.Id(), OriginReadTimeout: num(OriginReadTimeoutSeconds), OriginKeepaliveTimeout: num(OriginKeepaliveSeconds),
			},
		}},
		DefaultCacheBehavior: &cloudfrontdistribution.CloudfrontDistributionDefaultCacheBehavior{
			TargetOriginId: str(originID), ViewerProtocolPolicy: str(ViewerProtocolPolicy),
			AllowedMethods: strs(AllMethods...), CachedMethods: strs("GET", "HEAD"), Compress: false,
			CachePolicyId: cache.Id(), OriginRequestPolicyId: forward.Id(), ResponseHeadersPolicyId: headers.Id(),
		},
		Restrictions: &cloudfrontdistribution.CloudfrontDistributionRestrictions{
			GeoRestriction: &cloudfrontdistribution.CloudfrontDistributionRestrictionsGeoRestriction{RestrictionType: str("none")},
		},
		ViewerCertificate: cert,
		Tags:              nameTag(p.Name),
	}
	if p.WebACLARN != "" {
		cfg.WebAclId = str(p.WebACLARN)
	}
	e.Distribution = pin(cloudfrontdistribution.NewCloudfrontDistribution(c, str("distribution"), cfg), "distribution")
	e.URL = "https://" + *e.Distribution.DomainName()
	for _, a := range p.Aliases {
		if p.CertificateARN != "" && !strings.HasPrefix(a, "*.") {
			e.URL = "https://" + a
			break
		}
	}
	return e
}
