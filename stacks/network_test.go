package stacks

import (
	"fmt"
	"testing"

	"github.com/docmeta/docmeta/topology"
)

func TestNetworkSubnetsAndRouting(t *testing.T) {
	for _, p := range topology.Profiles() {
		t.Run(string(p), func(t *testing.T) {
			cfg := testConfig(t, p)
			doc := synthesized(t, cfg.StackName())
			checkNetwork(t, doc, cfg)
		})
	}
	t.Run("variant", func(t *testing.T) {
		ensureFixture(t)
		checkNetwork(t, synthesizedVariant(t, fixture.variant.StackName()), fixture.variant)
		checkNetwork(t, synthesizedVariant(t, fixture.domain.StackName()), fixture.domain)
	})
}

func checkNetwork(t *testing.T, doc map[string]any, cfg topology.Config) {
	t.Helper()
	v := resource(t, doc, "aws_vpc", "vpc")
	if v["cidr_block"] != cfg.VPCCIDR || v["enable_dns_support"] != true || v["enable_dns_hostnames"] != true {
		t.Errorf("vpc = %v", v)
	}
	want, _ := cfg.SubnetCIDRs()
	subnets := resourcesOf(doc, "aws_subnet")
	// Public subnets exist only for a public load balancer or NAT gateways:
	// behind CloudFront without NAT nothing in the VPC is public.
	kinds := map[int]map[string]string{}
	perAZ := 1
	if cfg.PublicSubnets() {
		perAZ = 2
	}
	if len(subnets) != perAZ*cfg.AZCount {
		t.Fatalf("%d subnets, want %d in each of %d AZs (public subnets: %v): %v", len(subnets), perAZ, cfg.AZCount, cfg.PublicSubnets(), sortedKeys(subnets))
	}
	for i := 0; i < cfg.AZCount; i++ {
		kinds[i] = map[string]string{"private": want.Private[i]}
		if cfg.PublicSubnets() {
			kinds[i]["public"] = want.Public[i]
		}
	}
	for i := 0; i < cfg.AZCount; i++ {
		az := fmt.Sprintf("${element(data.aws_availability_zones.azs.names, %d)}", i)
		for kind, cidr := range kinds[i] {
			s := resource(t, doc, "aws_subnet", fmt.Sprintf("%s_%d", kind, i))
			if s["cidr_block"] != cidr || s["availability_zone"] != az {
				t.Errorf("%s subnet %d: cidr %v az %v, want %s %s", kind, i, s["cidr_block"], s["availability_zone"], cidr, az)
			}
			// Nothing in any subnet gets a public IP at launch.
			if s["map_public_ip_on_launch"] != false {
				t.Errorf("%s subnet %d maps public IPs: %v", kind, i, s["map_public_ip_on_launch"])
			}
		}
		if cfg.PublicSubnets() {
			assoc := resource(t, doc, "aws_route_table_association", fmt.Sprintf("public_rta_%d", i))
			if assoc["route_table_id"] != ref("aws_route_table", "public_rt", "id") {
				t.Errorf("public subnet %d not on the public route table: %v", i, assoc)
			}
		}
		assoc := resource(t, doc, "aws_route_table_association", fmt.Sprintf("private_rta_%d", i))
		if assoc["route_table_id"] != ref("aws_route_table", fmt.Sprintf("private_rt_%d", i), "id") {
			t.Errorf("private subnet %d not on its private route table: %v", i, assoc)
		}
	}
	// The internet gateway stays attached in every mode (a VPC origin
	// requires one) but is routed only when public subnets exist.
	if igw := resource(t, doc, "aws_internet_gateway", "igw"); igw["vpc_id"] != ref("aws_vpc", "vpc", "id") {
		t.Errorf("igw = %v", igw)
	}
	if cfg.PublicSubnets() {
		pub := resource(t, doc, "aws_route", "public_default_route")
		if pub["destination_cidr_block"] != "0.0.0.0/0" || pub["gateway_id"] != ref("aws_internet_gateway", "igw", "id") {
			t.Errorf("public default route = %v", pub)
		}
	} else {
		for name, r := range resourcesOf(doc, "aws_route") {
			if r["gateway_id"] != nil {
				t.Errorf("no public subnets, yet route %s goes to the internet gateway: %v", name, r)
			}
		}
		if len(resourcesOf(doc, "aws_route_table")) != cfg.AZCount {
			t.Errorf("route tables %v, want only the private ones", sortedKeys(resourcesOf(doc, "aws_route_table")))
		}
	}

	// The default security group is taken over with no rules at all.
	dsg := resource(t, doc, "aws_default_security_group", "default_sg")
	if dsg["vpc_id"] != ref("aws_vpc", "vpc", "id") || dsg["ingress"] != nil || dsg["egress"] != nil {
		t.Errorf("default security group has rules or no VPC: %v", dsg)
	}

	nats := resourcesOf(doc, "aws_nat_gateway")
	eips := resourcesOf(doc, "aws_eip")
	if len(nats) != cfg.NATGateways() || len(eips) != cfg.NATGateways() {
		t.Fatalf("NAT mode %s: %d NAT gateways and %d EIPs, want %d", cfg.NATMode, len(nats), len(eips), cfg.NATGateways())
	}
	routes := resourcesOf(doc, "aws_route")
	natRoutes := 0
	for name, r := range routes {
		if r["nat_gateway_id"] != nil {
			natRoutes++
			if r["destination_cidr_block"] != "0.0.0.0/0" {
				t.Errorf("%s: NAT route to %v", name, r["destination_cidr_block"])
			}
		}
	}
	if cfg.NATMode == topology.NATNone && natRoutes != 0 {
		t.Errorf("NAT mode none but %d NAT routes", natRoutes)
	}
	for i := 0; i < cfg.NATGateways(); i++ {
		n := resource(t, doc, "aws_nat_gateway", fmt.Sprintf("nat_%d", i))
		if n["subnet_id"] != ref("aws_subnet", fmt.Sprintf("public_%d", i), "id") ||
			n["allocation_id"] != ref("aws_eip", fmt.Sprintf("nat_eip_%d", i), "id") {
			t.Errorf("nat %d = %v", i, n)
		}
	}
	if cfg.NATMode != topology.NATNone {
		for i := 0; i < cfg.AZCount; i++ {
			r := resource(t, doc, "aws_route", fmt.Sprintf("private_nat_route_%d", i))
			gw := 0
			if cfg.NATMode == topology.NATPerAZ {
				gw = i
			}
			if r["route_table_id"] != ref("aws_route_table", fmt.Sprintf("private_rt_%d", i), "id") ||
				r["nat_gateway_id"] != ref("aws_nat_gateway", fmt.Sprintf("nat_%d", gw), "id") {
				t.Errorf("private route %d = %v, want via nat_%d", i, r, gw)
			}
		}
	}
}

