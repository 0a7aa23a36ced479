package fakeaws

import (
	"fmt"
	"net/http"
	"sync"
)

// ALBARN is the load balancer of the fake ELBv2, with deletion protection on
// (as prod deploys it).
const ALBARN = "arn:aws:elasticloadbalancing:us-east-1:" + Account + ":loadbalancer/app/docmeta-prod-alb/50dc6c495c0c9188"

// ELBv2 implements DescribeLoadBalancerAttributes and
// ModifyLoadBalancerAttributes of the Elastic Load Balancing v2 query
// protocol (form-encoded POST, XML answers) for the deletion_protection.enabled
// attribute of the load balancers in Protection.
type ELBv2 struct {
	mu sync.Mutex
	// Protection maps a load balancer ARN to its deletion protection; an ARN
	// not in it answers LoadBalancerNotFound (a destroyed load balancer).
	Protection map[string]bool
	// Calls lists the actions received; Modifications the value of every
	// deletion_protection.enabled change requested, in order.
	Calls         []string
	Modifications []string
	// Errors makes every call of an action answer with the given error code.
	Errors map[string]string
	// FailRestore makes turning deletion protection back on fail with
	// AccessDenied.
	FailRestore bool
}

// NewELBv2 has ALBARN with deletion protection on.
func NewELBv2() *ELBv2 { return &ELBv2{Protection: map[string]bool{ALBARN: true}} }

// Enabled reports the deletion protection of arn.
func (f *ELBv2) Enabled(arn string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Protection[arn]
}

// Forget removes a load balancer, as a destroy does.
func (f *ELBv2) Forget(arn string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.Protection, arn)
}

// Called counts the calls of action.
func (f *ELBv2) Called(action string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return countOf(f.Calls, action)
}

const elbNamespace = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"

func (f *ELBv2) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	action, arn := r.PostForm.Get("Action"), r.PostForm.Get("LoadBalancerArn")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, action)
	if code := f.Errors[action]; code != "" {
		elbError(w, code, "injected failure of "+action)
		return
	}
	enabled, ok := f.Protection[arn]
	if !ok {
		elbError(w, "LoadBalancerNotFound", "One or more load balancers not found")
		return
	}
	switch action {
	case "DescribeLoadBalancerAttributes":
	case "ModifyLoadBalancerAttributes":
		for i := 1; r.PostForm.Has(fmt.Sprintf("Attributes.member.%d.Key", i)); i++ {
			if r.PostForm.Get(fmt.Sprintf("Attributes.member.%d.Key", i)) != "deletion_protection.enabled" {
				continue
			}
			v := r.PostForm.Get(fmt.Sprintf("Attributes.member.%d.Value", i))
			f.Modifications = append(f.Modifications, v)
			if v == "true" && f.FailRestore {
				elbError(w, "AccessDenied", "User is not authorized to perform: elasticloadbalancing:ModifyLoadBalancerAttributes")
				return
			}
			enabled = v == "true"
		}
		f.Protection[arn] = enabled
	default:
		elbError(w, "InvalidAction", "unexpected action "+action)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%[1]sResponse xmlns="%[2]s"><%[1]sResult><Attributes>`+
		`<member><Key>deletion_protection.enabled</Key><Value>%[3]t</Value></member>`+
		`<member><Key>idle_timeout.timeout_seconds</Key><Value>60</Value></member>`+
		`</Attributes></%[1]sResult><ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000001</RequestId></ResponseMetadata></%[1]sResponse>`,
		action, elbNamespace, enabled)
}

func elbError(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>00000000-0000-4000-8000-0000000000ff</RequestId></ErrorResponse>`, elbNamespace, code, msg)
}
