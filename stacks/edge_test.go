package stacks

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/topology"

	"github.com/docmeta/docmeta/internal/testenv"
)

func TestLoadBalancer(t *testing.T) {
	check := func(t *testing.T, doc map[string]any, cfg topology.Config) {
		alb := resource(t, doc, "aws_lb", "alb")
		// Public subnets for the alb edge; private ones behind CloudFront.
		kind := "public"
		if cfg.Edge == topology.EdgeCloudFront {
			kind = "private"
		}
		var subnets []string
		for i := 0; i < cfg.AZCount; i++ {
			subnets = append(subnets, ref("aws_subnet", fmt.Sprintf("%s_%d", kind, i), "id"))
		}
		if alb["internal"] != (cfg.Edge == topology.EdgeCloudFront) || alb["load_balancer_type"] != "application" || !equalSets(stringsOf(alb["subnets"]), subnets) {
			t.Errorf("%s alb = internal %v type %v subnets %v, want %s subnets", cfg.Edge, alb["internal"], alb["load_balancer_type"], alb["subnets"], kind)
		}
		if alb["drop_invalid_header_fields"] != true {
			t.Error("alb does not drop invalid header fields")
		}
		if alb["enable_deletion_protection"] != cfg.ALBDeletionProtection || (cfg.Profile == topology.Prod) != cfg.ALBDeletionProtection {
			t.Errorf("%s alb deletion protection %v (config %v), want prod only", cfg.Profile, alb["enable_deletion_protection"], cfg.ALBDeletionProtection)
		}
		tg := resource(t, doc, "aws_lb_target_group", "app_tg")
		hc := at(tg, "health_check")
		if tg["port"] != 8080.0 || tg["protocol"] != "HTTP" || at(hc, "path") != "/status" || at(hc, "matcher") != "200" ||
			tg["deregistration_delay"] != fmt.Sprint(cfg.Scaling.DeregistrationDelaySeconds) {
			t.Errorf("target group = port %v health %v dereg %v", tg["port"], hc, tg["deregistration_delay"])
		}
		// Short draining: a deploy or scale-in must not wait minutes; 60 s
		// covers the server's 25 s shutdown timeout with room to spare.
		if d, err := strconv.Atoi(fmt.Sprint(tg["deregistration_delay"])); err != nil || d < 0 || d > 60 {
			t.Errorf("deregistration delay %v, want 0..60 seconds", tg["deregistration_delay"])
		}

		listeners := resourcesOf(doc, "aws_lb_listener")
		var serving string
		if cfg.CertificateARN != "" && cfg.Edge == topology.EdgeALB {
			if !equalSets(sortedKeys(listeners), []string{"https", "http_redirect"}) {
				t.Fatalf("listeners %v, want https and http_redirect", sortedKeys(listeners))
			}
			https := listeners["https"]
			if https["port"] != 443.0 || https["protocol"] != "HTTPS" || https["certificate_arn"] != cfg.CertificateARN ||
				https["ssl_policy"] != "ELBSecurityPolicy-TLS13-1-3-2021-06" {
				t.Errorf("https listener = %v", https)
			}
			redir := listeners["http_redirect"]
			if redir["port"] != 80.0 || at(redir, "default_action", "type") != "redirect" ||
				at(redir, "default_action", "redirect", "protocol") != "HTTPS" || at(redir, "default_action", "redirect", "status_code") != "HTTP_301" ||
				at(redir, "default_action", "redirect", "port") != "443" || redir["protocol"] != "HTTP" {
				t.Errorf("http listener does not redirect to HTTPS: %v", redir["default_action"])
			}
			serving = "https"
		} else {
			if !equalSets(sortedKeys(listeners), []string{"http"}) {
				t.Fatalf("listeners %v, want http only without a certificate or behind CloudFront", sortedKeys(listeners))
			}
			serving = "http"
		}
		da := at(listeners[serving], "default_action")
		if at(da, "type") != "fixed-response" || at(da, "fixed_response", "status_code") != "404" {
			t.Errorf("default action of %s = %v, want a fixed 404", serving, da)
		}
		rules := resourcesOf(doc, "aws_lb_listener_rule")
		if len(rules) != 1 {
			t.Fatalf("listener rules %v, want exactly the API rule", sortedKeys(rules))
		}
		rule := rules["api_paths"]
		if rule["listener_arn"] != ref("aws_lb_listener", serving, "arn") ||
			!equalSets(stringsOf(at(rule, "condition", "path_pattern", "values")), []string{"/upload", "/status", "/documents", "/documents/*"}) ||
			at(rule, "action", "type") != "forward" || at(rule, "action", "target_group_arn") != ref("aws_lb_target_group", "app_tg", "arn") {
			t.Errorf("api rule = %v", rule)
		}
	}
	for _, p := range topology.Profiles() {
		t.Run(string(p), func(t *testing.T) {
			cfg := testConfig(t, p)
			check(t, synthesized(t, cfg.StackName()), cfg)
		})
	}
	t.Run("variants", func(t *testing.T) {
		ensureFixture(t)
		check(t, synthesizedVariant(t, fixture.variant.StackName()), fixture.variant)
		check(t, synthesizedVariant(t, fixture.domain.StackName()), fixture.domain)
	})
	t.Run("HTTP-only stacks warn at synth time", func(t *testing.T) {
		for _, p := range topology.Profiles() {
			cfg := testConfig(t, p)
			w := fixture.warnings[cfg.StackName()]
			if !cfg.HTTPS() && (len(w) != 1 || !strings.Contains(w[0], "plain HTTP") || !strings.Contains(w[0], "DOCMETA_EDGE=cloudfront")) {
				t.Errorf("%s: warnings %q, want the plain-HTTP warning naming the fixes", p, w)
			}
			if cfg.HTTPS() && len(w) != 0 {
				t.Errorf("%s: unexpected warnings %q", p, w)
			}
		}
		if testConfig(t, topology.Seed).HTTPS() || !testConfig(t, topology.Dev).HTTPS() {
			t.Error("want seed (alb edge, no certificate) plain HTTP and dev HTTPS through CloudFront")
		}
	})
	t.Run("prod requires HTTPS", func(t *testing.T) {
		if cfg := testConfig(t, topology.Prod); !cfg.HTTPS() || cfg.Edge != topology.EdgeCloudFront {
			t.Errorf("prod synthesized with edge %s and HTTPS %v", cfg.Edge, cfg.HTTPS())
		}
	})
}

