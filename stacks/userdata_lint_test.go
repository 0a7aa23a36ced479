package stacks

import (
	"fmt"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/stacks/userdata"
	"github.com/docmeta/docmeta/stacks/userdata/udlint"
	"github.com/docmeta/docmeta/topology"
)

// instanceUserData is the bootstrap script an instance of a synthesized stack
// receives: the launch template's base64encode("...") argument with the
// Terraform references replaced by realistic values of what Terraform
// resolves them to (a bucket_prefix name with its 26-digit suffix, the
// object's key). A reference nobody resolves here fails the test, so a new
// one cannot slip into the script unlinted.
func instanceUserData(t *testing.T, doc map[string]any, cfg topology.Config) string {
	t.Helper()
	lt := resource(t, doc, "aws_launch_template", "app_lt")
	script := decodeUserData(t, lt["user_data"])
	key := fmt.Sprint(resource(t, doc, "aws_s3_object", "server_binary")["key"])
	if strings.Contains(key, "${") {
		t.Fatalf("object key %q is not a literal", key)
	}
	resolved := strings.NewReplacer(
		ref("aws_s3_bucket", "artifact_bucket", "bucket"), cfg.NamePrefix()+"-artifacts-20261127080000123400000001",
		ref("aws_s3_object", "server_binary", "key"), key,
		ref("aws_s3_object", "server_binary", "version_id"), "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY_MTRCxf3vjVBH40Nr8X8gdRQBpU",
	).Replace(script)
	if i := strings.Index(resolved, "${"); i >= 0 {
		t.Fatalf("user data has an unresolved Terraform reference near %q", resolved[i:min(len(resolved), i+60)])
	}
	return resolved
}

// TestSynthesizedUserDataPassesLinters runs shellcheck, systemd-analyze
// verify and logrotate -d on the user data of every synthesized profile (and
// the option variant), and on the unit and logrotate files its
// here-documents write.
func TestSynthesizedUserDataPassesLinters(t *testing.T) {
	type stack struct {
		name string
		doc  map[string]any
		cfg  topology.Config
	}
	var stacks []stack
	for _, p := range topology.Profiles() {
		cfg := testConfig(t, p)
		stacks = append(stacks, stack{string(p), synthesized(t, cfg.StackName()), cfg})
	}
	stacks = append(stacks, stack{"variant", synthesizedVariant(t, fixture.variant.StackName()), fixture.variant})
	for _, s := range stacks {
		t.Run(s.name, func(t *testing.T) {
			script := instanceUserData(t, s.doc, s.cfg)
			udlint.Shellcheck(t, script)

			unit := udlint.Heredoc(t, script, "UNIT")
			for _, line := range []string{
				"Environment=DOCMETA_TABLE=" + s.cfg.TableName(),
				"Environment=AWS_REGION=" + s.cfg.Region,
				"Environment=DOCMETA_API_KEYS_SSM_PARAMETER=" + s.cfg.APIKeyParameter,
			} {
				if !strings.Contains(unit, "\n"+line+"\n") {
					t.Errorf("unit lacks %q:\n%s", line, unit)
				}
			}
			udlint.SystemdVerify(t, userdata.UnitName, unit, userdata.UnitExecPaths()...)

			policy := udlint.Heredoc(t, script, "LOGROTATE")
			if !strings.Contains(policy, "\n    su "+userdata.User+" "+userdata.User+"\n") {
				t.Errorf("logrotate policy does not rotate as the service user:\n%s", policy)
			}
			out := udlint.LogrotateDebug(t, policy)
			for _, want := range []string{
				"rotating pattern: " + userdata.LogFile + "  after 1 days (7 rotations)",
				"log files >= 104857600 are rotated earlier",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("logrotate -d output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}
