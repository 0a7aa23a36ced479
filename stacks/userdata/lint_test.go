package userdata_test

import (
	"strings"
	"testing"

	"github.com/docmeta/docmeta/stacks/userdata"
	"github.com/docmeta/docmeta/stacks/userdata/udlint"
)

// These lint a rendered sample; stacks/userdata_lint_test.go runs the same
// linters on the user data of every synthesized profile.

func TestUserDataPassesShellcheck(t *testing.T) {
	udlint.Shellcheck(t, userdata.RenderSample(t).Script)
}

func TestUnitPassesSystemdAnalyzeVerify(t *testing.T) {
	r := userdata.RenderSample(t)
	unit := udlint.Heredoc(t, r.Script, "UNIT")
	if unit != r.Unit {
		t.Fatal("the unit embedded in user data differs from the rendered unit")
	}
	udlint.SystemdVerify(t, userdata.UnitName, unit, userdata.UnitExecPaths()...)
}

func TestLogrotatePassesDebugRun(t *testing.T) {
	r := userdata.RenderSample(t)
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