func TestSecurityGroups(t *testing.T) {
	check := func(t *testing.T, doc map[string]any, cfg topology.Config) {
		type rule struct{ port, source string }
		describe := func(r map[string]any) rule {
			src := ""
			for _, k := range []string{"cidr_ipv4", "cidr_ipv6", "referenced_security_group_id", "prefix_list_id"} {
				if v, ok := r[k]; ok {
					src = fmt.Sprint(v)
				}
			}
			if r["from_port"] != r["to_port"] || r["ip_protocol"] != "tcp" {
				t.Errorf("rule is not a single TCP port: %v", r)
			}
			return rule{fmt.Sprint(r["from_port"]), src}
		}
		set := func(rs []map[string]any) []string {
			var out []string
			for _, r := range rs {
				d := describe(r)
				out = append(out, d.port+" "+d.source)
				if r["description"] == nil {
					t.Errorf("rule without description: %v", r)
				}
			}
			return out
		}
		// Behind CloudFront only the origin-facing prefix list reaches the
		// listener port; nothing from the internet.
		albIn := []string{"80 " + "${data.aws_ec2_managed_prefix_list.cloudfront_origin_facing.id}"}
		if cfg.Edge == topology.EdgeALB {
			albIn = []string{"80 0.0.0.0/0"}
			if cfg.CertificateARN != "" {
				albIn = append(albIn, "443 0.0.0.0/0")
			}
		} else {
			pl := doc["data"].(map[string]any)["aws_ec2_managed_prefix_list"].(map[string]any)["cloudfront_origin_facing"].(map[string]any)
			if pl["name"] != "com.amazonaws.global.cloudfront.origin-facing" {
				t.Errorf("prefix list = %v, want CloudFront's origin-facing list", pl)
			}
		}
		instSG, albSG, epSG := ref("aws_security_group", "instance_sg", "id"), ref("aws_security_group", "alb_sg", "id"), ref("aws_security_group", "endpoint_sg", "id")
		instOut := []string{
			"443 " + ref("aws_vpc_endpoint", "s3_gateway", "prefix_list_id"),
			"443 " + ref("aws_vpc_endpoint", "dynamodb_gateway", "prefix_list_id"),
			"443 " + epSG,
		}
		if cfg.NATMode != topology.NATNone {
			instOut = append(instOut, "443 0.0.0.0/0")
		}
		for _, tc := range []struct {
			typ, sg string
			want    []string
		}{
			{"aws_vpc_security_group_ingress_rule", "alb_sg", albIn},
			{"aws_vpc_security_group_egress_rule", "alb_sg", []string{"8080 " + instSG}},
			{"aws_vpc_security_group_ingress_rule", "instance_sg", []string{"8080 " + albSG}},
			{"aws_vpc_security_group_egress_rule", "instance_sg", instOut},
		} {
			if got := set(rulesOf(doc, tc.typ, tc.sg)); !equalSets(got, tc.want) {
				t.Errorf("%s %s = %v, want %v", tc.sg, tc.typ, got, tc.want)
			}
		}
		// No port 22 anywhere, in any rule or range.
		for _, typ := range []string{"aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"} {
			for name, r := range resourcesOf(doc, typ) {
				from, _ := r["from_port"].(float64)
				to, _ := r["to_port"].(float64)
				if r["ip_protocol"] == "-1" || (from <= 22 && 22 <= to) {
					t.Errorf("%s %s opens port 22: %v", typ, name, r)
				}
			}
		}
		for name, sg := range resourcesOf(doc, "aws_security_group") {
			if sg["ingress"] != nil || sg["egress"] != nil {
				t.Errorf("security group %s has inline rules", name)
			}
		}
	}
	for _, p := range topology.Profiles() {
		t.Run(string(p), func(t *testing.T) {
			cfg := testConfig(t, p)
			check(t, synthesized(t, cfg.StackName()), cfg)
		})
	}
	t.Run("variant", func(t *testing.T) {
		ensureFixture(t)
		check(t, synthesizedVariant(t, fixture.variant.StackName()), fixture.variant)
		check(t, synthesizedVariant(t, fixture.domain.StackName()), fixture.domain)
	})
}

