package stacks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/topology"
)

// depGraph is the order Terraform applies a synthesized stack in: an edge
// from each resource or data source to every one it names, through an
// explicit depends_on or a reference anywhere in its arguments.
type depGraph map[string][]string

// terraformAddressRe finds "aws_x.name" and "data.aws_x.name" in references
// like "${aws_s3_bucket.artifact_bucket.arn}" or "${element(data.….ids, 0)}".
var terraformAddressRe = regexp.MustCompile(`\b(?:data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+`)

func dependencyGraph(t *testing.T, doc map[string]any) depGraph {
	t.Helper()
	g := depGraph{}
	add := func(prefix string, blocks any) {
		byType, _ := blocks.(map[string]any)
		for typ, rs := range byType {
			named, _ := rs.(map[string]any)
			for name := range named {
				g[prefix+typ+"."+name] = nil
			}
		}
	}
	add("", doc["resource"])
	add("data.", doc["data"])
	collect := func(prefix string, blocks any) {
		byType, _ := blocks.(map[string]any)
		for typ, rs := range byType {
			named, _ := rs.(map[string]any)
			for name, body := range named {
				from := prefix + typ + "." + name
				seen := map[string]bool{}
				walkStrings(body, func(s string) {
					for _, addr := range terraformAddressRe.FindAllString(s, -1) {
						if _, ok := g[addr]; ok && addr != from && !seen[addr] {
							seen[addr] = true
							g[from] = append(g[from], addr)
						}
					}
				})
			}
		}
	}
	collect("", doc["resource"])
	collect("data.", doc["data"])
	return g
}

// walkStrings calls f on every string in a JSON value (depends_on entries
// are plain addresses, references are "${...}" strings).
func walkStrings(v any, f func(string)) {
	switch x := v.(type) {
	case string:
		f(x)
	case []any:
		for _, e := range x {
			walkStrings(e, f)
		}
	case map[string]any:
		for _, e := range x {
			walkStrings(e, f)
		}
	}
}

// before returns every node the given one waits for, transitively.
func (g depGraph) before(node string) map[string]bool {
	out := map[string]bool{}
	stack := slices.Clone(g[node])
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if out[n] {
			continue
		}
		out[n] = true
		stack = append(stack, g[n]...)
	}
	return out
}

// cycle returns a node on a dependency cycle, or "" (Terraform refuses
// a cyclic graph at plan time).
func (g depGraph) cycle() string {
	for n := range g {
		if g.before(n)[n] {
			return n
		}
	}
	return ""
}

// addressesOf lists the resources of a type whose arguments satisfy keep.
func addressesOf(doc map[string]any, typ string, keep func(name string, r map[string]any) bool) []string {
	var out []string
	for name, r := range resourcesOf(doc, typ) {
		if keep == nil || keep(name, r) {
			out = append(out, typ+"."+name)
		}
	}
	return out
}

// bootNeeds is everything the first instance uses while it boots and starts
// the server, read from the stack itself so a new endpoint, rule or grant
// is covered without editing this list.
func bootNeeds(doc map[string]any) []string {
	instanceSG, endpointSG := ref("aws_security_group", "instance_sg", "id"), ref("aws_security_group", "endpoint_sg", "id")
	var out []string
	for _, typ := range []string{"aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_instance_profile", "aws_vpc_endpoint"} {
		out = append(out, addressesOf(doc, typ, nil)...)
	}
	out = append(out, addressesOf(doc, "aws_vpc_security_group_egress_rule", func(_ string, r map[string]any) bool {
		return r["security_group_id"] == instanceSG
	})...)
	out = append(out, addressesOf(doc, "aws_vpc_security_group_ingress_rule", func(_ string, r map[string]any) bool {
		return r["security_group_id"] == endpointSG
	})...)
	out = append(out, addressesOf(doc, "aws_route_table_association", func(name string, _ map[string]any) bool {
		return strings.HasPrefix(name, "private_")
	})...)
	out = append(out, addressesOf(doc, "aws_route", func(name string, _ map[string]any) bool {
		return strings.HasPrefix(name, "private_")
	})...)
	return append(out,
		"aws_s3_object.server_binary", "aws_s3_bucket_policy.artifact_bucket_policy",
		"aws_dynamodb_table.table", "aws_lb_target_group.app_tg",
		"data.aws_ssm_parameter.api_key_parameter",
	)
}

