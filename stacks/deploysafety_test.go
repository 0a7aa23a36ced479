package stacks

import (
	"strings"
	"testing"

	"github.com/docmeta/docmeta/topology"
)

// forEachStack runs check on every profile's application stack and on the
// option variant.
func forEachStack(t *testing.T, check func(t *testing.T, doc map[string]any, cfg topology.Config)) {
	t.Helper()
	for _, p := range topology.Profiles() {
		t.Run(string(p), func(t *testing.T) {
			cfg := testConfig(t, p)
			check(t, synthesized(t, cfg.StackName()), cfg)
		})
	}
	t.Run("variant", func(t *testing.T) {
		ensureFixture(t)
		check(t, synthesizedVariant(t, fixture.variant.StackName()), fixture.variant)
	})
}

// TestApplyFailsWhenNoInstanceTurnsHealthy: without a capacity wait,
// `cdktf deploy` reports success while the only instance fails to boot.
func TestApplyFailsWhenNoInstanceTurnsHealthy(t *testing.T) {
	forEachStack(t, func(t *testing.T, doc map[string]any, cfg topology.Config) {
		asg := resource(t, doc, "aws_autoscaling_group", "app_asg")
		if asg["min_elb_capacity"] != float64(cfg.ASG.Min) || asg["wait_for_capacity_timeout"] != waitForCapacityTimeout {
			t.Errorf("capacity wait: min_elb_capacity %v timeout %v, want %d healthy within %s",
				asg["min_elb_capacity"], asg["wait_for_capacity_timeout"], cfg.ASG.Min, waitForCapacityTimeout)
		}
		if cfg.ASG.Min < 1 {
			t.Errorf("%s min size %d: the capacity wait proves nothing without an instance", cfg.Profile, cfg.ASG.Min)
		}
	})
}

// TestReplacementLaunchesBeforeTermination: health replacement and refresh
// keep capacity, and a refresh that never turns healthy rolls back.
func TestReplacementLaunchesBeforeTermination(t *testing.T) {
	forEachStack(t, func(t *testing.T, doc map[string]any, cfg topology.Config) {
		asg := resource(t, doc, "aws_autoscaling_group", "app_asg")
		mp := at(asg, "instance_maintenance_policy")
		if at(mp, "min_healthy_percentage") != 100.0 || at(mp, "max_healthy_percentage") != 200.0 {
			t.Errorf("instance maintenance policy = %v, want 100/200 (launch before terminate)", mp)
		}
		if v := at(asg, "instance_refresh", "preferences", "auto_rollback"); v != true {
			t.Errorf("instance refresh auto_rollback = %v, want true", v)
		}
	})
}

// TestBurstableInstancesUseStandardCredits: t3/t4g launch "unlimited" by
// default, billed beyond the baseline; the cost model prices standard.
func TestBurstableInstancesUseStandardCredits(t *testing.T) {
	forEachStack(t, func(t *testing.T, doc map[string]any, cfg topology.Config) {
		cs := at(resource(t, doc, "aws_launch_template", "app_lt"), "credit_specification")
		burstable := strings.HasPrefix(cfg.InstanceType, "t")
		switch {
		case burstable && at(cs, "cpu_credits") != "standard":
			t.Errorf("%s: credit_specification %v, want cpu_credits standard", cfg.InstanceType, cs)
		case !burstable && cs != nil:
			t.Errorf("%s is not burstable but has credit_specification %v (AWS rejects it)", cfg.InstanceType, cs)
		}
	})
	for typ, want := range map[string]bool{"t4g.micro": true, "t3a.large": true, "t2.nano": true, "m7g.medium": false, "c6gn.large": false} {
		if got := (topology.Config{InstanceType: typ}).Burstable(); got != want {
			t.Errorf("Burstable(%s) = %v, want %v", typ, got, want)
		}
	}
}