func TestInstanceRole(t *testing.T) {
	check := func(t *testing.T, doc map[string]any, cfg topology.Config) {
		role := resource(t, doc, "aws_iam_role", "instance_role")
		trust := parsePolicy(t, role["assume_role_policy"])
		if len(trust.Statement) != 1 || fmt.Sprint(trust.Statement[0].Principal) != "map[Service:ec2.amazonaws.com]" ||
			!equalSets(trust.Statement[0].Action, []string{"sts:AssumeRole"}) {
			t.Errorf("trust policy = %+v", trust)
		}
		pol := resource(t, doc, "aws_iam_role_policy", "instance_server_policy")
		if pol["role"] != ref("aws_iam_role", "instance_role", "id") {
			t.Errorf("server policy attached to %v", pol["role"])
		}
		p := parsePolicy(t, pol["policy"])
		table := ref("aws_dynamodb_table", "table", "arn")
		paramARN := "arn:${data.aws_partition.partition.partition}:ssm:" + cfg.Region + ":${data.aws_caller_identity.account.account_id}:parameter" + cfg.APIKeyParameter
		// The managed SSM core policy allows ssm:GetParameter(s) on *: an
		// explicit Deny keeps the instance away from every other profile's
		// parameters.
		deny := statement(t, p, "NoOtherParameters")
		if deny.Effect != "Deny" || len(deny.Resource) != 0 || !equalSets(deny.NotResource, []string{paramARN}) ||
			!equalSets(deny.Action, []string{"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"}) {
			t.Errorf("parameter deny = %+v, want Deny of every parameter read except %s", deny, paramARN)
		}
		want := map[string][2][]string{
			"MetadataTable": {{"dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:DescribeTable"}, {table, table + "/index/by-day"}},
			"ServerBinary":  {{"s3:GetObject", "s3:GetObjectVersion"}, {ref("aws_s3_bucket", "artifact_bucket", "arn") + "/docmeta-server/linux-" + string(cfg.Arch()) + "/docmeta-server"}},
			"ApiKeys":       {{"ssm:GetParameter"}, {paramARN}},
		}
		if cfg.APIKeyKMSKeyARN != "" {
			want["ApiKeysDecrypt"] = [2][]string{{"kms:Decrypt"}, {cfg.APIKeyKMSKeyARN}}
			if c := statement(t, p, "ApiKeysDecrypt").Condition["StringEquals"]["kms:ViaService"]; c != "ssm."+cfg.Region+".amazonaws.com" {
				t.Errorf("kms statement not limited to SSM: %q", c)
			}
		}
		if len(p.Statement) != len(want)+1 {
			t.Errorf("server policy has %d statements, want %d allows and the deny: %+v", len(p.Statement), len(want), p)
		}
		for sid, w := range want {
			s := statement(t, p, sid)
			if s.Effect != "Allow" || !equalSets(s.Action, w[0]) || !equalSets(s.Resource, w[1]) {
				t.Errorf("%s = %v on %v, want %v on %v", sid, s.Action, s.Resource, w[0], w[1])
			}
			// Data grants hold only from inside the VPC (KMS is called by
			// SSM on the role's behalf and carries no VPC: kms:ViaService).
			wantVPC := map[string][2]string{
				"MetadataTable": {"aws:SourceVpce", ref("aws_vpc_endpoint", "dynamodb_gateway", "id")},
				"ServerBinary":  {"aws:SourceVpce", ref("aws_vpc_endpoint", "s3_gateway", "id")},
				"ApiKeys":       {"aws:SourceVpc", ref("aws_vpc", "vpc", "id")},
			}
			if w, ok := wantVPC[sid]; ok && (s.Condition["StringEquals"][w[0]] != w[1] || len(s.Condition) != 1 || len(s.Condition["StringEquals"]) != 1) {
				t.Errorf("%s condition = %v, want StringEquals %s = %s", sid, s.Condition, w[0], w[1])
			}
		}
		for _, s := range p.Statement {
			for _, a := range s.Action {
				if strings.Contains(a, "*") {
					t.Errorf("wildcard action %q in %s", a, s.Sid)
				}
			}
			for _, r := range s.Resource {
				if strings.Contains(r, "*") {
					t.Errorf("wildcard resource %q in %s", r, s.Sid)
				}
			}
		}
		att := resource(t, doc, "aws_iam_role_policy_attachment", "instance_ssm_core")
		if att["policy_arn"] != "arn:${data.aws_partition.partition.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore" {
			t.Errorf("managed policy = %v", att["policy_arn"])
		}
		if len(resourcesOf(doc, "aws_iam_role_policy_attachment")) != 1 {
			t.Error("more managed policies than the SSM core one")
		}
		prof := resource(t, doc, "aws_iam_instance_profile", "instance_profile")
		if prof["role"] != ref("aws_iam_role", "instance_role", "name") {
			t.Errorf("instance profile role %v", prof["role"])
		}
	}
	for _, p := range topology.Profiles() {
		t.Run(string(p), func(t *testing.T) {
			cfg := testConfig(t, p)
			check(t, synthesized(t, cfg.StackName()), cfg)
		})
	}
	t.Run("variant with a customer KMS key", func(t *testing.T) {
		ensureFixture(t)
		check(t, synthesizedVariant(t, fixture.variant.StackName()), fixture.variant)
	})
}

