package stacks

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/stacks/userdata"
	"github.com/docmeta/docmeta/topology"
)

func TestTable(t *testing.T) {
	forEachProfile(t, topology.Config.StackName, func(t *testing.T, doc map[string]any, cfg topology.Config) {
		tb := resource(t, doc, "aws_dynamodb_table", "table")
		if tb["name"] != cfg.TableName() || tb["billing_mode"] != "PAY_PER_REQUEST" || tb["hash_key"] != topology.TableHashKey {
			t.Errorf("table = %v %v %v", tb["name"], tb["billing_mode"], tb["hash_key"])
		}
		if at(tb, "point_in_time_recovery", "enabled") != true || at(tb, "server_side_encryption", "enabled") != true {
			t.Errorf("PITR %v, SSE %v: both must be on", tb["point_in_time_recovery"], tb["server_side_encryption"])
		}
		// Every profile: only the teardown command (after an export)
		// may lift it.
		if tb["deletion_protection_enabled"] != true {
			t.Errorf("%s table deletion protection %v, want true", cfg.Profile, tb["deletion_protection_enabled"])
		}
		if at(tb, "ttl", "attribute_name") != topology.TableTTLAttribute || at(tb, "ttl", "enabled") != true {
			t.Errorf("ttl = %v, want %s enabled", tb["ttl"], topology.TableTTLAttribute)
		}
		gsi := at(tb, "global_secondary_index")
		if at(gsi, "name") != topology.ListingIndexName || at(gsi, "hash_key") != topology.ListingIndexHash ||
			at(gsi, "range_key") != topology.ListingIndexSort || at(gsi, "projection_type") != "ALL" {
			t.Errorf("listing index = %v", gsi)
		}
		var attrs []string
		for _, a := range tb["attribute"].([]any) {
			attrs = append(attrs, fmt.Sprint(at(a, "name"), ":", at(a, "type")))
		}
		if !equalSets(attrs, []string{"id:S", "day:S", "uploaded_at_id:S"}) {
			t.Errorf("attributes = %v", attrs)
		}
	})
}

