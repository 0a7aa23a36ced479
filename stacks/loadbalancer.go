package stacks

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistenerrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// LoadBalancerProps are the inputs of the ALB.
type LoadBalancerProps struct {
	Name            string
	VPCID           string
	SubnetIDs       []string
	SecurityGroupID string
	CertificateARN  string
	// Internal makes the load balancer internal (behind CloudFront's VPC
	// origin); its listener is plain HTTP inside the VPC.
	Internal            bool
	DeletionProtection  bool
	DeregistrationDelay int
	// TargetGroupNamePrefix is at most 6 characters (an AWS limit on
	// name_prefix); the full name gets a generated suffix.
	TargetGroupNamePrefix string
	// DependsOn is what the load balancer must wait for beyond its
	// references: for an internet-facing one, the internet gateway and the
	// public routes (Network.PublicReady).
	DependsOn []cdktf.ITerraformDependable
}

// LoadBalancer is the ALB, its target group and the listener that serves.
type LoadBalancer struct {
	LB          lb.Lb
	TargetGroup lbtargetgroup.LbTargetGroup
	// URL is the service URL (https when a certificate is set).
	URL string
	// APIRule forwards the API paths; it is what attaches the target group
	// to the load balancer.
	APIRule lblistenerrule.LbListenerRule
}

// TLSPolicy is the HTTPS listener's security policy: TLS 1.3 only (AEAD
// ciphers, forward secrecy by construction), as the design asks. The clients
// are operators' tools (curl, the AWS SDKs, the Go console), all of which
// speak TLS 1.3; a TLS 1.2-only client gets a handshake failure rather than
// a weaker connection. ELBSecurityPolicy-TLS13-1-2-2021-06 is the fallback
// if such clients ever must be served.
const TLSPolicy = "ELBSecurityPolicy-TLS13-1-3-2021-06"

// ForwardedPaths are the only paths the ALB passes to the service; anything
// else gets a 404 from the ALB itself.
var ForwardedPaths = []string{"/upload", "/status", "/documents", "/documents/*"}

// notFoundBody matches the service's own error format.
const notFoundBody = `{"error":{"code":"not_found","message":"no such route"}}`

// NewLoadBalancer creates the ALB: internet-facing in the public subnets,
// or internal in the private subnets behind CloudFront.
func NewLoadBalancer(scope constructs.Construct, id string, p LoadBalancerProps) *LoadBalancer {
	c := constructs.NewConstruct(scope, str(id))
	r := &LoadBalancer{}
	r.LB = pin(lb.NewLb(c, str("alb"), &lb.LbConfig{
		Name: str(p.Name), Internal: p.Internal, LoadBalancerType: str("application"),
		SecurityGroups: strs(p.SecurityGroupID), Subnets: strs(p.SubnetIDs...),
		DropInvalidHeaderFields:  true,
		EnableDeletionProtection: p.DeletionProtection,
		Tags:                     nameTag(p.Name),
		DependsOn:                &p.DependsOn,
	}), "alb")
	// Named by prefix and replaced create-before-destroy: a change that
	// forces a new target group (port, protocol, VPC) then builds the new
	// one, moves the listener rule and the group to it, and deletes the old
	// one last, where a fixed name collides with the group being replaced.
	r.TargetGroup = pin(lbtargetgroup.NewLbTargetGroup(c, str("app"), &lbtargetgroup.LbTargetGroupConfig{
		NamePrefix: str(p.TargetGroupNamePrefix), Port: num(appPort), Protocol: str("HTTP"), TargetType: str("instance"),
		Lifecycle:           &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsiiTrue},
		VpcId:               str(p.VPCID),
		DeregistrationDelay: str(fmt.Sprint(p.DeregistrationDelay)),
		HealthCheck: &lbtargetgroup.LbTargetGroupHealthCheck{
			Enabled: true, Path: str("/status"), Matcher: str("200"), Protocol: str("HTTP"), Port: str("traffic-port"),
			Interval: num(15), Timeout: num(5), HealthyThreshold: num(2), UnhealthyThreshold: num(3),
		},
		Tags: nameTag(p.Name + "-app"),
	}), "app_tg")

	notFound := &lblistener.LbListenerDefaultAction{
		Type: str("fixed-response"),
		FixedResponse: &lblistener.LbListenerDefaultActionFixedResponse{
			StatusCode: str("404"), ContentType: str("application/json"), MessageBody: str(notFoundBody),
		},
	}
	var serving lblistener.LbListener
	if p.CertificateARN != "" && !p.Internal {
		serving = pin(lblistener.NewLbListener(c, str("https"), &lblistener.LbListenerConfig{
			LoadBalancerArn: r.LB.Arn(), Port: num(443), Protocol: str("HTTPS"),
			SslPolicy: str(TLSPolicy), CertificateArn: str(p.CertificateARN),
			DefaultAction: &[]*lblistener.LbListenerDefaultAction{notFound},
		}), "https")
		pin(lblistener.NewLbListener(c, str("http_redirect"), &lblistener.LbListenerConfig{
			LoadBalancerArn: r.LB.Arn(), Port: num(80), Protocol: str("HTTP"),
			DefaultAction: &[]*lblistener.LbListenerDefaultAction{{
				Type: str("redirect"),
				Redirect: &lblistener.LbListenerDefaultActionRedirect{
					Protocol: str("HTTPS"), Port: str("443"), StatusCode: str("HTTP_301"),
				},
			}},
		}), "http_redirect")
		r.URL = "https://" + *r.LB.DnsName()
	} else {
		if !p.Internal {
			cdktf.Annotations_Of(scope).AddWarning(str(HTTPOnlyWarning(p.Name)))
		}
		serving = pin(lblistener.NewLbListener(c, str("http"), &lblistener.LbListenerConfig{
			LoadBalancerArn: r.LB.Arn(), Port: num(80), Protocol: str("HTTP"),
			DefaultAction: &[]*lblistener.LbListenerDefaultAction{notFound},
		}), "http")
		r.URL = "http://" + *r.LB.DnsName()
	}
	r.APIRule = pin(lblistenerrule.NewLbListenerRule(c, str("api_paths"), &lblistenerrule.LbListenerRuleConfig{
		ListenerArn: serving.Arn(), Priority: num(10),
		Condition: &[]*lblistenerrule.LbListenerRuleCondition{{
			PathPattern: &lblistenerrule.LbListenerRuleConditionPathPattern{Values: strs(ForwardedPaths...)},
		}},
		Action: &[]*lblistenerrule.LbListenerRuleAction{{Type: str("forward"), TargetGroupArn: r.TargetGroup.Arn()}},
	}), "api_paths")
	return r
}

// HTTPOnlyWarning is the synth-time warning of a stack without a certificate.
func HTTPOnlyWarning(stack string) string {
	return fmt.Sprintf("%s: alb edge without a certificate ARN, so the load balancer serves plain HTTP and API keys cross the internet unencrypted; set DOCMETA_EDGE=cloudfront (HTTPS with no domain) or DOCMETA_CERTIFICATE_ARN (or their DOCMETA_<PROFILE>_ forms) for HTTPS", stack)
}