func TestOutputs(t *testing.T) {
	for _, p := range topology.Profiles() {
		t.Run(string(p), func(t *testing.T) {
			cfg := testConfig(t, p)
			doc := synthesized(t, cfg.StackName())
			url := "http://" + ref("aws_lb", "alb", "dns_name")
			distribution := ""
			switch {
			case cfg.Edge == topology.EdgeCloudFront:
				url = "https://" + ref("aws_cloudfront_distribution", "distribution", "domain_name")
				distribution = ref("aws_cloudfront_distribution", "distribution", "id")
			case cfg.CertificateARN != "":
				url = "https://" + ref("aws_lb", "alb", "dns_name")
			}
			budget, err := BudgetAmountUSD(cfg)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]any{
				"service_url":             url,
				"edge":                    string(cfg.Edge),
				"distribution_id":         distribution,
				"alarm_topic_arn":         ref("aws_sns_topic", "alarms_topic", "arn"),
				"budget_usd":              fmt.Sprint(budget),
				"alb_dns_name":            ref("aws_lb", "alb", "dns_name"),
				"alb_arn":                 ref("aws_lb", "alb", "arn"),
				"alb_arn_suffix":          ref("aws_lb", "alb", "arn_suffix"),
				"table_name":              ref("aws_dynamodb_table", "table", "name"),
				"table_arn":               ref("aws_dynamodb_table", "table", "arn"),
				"asg_name":                ref("aws_autoscaling_group", "app_asg", "name"),
				"target_group_arn":        ref("aws_lb_target_group", "app_tg", "arn"),
				"target_group_arn_suffix": ref("aws_lb_target_group", "app_tg", "arn_suffix"),
				"region":                  cfg.Region,
				"artifact_bucket":         ref("aws_s3_bucket", "artifact_bucket", "bucket"),
				"export_bucket":           cfg.ExportBucketName("${data.aws_caller_identity.account.account_id}"),
				"server_sha256":           fixture.binaries[cfg.Arch()],
				"vpc_id":                  ref("aws_vpc", "vpc", "id"),
				"alarm_name_prefix":       cfg.AlarmNamePrefix(),
			}
			for name, v := range want {
				if got := at(doc, "output", name, "value"); got != v {
					t.Errorf("output %s = %v, want %v", name, got, v)
				}
			}
			// Exactly these names: the console, docmeta-ops and the teardown
			// read them from `cdktf output`.
			names := append(sortedKeys(want), "nat_gateway_ids", "interface_endpoint_ids")
			if got := sortedKeys(doc["output"].(map[string]any)); !equalSets(got, names) {
				t.Errorf("outputs %v, want %v", got, names)
			}
			var nats []string
			for i := 0; i < cfg.NATGateways(); i++ {
				nats = append(nats, ref("aws_nat_gateway", fmt.Sprintf("nat_%d", i), "id"))
			}
			if got := stringsOf(at(doc, "output", "nat_gateway_ids", "value")); !equalSets(got, nats) {
				t.Errorf("nat_gateway_ids = %v, want %v", got, nats)
			}
			var eps []string
			for _, s := range cfg.InterfaceEndpoints {
				eps = append(eps, ref("aws_vpc_endpoint", s+"_interface", "id"))
			}
			if got := stringsOf(at(doc, "output", "interface_endpoint_ids", "value")); !equalSets(got, eps) {
				t.Errorf("interface_endpoint_ids = %v, want %v", got, eps)
			}
		})
	}
}