// TestReplaceableNames: fixed names on security groups and the target group
// block a create-before-destroy replacement (the name is still taken).
func TestReplaceableNames(t *testing.T) {
	forEachStack(t, func(t *testing.T, doc map[string]any, cfg topology.Config) {
		for name, sg := range resourcesOf(doc, "aws_security_group") {
			if sg["name"] != nil || !strings.HasPrefix(stringOf(sg["name_prefix"]), cfg.NamePrefix()+"-") ||
				at(sg, "lifecycle", "create_before_destroy") != true {
				t.Errorf("security group %s: name %v name_prefix %v lifecycle %v, want a name_prefix and create_before_destroy",
					name, sg["name"], sg["name_prefix"], sg["lifecycle"])
			}
		}
		tg := resource(t, doc, "aws_lb_target_group", "app_tg")
		prefix := stringOf(tg["name_prefix"])
		if tg["name"] != nil || prefix == "" || len(prefix) > 6 || at(tg, "lifecycle", "create_before_destroy") != true {
			t.Errorf("target group: name %v name_prefix %q lifecycle %v, want a name_prefix of at most 6 characters and create_before_destroy",
				tg["name"], prefix, tg["lifecycle"])
		}
	})
}

// TestAPIKeyParameterCheckedAtPlanTime: a missing parameter fails the plan
// instead of an instance that never serves; nothing decrypted reaches state.
func TestAPIKeyParameterCheckedAtPlanTime(t *testing.T) {
	forEachStack(t, func(t *testing.T, doc map[string]any, cfg topology.Config) {
		data, _ := at(doc, "data", "aws_ssm_parameter").(map[string]any)
		p, _ := data["api_key_parameter"].(map[string]any)
		if p == nil {
			t.Fatalf("no data.aws_ssm_parameter.api_key_parameter; data sources: %v", sortedKeys(data))
		}
		if p["name"] != cfg.APIKeyParameter || p["with_decryption"] != false {
			t.Errorf("api key parameter check: name %v with_decryption %v, want %s without decryption", p["name"], p["with_decryption"], cfg.APIKeyParameter)
		}
		// Read at plan time: its arguments are literals, nothing unknown.
		if strings.Contains(stringOf(p["name"]), "${") {
			t.Errorf("parameter name %v is not a literal; the read would be deferred to apply", p["name"])
		}
		post := at(p, "lifecycle", "postcondition")
		if at(post, "condition") != `${self.type == "SecureString"}` ||
			!strings.Contains(stringOf(at(post, "error_message")), APIKeyPutCommand(cfg.Region, cfg.APIKeyParameter)) {
			t.Errorf("postcondition = %v, want type SecureString with the put-parameter command", post)
		}
	})
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}

// TestExportObjectsCannotBeDeleted: a mistaken delete of an export neither
// removes it nor leaves a noncurrent version to expire, while the
// teardown's table export can still write.
func TestExportObjectsCannotBeDeleted(t *testing.T) {
	for _, p := range topology.Profiles() {
		t.Run(string(p), func(t *testing.T) {
			doc := synthesized(t, testConfig(t, p).ExportStackName())
			pol := parsePolicy(t, resource(t, doc, "aws_s3_bucket_policy", "export_bucket_policy")["policy"])
			arn := ref("aws_s3_bucket", "export_bucket", "arn")
			d := statement(t, pol, "ExportsCannotBeDeleted")
			if d.Effect != "Deny" || d.Principal != "*" || len(d.Condition) != 0 ||
				!equalSets(d.Action, []string{"s3:DeleteObject", "s3:DeleteObjectVersion"}) || !equalSets(d.Resource, []string{arn + "/*"}) {
				t.Errorf("delete protection = %+v, want an unconditional Deny of object and version deletes", d)
			}
			// What a DynamoDB export to S3 does with the caller's
			// permissions: no unconditional Deny may cover it.
			for _, st := range pol.Statement {
				if st.Effect != "Deny" || len(st.Condition) != 0 {
					continue
				}
				for _, a := range st.Action {
					for _, w := range []string{"s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject", "s3:ListBucket"} {
						if a == w || a == "s3:*" || a == "*" {
							t.Errorf("%s denies %s, which the teardown's export needs", st.Sid, w)
						}
					}
				}
			}
		})
	}
}