func TestEndpoints(t *testing.T) {
	for _, p := range topology.Profiles() {
		t.Run(string(p), func(t *testing.T) {
			cfg := testConfig(t, p)
			checkEndpoints(t, synthesized(t, cfg.StackName()), cfg)
		})
	}
	t.Run("variant", func(t *testing.T) {
		ensureFixture(t)
		checkEndpoints(t, synthesizedVariant(t, fixture.variant.StackName()), fixture.variant)
	})
}

func checkEndpoints(t *testing.T, doc map[string]any, cfg topology.Config) {
	t.Helper()
	var privateRTs []string
	for i := 0; i < cfg.AZCount; i++ {
		privateRTs = append(privateRTs, ref("aws_route_table", fmt.Sprintf("private_rt_%d", i), "id"))
	}
	table := ref("aws_dynamodb_table", "table", "arn")
	type grant struct {
		actions, resources []string
	}
	for _, tc := range []struct {
		name, service string
		grants        map[string]grant
	}{
		{"s3_gateway", "s3", map[string]grant{
			"ArtifactsAndAmazonLinuxRepos": {[]string{"s3:GetObject", "s3:GetObjectVersion"}, []string{
				ref("aws_s3_bucket", "artifact_bucket", "arn") + "/*",
				"arn:aws:s3:::al2023-repos-" + cfg.Region + "-de612dc2/*",
			}},
			// AWS's list of the buckets SSM Agent reads (agent updates,
			// documents, Distributor, patching), Linux ones only.
			"SsmAgentBuckets": {[]string{"s3:GetObject"}, []string{
				"arn:aws:s3:::amazon-ssm-" + cfg.Region + "/*",
				"arn:aws:s3:::amazon-ssm-packages-" + cfg.Region + "/*",
				"arn:aws:s3:::" + cfg.Region + "-birdwatcher-prod/*",
				"arn:aws:s3:::aws-ssm-distributor-file-" + cfg.Region + "/*",
				"arn:aws:s3:::aws-ssm-document-attachments-" + cfg.Region + "/*",
				"arn:aws:s3:::aws-ssm-" + cfg.Region + "/*",
				"arn:aws:s3:::patch-baseline-snapshot-" + cfg.Region + "/*",
			}},
		}},
		{"dynamodb_gateway", "dynamodb", map[string]grant{
			"MetadataTable": {serverTableActions, []string{table, table + "/index/" + topology.ListingIndexName}},
		}},
	} {
		e := resource(t, doc, "aws_vpc_endpoint", tc.name)
		if e["vpc_endpoint_type"] != "Gateway" || e["service_name"] != "com.amazonaws."+cfg.Region+"."+tc.service {
			t.Errorf("%s: %v %v", tc.name, e["vpc_endpoint_type"], e["service_name"])
		}
		if !equalSets(stringsOf(e["route_table_ids"]), privateRTs) {
			t.Errorf("%s on route tables %v, want the private ones %v", tc.name, e["route_table_ids"], privateRTs)
		}
		pol := parsePolicy(t, e["policy"])
		if len(pol.Statement) != len(tc.grants) {
			t.Fatalf("%s policy has %d statements, want %d", tc.name, len(pol.Statement), len(tc.grants))
		}
		for sid, g := range tc.grants {
			st := statement(t, pol, sid)
			if st.Effect != "Allow" || !equalSets(st.Action, g.actions) || !equalSets(st.Resource, g.resources) {
				t.Errorf("%s policy %s = %+v, want %v on %v", tc.name, sid, st, g.actions, g.resources)
			}
		}
	}

	interfaces := map[string]map[string]any{}
	for name, e := range resourcesOf(doc, "aws_vpc_endpoint") {
		if e["vpc_endpoint_type"] == "Interface" {
			interfaces[name] = e
		}
	}
	if len(interfaces) != len(cfg.InterfaceEndpoints) {
		t.Errorf("interface endpoints %v, want %v", sortedKeys(interfaces), cfg.InterfaceEndpoints)
	}
	var wantSubnets []string
	for i := 0; i < cfg.EndpointAZCount; i++ {
		wantSubnets = append(wantSubnets, ref("aws_subnet", fmt.Sprintf("private_%d", i), "id"))
	}
	for _, svc := range cfg.InterfaceEndpoints {
		e := resource(t, doc, "aws_vpc_endpoint", svc+"_interface")
		if e["service_name"] != "com.amazonaws."+cfg.Region+"."+svc || e["private_dns_enabled"] != true {
			t.Errorf("%s endpoint: %v private DNS %v", svc, e["service_name"], e["private_dns_enabled"])
		}
		if !equalSets(stringsOf(e["subnet_ids"]), wantSubnets) {
			t.Errorf("%s endpoint in subnets %v, want %v (%d AZ)", svc, e["subnet_ids"], wantSubnets, cfg.EndpointAZCount)
		}
		if !equalSets(stringsOf(e["security_group_ids"]), []string{ref("aws_security_group", "endpoint_sg", "id")}) {
			t.Errorf("%s endpoint security groups %v", svc, e["security_group_ids"])
		}
	}
	// 443 from the instances' group only (not the whole VPC CIDR), nothing
	// else in or out.
	in := rulesOf(doc, "aws_vpc_security_group_ingress_rule", "endpoint_sg")
	if len(in) != 1 || in[0]["referenced_security_group_id"] != ref("aws_security_group", "instance_sg", "id") ||
		in[0]["cidr_ipv4"] != nil || in[0]["from_port"] != 443.0 || in[0]["to_port"] != 443.0 {
		t.Errorf("endpoint ingress = %v, want 443 from the instance security group only", in)
	}
	if out := rulesOf(doc, "aws_vpc_security_group_egress_rule", "endpoint_sg"); len(out) != 0 {
		t.Errorf("endpoint security group has egress rules: %v", out)
	}
}

// rulesOf returns the separate rule resources attached to a security group.
func rulesOf(doc map[string]any, typ, sg string) []map[string]any {
	var out []map[string]any
	for _, name := range sortedKeys(resourcesOf(doc, typ)) {
		r := resourcesOf(doc, typ)[name]
		if r["security_group_id"] == ref("aws_security_group", sg, "id") {
			out = append(out, r)
		}
	}
	return out
}