func TestExportStackOutlivesDestroy(t *testing.T) {
	for _, p := range topology.Profiles() {
		t.Run(string(p), func(t *testing.T) {
			cfg := testConfig(t, p)
			doc := synthesized(t, cfg.ExportStackName())
			b := resource(t, doc, "aws_s3_bucket", "export_bucket")
			if b["bucket"] != cfg.ExportBucketName("${data.aws_caller_identity.account.account_id}") {
				t.Errorf("export bucket name %v", b["bucket"])
			}
			if at(b, "lifecycle", "prevent_destroy") != true || b["force_destroy"] != false {
				t.Errorf("export bucket not protected: lifecycle %v force_destroy %v", b["lifecycle"], b["force_destroy"])
			}
			checkHardenedBucket(t, doc, "export", "export_bucket")
			checkTLSOnly(t, parsePolicy(t, resource(t, doc, "aws_s3_bucket_policy", "export_bucket_policy")["policy"]), ref("aws_s3_bucket", "export_bucket", "arn"))
			rule := at(resource(t, doc, "aws_s3_bucket_lifecycle_configuration", "export_lifecycle"), "rule")
			if at(rule, "status") != "Enabled" ||
				at(rule, "transition", "days") != float64(cfg.Export.TransitionToIADays) || at(rule, "transition", "storage_class") != "STANDARD_IA" ||
				at(rule, "noncurrent_version_expiration", "noncurrent_days") != float64(cfg.Export.NoncurrentExpirationDays) ||
				at(rule, "abort_incomplete_multipart_upload", "days_after_initiation") != float64(cfg.Export.AbortIncompleteUploadDays) ||
				cfg.Export.AbortIncompleteUploadDays < 1 {
				t.Errorf("export lifecycle rule = %v", rule)
			}
			if at(doc, "output", "export_bucket", "value") != ref("aws_s3_bucket", "export_bucket", "bucket") {
				t.Errorf("export stack output = %v", at(doc, "output", "export_bucket"))
			}
			// Nothing else lives in the export stack.
			for typ := range doc["resource"].(map[string]any) {
				if !strings.HasPrefix(typ, "aws_s3_bucket") {
					t.Errorf("unexpected %s in the export stack", typ)
				}
			}
			// The application stack holds no export bucket (destroying it must not touch exports).
			if n := len(resourcesOf(synthesized(t, cfg.StackName()), "aws_s3_bucket")); n != 1 {
				t.Errorf("application stack has %d buckets, want only the artifact bucket", n)
			}
		})
	}
}