func TestArtifactBucketAndBinary(t *testing.T) {
	forEachProfile(t, topology.Config.StackName, func(t *testing.T, doc map[string]any, cfg topology.Config) {
		checkHardenedBucket(t, doc, "artifact", "artifact_bucket")
		sum := fixture.binaries[cfg.Arch()]
		obj := resource(t, doc, "aws_s3_object", "server_binary")
		// One key per arch: a new binary is a new version of it, and
		// earlier versions stay for earlier launch-template versions.
		wantKey := fmt.Sprintf("docmeta-server/linux-%s/docmeta-server", cfg.Arch())
		if obj["key"] != wantKey || obj["source_hash"] != sum || obj["checksum_algorithm"] != "SHA256" ||
			obj["bucket"] != ref("aws_s3_bucket", "artifact_bucket", "id") {
			t.Errorf("binary object = %v, want key %s", obj, wantKey)
		}
		// Versioning is on before the first upload, so it has a version ID.
		if !equalSets(stringsOf(obj["depends_on"]), []string{"aws_s3_bucket_versioning.artifact_versioning"}) {
			t.Errorf("binary object depends on %v, want the bucket's versioning", obj["depends_on"])
		}
		// The asset was copied next to the stack and is the binary we hashed.
		src := filepath.Join(fixture.dir, "out", "stacks", cfg.StackName(), fmt.Sprint(obj["source"]))
		if got, err := FileSHA256(src); err != nil || got != sum {
			t.Errorf("asset %s: sha256 %s, %v; want %s", src, got, err, sum)
		}

		pol := parsePolicy(t, resource(t, doc, "aws_s3_bucket_policy", "artifact_bucket_policy")["policy"])
		bucketARN := ref("aws_s3_bucket", "artifact_bucket", "arn")
		checkTLSOnly(t, pol, bucketARN)
		// The instance role reads only through the S3 gateway endpoint;
		// no other principal is singled out (deployers, CI and
		// reviewers refresh with their own IAM permissions).
		ep := statement(t, pol, "InstanceRoleOnlyThroughVpcEndpoint")
		if ep.Effect != "Deny" || ep.Principal != "*" || !equalSets(ep.Action, []string{"s3:GetObject", "s3:GetObjectVersion"}) ||
			!equalSets(ep.Resource, []string{bucketARN + "/*"}) ||
			ep.Condition["StringNotEquals"]["aws:SourceVpce"] != ref("aws_vpc_endpoint", "s3_gateway", "id") ||
			ep.Condition["ArnEquals"]["aws:PrincipalArn"] != ref("aws_iam_role", "instance_role", "arn") ||
			len(ep.Condition) != 2 {
			t.Errorf("endpoint-only statement = %+v", ep)
		}
		acct := statement(t, pol, "OnlyThisAccount")
		if acct.Effect != "Deny" || acct.Principal != "*" || !equalSets(acct.Action, []string{"s3:*"}) ||
			!equalSets(acct.Resource, []string{bucketARN, bucketARN + "/*"}) ||
			acct.Condition["StringNotEquals"]["aws:PrincipalAccount"] != "${data.aws_caller_identity.account.account_id}" || len(acct.Condition) != 1 {
			t.Errorf("account-only statement = %+v", acct)
		}
		for _, st := range pol.Statement {
			for _, cond := range st.Condition {
				for k := range cond {
					if k == "aws:userid" || k == "aws:PrincipalArn" && st.Sid != "InstanceRoleOnlyThroughVpcEndpoint" {
						t.Errorf("%s singles out a principal by %s", st.Sid, k)
					}
				}
			}
		}
		// The last topology.KeptEarlierBinaries versions of the binary stay
		// however old they are; older ones and unfinished uploads expire.
		lc := resource(t, doc, "aws_s3_bucket_lifecycle_configuration", "artifact_lifecycle")
		rule := at(lc, "rule")
		if lc["bucket"] != ref("aws_s3_bucket", "artifact_bucket", "id") ||
			at(rule, "status") != "Enabled" || at(rule, "filter", "prefix") != "" ||
			at(rule, "noncurrent_version_expiration", "noncurrent_days") != 30.0 ||
			at(rule, "noncurrent_version_expiration", "newer_noncurrent_versions") != fmt.Sprint(topology.KeptEarlierBinaries) ||
			at(rule, "abort_incomplete_multipart_upload", "days_after_initiation") != 7.0 ||
			at(rule, "transition") != nil || at(rule, "expiration") != nil {
			t.Errorf("artifact lifecycle rule = %v", rule)
		}
		if topology.KeptEarlierBinaries < 2 {
			t.Errorf("topology.KeptEarlierBinaries = %d: a rollback needs at least the previous binary and one before", topology.KeptEarlierBinaries)
		}
		if len(pol.Statement) != 3 {
			t.Errorf("artifact policy has %d statements, want TLS-only, endpoint-only and account-only: %+v", len(pol.Statement), pol)
		}
	})
}

func checkTLSOnly(t *testing.T, pol parsedPolicy, bucketARN string) {
	t.Helper()
	s := statement(t, pol, "DenyInsecureTransport")
	if s.Effect != "Deny" || s.Principal != "*" || s.Condition["Bool"]["aws:SecureTransport"] != "false" ||
		!equalSets(s.Resource, []string{bucketARN, bucketARN + "/*"}) {
		t.Errorf("TLS-only statement = %+v", s)
	}
}

// checkHardenedBucket asserts owner-enforced, non-public, encrypted, versioned.
func checkHardenedBucket(t *testing.T, doc map[string]any, prefix, bucket string) {
	t.Helper()
	id := ref("aws_s3_bucket", bucket, "id")
	pab := resource(t, doc, "aws_s3_bucket_public_access_block", prefix+"_public_access")
	for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
		if pab[k] != true || pab["bucket"] != id {
			t.Errorf("%s public access block %s = %v", prefix, k, pab[k])
		}
	}
	enc := resource(t, doc, "aws_s3_bucket_server_side_encryption_configuration", prefix+"_encryption")
	if at(enc, "rule", "apply_server_side_encryption_by_default", "sse_algorithm") != "AES256" || enc["bucket"] != id {
		t.Errorf("%s encryption = %v", prefix, enc)
	}
	ver := resource(t, doc, "aws_s3_bucket_versioning", prefix+"_versioning")
	if at(ver, "versioning_configuration", "status") != "Enabled" || ver["bucket"] != id {
		t.Errorf("%s versioning = %v", prefix, ver)
	}
	own := resource(t, doc, "aws_s3_bucket_ownership_controls", prefix+"_ownership")
	if at(own, "rule", "object_ownership") != "BucketOwnerEnforced" {
		t.Errorf("%s ownership = %v", prefix, own)
	}
}