// TestApplyOrder walks the dependency graph of the synthesized JSON: the
// Auto Scaling group (which launches the first instance) comes only after
// every resource the boot script and the server need, and the load balancer
// only after the internet gateway and the public routes.
func TestApplyOrder(t *testing.T) {
	check := func(t *testing.T, doc map[string]any) {
		g := dependencyGraph(t, doc)
		if n := g.cycle(); n != "" {
			t.Fatalf("dependency cycle through %s", n)
		}
		asg := g.before("aws_autoscaling_group.app_asg")
		for _, need := range bootNeeds(doc) {
			if _, ok := g[need]; !ok {
				t.Errorf("boot need %s is not in the stack", need)
				continue
			}
			if !asg[need] {
				t.Errorf("the Auto Scaling group may launch an instance before %s exists", need)
			}
		}
		alb := g.before("aws_lb.alb")
		// The gateway, and the public routes wherever the stack has public
		// subnets (an internal load balancer behind CloudFront has none).
		public := func(name string, _ map[string]any) bool { return strings.HasPrefix(name, "public_") }
		publicNeeds := append(append([]string{"aws_internet_gateway.igw"},
			addressesOf(doc, "aws_route", public)...),
			addressesOf(doc, "aws_route_table_association", public)...)
		if resource(t, doc, "aws_lb", "alb")["internal"] != true && len(publicNeeds) < 3 {
			t.Errorf("internet-facing load balancer but the public routes are missing: %v", publicNeeds)
		}
		for _, need := range publicNeeds {
			if !alb[need] {
				t.Errorf("the load balancer may be created before %s", need)
			}
		}
	}
	for _, p := range []topology.Profile{topology.Dev, topology.Prod, topology.Seed} {
		t.Run(string(p), func(t *testing.T) { check(t, synthesized(t, testConfig(t, p).StackName())) })
	}
	t.Run("variant", func(t *testing.T) {
		ensureFixture(t)
		check(t, synthesizedVariant(t, fixture.variant.StackName()))
	})
}

// TestDependencyGraphFindsReferencesAndDependsOn keeps the walker honest: a
// reference inside a function call and an explicit depends_on are edges,
// a name that is not a resource of the stack is not.
func TestDependencyGraphFindsReferencesAndDependsOn(t *testing.T) {
	doc := map[string]any{
		"data": map[string]any{"aws_ssm_parameter": map[string]any{"p": map[string]any{"name": "/x"}}},
		"resource": map[string]any{
			"aws_vpc": map[string]any{"v": map[string]any{}},
			"aws_subnet": map[string]any{"s": map[string]any{
				"vpc_id": "${element([aws_vpc.v.id], 0)}", "tags": map[string]any{"Name": "aws_nothing.here"},
			}},
			"aws_instance": map[string]any{"i": map[string]any{
				"subnet_id": "${aws_subnet.s.id}", "depends_on": []any{"data.aws_ssm_parameter.p"},
			}},
		},
	}
	g := dependencyGraph(t, doc)
	got := fmt.Sprint(slices.Sorted(func(yield func(string) bool) {
		for n := range g.before("aws_instance.i") {
			if !yield(n) {
				return
			}
		}
	}))
	if want := "[aws_subnet.s aws_vpc.v data.aws_ssm_parameter.p]"; got != want {
		t.Errorf("aws_instance.i waits for %s, want %s", got, want)
	}
	if g.cycle() != "" {
		t.Error("acyclic graph reported a cycle")
	}
	g["aws_vpc.v"] = []string{"aws_instance.i"}
	if g.cycle() == "" {
		t.Error("cycle not found")
	}
}