func TestRemoteState(t *testing.T) {
	for _, p := range topology.Profiles() {
		doc := synthesized(t, testConfig(t, p).StackName())
		if at(doc, "terraform", "backend", "s3") != nil {
			t.Errorf("%s: S3 backend without remote state configured", p)
		}
	}
	ensureFixture(t)
	for _, stack := range []string{fixture.variant.StackName(), fixture.variant.ExportStackName()} {
		s3 := at(synthesizedVariant(t, stack), "terraform", "backend", "s3")
		want := map[string]any{
			"bucket": "docmeta-terraform-state", "key": "docmeta/" + stack + ".tfstate", "region": testStateRegion,
			"dynamodb_table": "docmeta-terraform-locks", "encrypt": true,
		}
		for k, v := range want {
			if at(s3, k) != v {
				t.Errorf("%s backend %s = %v, want %v", stack, k, at(s3, k), v)
			}
		}
	}
}

func TestProviderPinnedAndTagged(t *testing.T) {
	for _, p := range topology.Profiles() {
		cfg := testConfig(t, p)
		doc := synthesized(t, cfg.StackName())
		if v := at(doc, "terraform", "required_providers", "aws", "version"); v != "5.84.0" {
			t.Errorf("aws provider version %v", v)
		}
		// The default provider, and with the cloudfront edge the us-east-1
		// alias of the web ACL and the CloudFront alarm, tagged alike.
		provs, _ := at(doc, "provider", "aws").([]any)
		want := 1
		if cfg.Edge == topology.EdgeCloudFront {
			want = 2
		}
		if len(provs) != want {
			t.Fatalf("%s: %d aws providers, want %d: %v", p, len(provs), want, provs)
		}
		for _, prov := range provs {
			region, alias := cfg.Region, any(nil)
			if a := at(prov, "alias"); a != nil {
				region, alias = "us-east-1", "us_east_1"
			}
			if at(prov, "region") != region || at(prov, "alias") != alias || at(prov, "default_tags", "tags", "Profile") != string(p) ||
				at(prov, "default_tags", "tags", "Stack") != cfg.StackName() {
				t.Errorf("provider = %v", prov)
			}
		}
	}
}

func TestSelectedProfiles(t *testing.T) {
	all, err := SelectedProfiles("")
	if err != nil || len(all) != 3 {
		t.Errorf("default = %v, %v", all, err)
	}
	two, err := SelectedProfiles("dev, seed")
	if err != nil || len(two) != 2 || two[1] != topology.Seed {
		t.Errorf("dev,seed = %v, %v", two, err)
	}
	if _, err := SelectedProfiles("dev,staging"); err == nil || !strings.Contains(err.Error(), "DOCMETA_PROFILES") {
		t.Errorf("unknown profile: %v", err)
	}
}

func TestAddProfilesSkipsProdWithoutCertificateOnlyByDefault(t *testing.T) {
	// Run where no server binaries exist: every profile that is attempted
	// fails naming make synth, before any construct is created.
	t.Chdir(t.TempDir())
	// Behind CloudFront prod needs no certificate and is attempted.
	_, warnings, err := AddProfiles(nil, testenv.Getenv(nil))
	if len(warnings) != 0 || err == nil || !strings.Contains(err.Error(), "docmeta-prod-us-east-1: server binary") {
		t.Errorf("cloudfront prod: warnings %q err %v, want prod attempted", warnings, err)
	}
	_, warnings, err = AddProfiles(nil, testenv.Getenv(map[string]string{"DOCMETA_PROD_EDGE": "alb", "DOCMETA_PROD_WAF": "false"}))
	if len(warnings) != 1 || !strings.Contains(warnings[0], "docmeta-prod not synthesized") || !strings.Contains(warnings[0], "DOCMETA_PROD_CERTIFICATE_ARN") {
		t.Errorf("warnings = %q, want prod skipped with the variable to set", warnings)
	}
	if err == nil || !strings.Contains(err.Error(), "docmeta-dev-us-east-1: server binary") || !strings.Contains(err.Error(), "docmeta-seed-us-east-1: server binary") ||
		strings.Contains(err.Error(), "docmeta-prod") || !strings.Contains(err.Error(), "make synth") {
		t.Errorf("err = %v, want dev and seed attempted (binary missing) and prod not", err)
	}
	_, _, err = AddProfiles(nil, testenv.Getenv(map[string]string{ProfilesKey: "prod", "DOCMETA_PROD_EDGE": "alb", "DOCMETA_PROD_WAF": "false"}))
	if err == nil || !strings.Contains(err.Error(), "DOCMETA_PROD_CERTIFICATE_ARN") {
		t.Errorf("explicit prod without certificate: %v", err)
	}
}