func TestLaunchTemplate(t *testing.T) {
	forEachProfile(t, topology.Config.StackName, func(t *testing.T, doc map[string]any, cfg topology.Config) {
		lt := resource(t, doc, "aws_launch_template", "app_lt")
		ami := at(doc, "data", "aws_ssm_parameter", "al2023_ami", "name")
		wantAMI := map[topology.Arch]string{topology.ARM64: "arm64", topology.AMD64: "x86_64"}[cfg.Arch()]
		if ami != "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-"+wantAMI ||
			lt["image_id"] != "${data.aws_ssm_parameter.al2023_ami.insecure_value}" {
			t.Errorf("AMI parameter %v image %v, want the AL2023 %s parameter", ami, lt["image_id"], wantAMI)
		}
		if lt["instance_type"] != cfg.InstanceType {
			t.Errorf("instance type %v, want %s", lt["instance_type"], cfg.InstanceType)
		}
		md := at(lt, "metadata_options")
		if at(md, "http_tokens") != "required" || at(md, "http_put_response_hop_limit") != 1.0 || at(md, "http_endpoint") != "enabled" {
			t.Errorf("metadata options = %v, want IMDSv2 required with hop limit 1", md)
		}
		if _, ok := lt["key_name"]; ok {
			t.Errorf("launch template has a key pair: %v", lt["key_name"])
		}
		ebs := at(lt, "block_device_mappings", "ebs")
		if at(lt, "block_device_mappings", "device_name") != "/dev/xvda" || at(ebs, "encrypted") != "true" ||
			at(ebs, "volume_type") != "gp3" || at(ebs, "volume_size") != float64(cfg.RootVolume.SizeGiB) {
			t.Errorf("root volume = %v", lt["block_device_mappings"])
		}
		if at(lt, "iam_instance_profile", "arn") != ref("aws_iam_instance_profile", "instance_profile", "arn") {
			t.Errorf("instance profile = %v", lt["iam_instance_profile"])
		}
		if !equalSets(stringsOf(lt["vpc_security_group_ids"]), []string{ref("aws_security_group", "instance_sg", "id")}) {
			t.Errorf("security groups = %v", lt["vpc_security_group_ids"])
		}

		// The user data is exactly the rendered bootstrap, with the
		// bucket, key and version as Terraform references.
		script := decodeUserData(t, lt["user_data"])
		want, err := userdata.Render(userdata.Params{
			Region: cfg.Region, Table: cfg.TableName(), APIKeyParameter: cfg.APIKeyParameter,
			ArtifactBucket:  ref("aws_s3_bucket", "artifact_bucket", "bucket"),
			ArtifactKey:     ref("aws_s3_object", "server_binary", "key"),
			ArtifactVersion: ref("aws_s3_object", "server_binary", "version_id"),
			BinarySHA256:    fixture.binaries[cfg.Arch()],
			ListingShards:   cfg.Table.ListingShards,
		})
		if err != nil {
			t.Fatal(err)
		}
		if script != want.Script {
			t.Errorf("user data differs from the rendered bootstrap:\n%s", firstDiff(script, want.Script))
		}
		for _, line := range []string{
			"Environment=DOCMETA_TABLE=" + cfg.TableName(),
			"Environment=AWS_REGION=" + cfg.Region,
			"Environment=DOCMETA_LISTING_SHARDS=" + strconv.Itoa(cfg.Table.ListingShards),
			"Environment=DOCMETA_API_KEYS_SSM_PARAMETER=" + cfg.APIKeyParameter,
			"readonly want_sha256='" + fixture.binaries[cfg.Arch()] + "'",
		} {
			if !strings.Contains(script, line+"\n") {
				t.Errorf("user data lacks %q", line)
			}
		}
	})
}

