package userdata_test

import (
	"strings"
	"testing"

	"github.com/docmeta/docmeta/stacks/userdata"
	"github.com/docmeta/docmeta/stacks/userdata/udlint"
)

// These lint a rendered sample; stacks/userdata_lint_test.go runs the same
// linters on the user data of every synthesized profile.

// lintSample is a realistic parameter set; the bucket is a concrete name here
// because the linters see what an instance sees after Terraform resolved it.
func lintSample(t *testing.T) userdata.Rendered {
	t.Helper()
	r, err := userdata.Render(userdata.Params{
		Region:          "us-east-1",
		Table:           "docmeta-dev-documents",
		APIKeyParameter: "/docmeta/dev/api-keys",
		ArtifactBucket:  "docmeta-dev-artifacts-20261127070000000000000001",
		ArtifactKey:     "docmeta-server/linux-arm64/docmeta-server",
		ArtifactVersion: "3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY_MTRCxf3vjVBH40Nr8X8gdRQBpU",
		BinarySHA256:    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestUserDataPassesShellcheck(t *testing.T) {
	udlint.Shellcheck(t, lintSample(t).Script)
}

func TestUnitPassesSystemdAnalyzeVerify(t *testing.T) {
	r := lintSample(t)
	unit := udlint.Heredoc(t, r.Script, "UNIT")
	if unit != r.Unit {
		t.Fatal("the unit embedded in user data differs from the rendered unit")
	}
	udlint.SystemdVerify(t, userdata.UnitName, unit, userdata.UnitExecPaths()...)
}

func TestLogrotatePassesDebugRun(t *testing.T) {
	r := lintSample(t)
	conf := udlint.Heredoc(t, r.Script, "LOGROTATE")
	if conf != r.Logrotate {
		t.Fatal("the logrotate policy embedded in user data differs from the rendered one")
	}
	out := udlint.LogrotateDebug(t, conf)
	for _, want := range []string{
		"rotating pattern: " + userdata.LogFile + "  after 1 days (7 rotations)", "old logs are removed",
		"log files >= 104857600 are rotated earlier",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("logrotate -d output lacks %q:\n%s", want, out)
		}
	}
}
