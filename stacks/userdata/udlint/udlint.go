// Package udlint runs the three linters of the instance bootstrap —
// shellcheck on the script, systemd-analyze verify on the unit it writes,
// logrotate -d on the policy it writes — for tests of both the renderer
// (stacks/userdata) and the synthesized stacks (stacks), so the checks are
// the same whether they see a rendered sample or a profile's real user data.
// Missing tools fail the test with the install step; they are never skipped.
package udlint

import (
	"errors"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Heredoc returns the body a script writes with `cat >path <<'MARK'`, so the
// linters check the files exactly as user data carries them.
func Heredoc(t testing.TB, script, mark string) string {
	t.Helper()
	start := strings.Index(script, "<<'"+mark+"'\n")
	if start < 0 {
		t.Fatalf("script has no <<'%s' here-document", mark)
	}
	body := script[start+len("<<'"+mark+"'\n"):]
	end := strings.Index(body, "\n"+mark+"\n")
	if end < 0 {
		t.Fatalf("here-document %s is not terminated", mark)
	}
	return body[:end+1]
}

// Shellcheck runs shellcheck (every severity) on a bash script.
func Shellcheck(t testing.TB, script string) {
	t.Helper()
	sc := tool(t, "shellcheck", "shellcheck")
	dir := t.TempDir()
	path := filepath.Join(dir, "user-data.sh")
	write(t, path, script, 0o644)
	run(t, dir, sc, "--shell=bash", "--severity=style", path)
}

// SystemdVerify runs `systemd-analyze verify` on a unit installed as
// /etc/systemd/system/<name> in a scratch root that has the binaries the unit
// executes (execPaths) and this machine's standard targets; any output fails.
func SystemdVerify(t testing.TB, name, unit string, execPaths ...string) {
	t.Helper()
	sa := tool(t, "systemd-analyze", "systemd")
	dir := t.TempDir()
	// verify resolves ExecStart and ExecStartPre, so give it a root with the
	// binaries where the instance will have them.
	root := filepath.Join(dir, "root")
	for _, p := range execPaths {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, full, "#!/bin/sh\n", 0o755)
	}
	// The standard targets (sysinit.target, multi-user.target, ...) the unit
	// is ordered against come from this machine's systemd.
	copyUnits(t, "/usr/lib/systemd/system", filepath.Join(root, "usr/lib/systemd/system"))
	unitPath := filepath.Join(root, "etc/systemd/system", name)
	if err := os.MkdirAll(filepath.Dir(unitPath), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, unitPath, unit, 0o644)
	if out := run(t, dir, sa, "verify", "--man=no", "--root="+root, unitPath); strings.TrimSpace(out) != "" {
		t.Fatalf("systemd-analyze verify reported:\n%s", out)
	}
}

// suDirectiveRe is logrotate's "su <user> <group>" line.
var suDirectiveRe = regexp.MustCompile(`(?m)^(\s*su)\s+\S+\s+\S+\s*$`)

// LogrotateDebug runs `logrotate -d` on a policy with a scratch state file,
// fails on any reported error, and returns the debug output for further
// assertions. logrotate resolves an "su" directive's user and group while
// parsing, and the instance's service user does not exist where the linter
// runs, so the directive is linted as the current user and group; callers
// assert the real names on the policy text.
func LogrotateDebug(t testing.TB, conf string) string {
	t.Helper()
	lr := tool(t, "logrotate", "logrotate")
	dir := t.TempDir()
	path := filepath.Join(dir, "docmeta")
	if suDirectiveRe.MatchString(conf) {
		u, err := user.Current()
		if err != nil {
			t.Fatalf("current user: %v", err)
		}
		g, err := user.LookupGroupId(u.Gid)
		if err != nil {
			t.Fatalf("group %s: %v", u.Gid, err)
		}
		conf = suDirectiveRe.ReplaceAllString(conf, "${1} "+u.Username+" "+g.Name)
	}
	write(t, path, conf, 0o644)
	out := run(t, dir, lr, "-d", "-s", filepath.Join(dir, "state"), path)
	if strings.Contains(strings.ToLower(out), "error") {
		t.Fatalf("logrotate -d reported an error:\n%s", out)
	}
	return out
}

func tool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install it with `apt-get install %s` (.ci/run does)", name, pkg)
	}
	return p
}

func write(t testing.TB, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func run(t testing.TB, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s: %v", name, err)
	}
	if err != nil {
		t.Fatalf("%s %s failed: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// copyUnits copies a systemd unit directory, recreating its symlinks as they
// are (absolute targets then resolve inside the verify root).
func copyUnits(t testing.TB, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatalf("read %s (install the systemd package): %v", src, err)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		from, to := filepath.Join(src, e.Name()), filepath.Join(dst, e.Name())
		switch {
		case e.Type()&os.ModeSymlink != 0:
			target, err := os.Readlink(from)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, to); err != nil {
				t.Fatal(err)
			}
		case e.Type().IsRegular():
			data, err := os.ReadFile(from)
			if err != nil {
				t.Fatal(err)
			}
			write(t, to, string(data), 0o644)
		}
	}
}