// decodeUserData undoes `${base64encode("...")}`: the HCL string escapes.
func decodeUserData(t *testing.T, v any) string {
	t.Helper()
	s, _ := v.(string)
	const pre, suf = `${base64encode("`, `")}`
	if !strings.HasPrefix(s, pre) || !strings.HasSuffix(s, suf) {
		t.Fatalf("user data is not a base64encode(...) of a literal: %.80q", s)
	}
	s = s[len(pre) : len(s)-len(suf)]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(s[i])
			}
		case strings.HasPrefix(s[i:], "$${"):
			b.WriteString("${")
			i += 2
		case s[i] == '"':
			t.Fatalf("unescaped quote at %d in the user data expression", i)
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n got  %q\n want %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths differ: %d vs %d lines", len(al), len(bl))
}

func TestAutoScalingGroup(t *testing.T) {
	check := func(t *testing.T, doc map[string]any, cfg topology.Config) {
		asg := resource(t, doc, "aws_autoscaling_group", "app_asg")
		var private []string
		for i := 0; i < cfg.AZCount; i++ {
			private = append(private, ref("aws_subnet", fmt.Sprintf("private_%d", i), "id"))
		}
		if !equalSets(stringsOf(asg["vpc_zone_identifier"]), private) {
			t.Errorf("group subnets %v, want the private ones", asg["vpc_zone_identifier"])
		}
		if asg["min_size"] != float64(cfg.ASG.Min) || asg["max_size"] != float64(cfg.ASG.Max) || asg["desired_capacity"] != float64(cfg.ASG.Desired) {
			t.Errorf("sizes %v/%v/%v, want %+v", asg["min_size"], asg["desired_capacity"], asg["max_size"], cfg.ASG)
		}
		if asg["health_check_type"] != "ELB" || asg["health_check_grace_period"] != float64(cfg.Scaling.HealthCheckGraceSeconds) {
			t.Errorf("health check %v grace %v", asg["health_check_type"], asg["health_check_grace_period"])
		}
		if v := at(asg, "launch_template", "version"); v != ref("aws_launch_template", "app_lt", "latest_version") {
			t.Errorf("launch template version %v, want latest_version (never $Latest)", v)
		}
		ir := at(asg, "instance_refresh")
		if at(ir, "strategy") != "Rolling" || at(ir, "preferences", "min_healthy_percentage") != 100.0 ||
			at(ir, "preferences", "max_healthy_percentage") != 200.0 {
			t.Errorf("instance refresh = %v, want rolling and launch-before-terminate", ir)
		}
		// A new instance counts as healthy for the refresh only after the
		// same warm-up its ELB health checks get.
		if w := at(ir, "preferences", "instance_warmup"); w != fmt.Sprint(cfg.Scaling.HealthCheckGraceSeconds) {
			t.Errorf("instance refresh warm-up %v, want the health-check grace %d", w, cfg.Scaling.HealthCheckGraceSeconds)
		}
		if v := at(ir, "preferences", "scale_in_protected_instances"); v != "Refresh" {
			t.Errorf("scale_in_protected_instances %v, want Refresh (protected instances must not stall a refresh)", v)
		}
		if asg["protect_from_scale_in"] != cfg.ScaleInProtection {
			t.Errorf("scale-in protection %v, want %v", asg["protect_from_scale_in"], cfg.ScaleInProtection)
		}
		if !equalSets(stringsOf(asg["target_group_arns"]), []string{ref("aws_lb_target_group", "app_tg", "arn")}) {
			t.Errorf("target groups %v", asg["target_group_arns"])
		}
		pol := resource(t, doc, "aws_autoscaling_policy", "app_scaling")
		tt := at(pol, "target_tracking_configuration")
		if pol["policy_type"] != "TargetTrackingScaling" ||
			at(tt, "predefined_metric_specification", "predefined_metric_type") != "ALBRequestCountPerTarget" ||
			at(tt, "predefined_metric_specification", "resource_label") != ref("aws_lb", "alb", "arn_suffix")+"/"+ref("aws_lb_target_group", "app_tg", "arn_suffix") ||
			at(tt, "target_value") != float64(cfg.Scaling.TargetRequestsPerInstance) {
			t.Errorf("scaling policy = %v", pol)
		}
		if !equalSets(stringsOf(pol["depends_on"]), []string{"aws_lb_listener_rule.api_paths"}) {
			t.Errorf("scaling policy depends on %v, want the rule attaching the target group", pol["depends_on"])
		}
	}
	forEachProfile(t, topology.Config.StackName, check)
	t.Run("variant", func(t *testing.T) {
		ensureFixture(t)
		if !fixture.variant.ScaleInProtection {
			t.Fatal("variant should exercise scale-in protection")
		}
		doc := synthesizedVariant(t, fixture.variant.StackName())
		check(t, doc, fixture.variant)
		if v := resource(t, doc, "aws_autoscaling_group", "app_asg")["protect_from_scale_in"]; v != true {
			t.Errorf("variant scale-in protection %v, want true as configured", v)
		}
	})
	t.Run("profiles leave scale-in protection off by default", func(t *testing.T) {
		for _, p := range topology.Profiles() {
			if v := resource(t, synthesized(t, testConfig(t, p).StackName()), "aws_autoscaling_group", "app_asg")["protect_from_scale_in"]; v != false {
				t.Errorf("%s scale-in protection %v, want false (the default)", p, v)
			}
		}
	})
	t.Run("prod spans two AZs with two instances", func(t *testing.T) {
		cfg := testConfig(t, topology.Prod)
		if cfg.ASG.Min < 2 || cfg.AZCount < 2 {
			t.Errorf("prod min %d across %d AZs", cfg.ASG.Min, cfg.AZCount)
		}
	})
}

func TestSeedIsTheOriginalDesign(t *testing.T) {
	cfg := testConfig(t, topology.Seed)
	doc := synthesized(t, cfg.StackName())
	asg := resource(t, doc, "aws_autoscaling_group", "app_asg")
	if asg["min_size"] != 1.0 || asg["max_size"] != 1.0 {
		t.Errorf("seed group %v..%v, want min = max = 1", asg["min_size"], asg["max_size"])
	}
	if lt := resource(t, doc, "aws_launch_template", "app_lt"); lt["instance_type"] != "t3.micro" {
		t.Errorf("seed instance type %v", lt["instance_type"])
	}
	if n := len(resourcesOf(doc, "aws_nat_gateway")); n != 1 {
		t.Errorf("seed has %d NAT gateways, want 1", n)
	}
	for _, svc := range []string{"ssm", "ssmmessages", "ec2messages"} {
		e := resource(t, doc, "aws_vpc_endpoint", svc+"_interface")
		if len(stringsOf(e["subnet_ids"])) != 2 {
			t.Errorf("seed %s endpoint in %v, want both AZs", svc, e["subnet_ids"])
		}
	}
}

func TestUserDataIsBase64Sized(t *testing.T) {
	// EC2 rejects user data over 16 KiB after base64.
	for _, p := range topology.Profiles() {
		cfg := testConfig(t, p)
		lt := resource(t, synthesized(t, cfg.StackName()), "aws_launch_template", "app_lt")
		script := decodeUserData(t, lt["user_data"])
		if n := base64.StdEncoding.EncodedLen(len(script)); n > 16*1024 {
			t.Errorf("%s user data is %d bytes base64, over EC2's 16 KiB", p, n)
		}
	}
}

func TestMissingBinaryNamesMakeSynth(t *testing.T) {
	ensureFixture(t)
	cfg := testConfig(t, topology.Dev)
	_, err := NewDeployment(nil, Options{Config: cfg, BinaryPath: filepath.Join(t.TempDir(), "nope")})
	if err == nil || !strings.Contains(err.Error(), "make synth") {
		t.Errorf("got %v, want an error naming make synth", err)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := NewDeployment(nil, Options{Config: cfg, BinaryPath: empty}); err == nil || !strings.Contains(err.Error(), "make synth") {
		t.Errorf("empty binary: got %v", err)
	}
	bad := cfg
	bad.NATMode = "sometimes"
	if _, err := NewDeployment(nil, Options{Config: bad, BinaryPath: empty}); err == nil || !strings.Contains(err.Error(), "nat mode") {
		t.Errorf("invalid config: got %v", err)
	}
}
