package userdata

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// sample is a realistic parameter set; the bucket is a concrete name here
// because the linters see what an instance sees after Terraform resolved it.
func sample() Params {
	return Params{
		Region:          "us-east-1",
		Table:           "docmeta-dev-documents",
		APIKeyParameter: "/docmeta/dev/api-keys",
		ArtifactBucket:  "docmeta-dev-artifacts-20261127070000000000000001",
		ArtifactKey:     "docmeta-server/linux-arm64/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		BinarySHA256:    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	}
}

// heredoc returns the body the script writes with `<<'MARK'`, so the linters
// check the files exactly as user data carries them.
func heredoc(t *testing.T, script, mark string) string {
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

func tool(t *testing.T, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install it with `apt-get install %s` (.ci/run does)", name, install)
	}
	return p
}

func run(t *testing.T, dir string, name string, args ...string) string {
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

func rendered(t *testing.T) (Rendered, string) {
	t.Helper()
	r, err := Render(sample())
	if err != nil {
		t.Fatal(err)
	}
	return r, t.TempDir()
}

func TestUserDataPassesShellcheck(t *testing.T) {
	sc := tool(t, "shellcheck", "shellcheck")
	r, dir := rendered(t)
	path := filepath.Join(dir, "user-data.sh")
	if err := os.WriteFile(path, []byte(r.Script), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, sc, "--shell=bash", "--severity=style", path)
}

func TestUnitPassesSystemdAnalyzeVerify(t *testing.T) {
	sa := tool(t, "systemd-analyze", "systemd")
	r, dir := rendered(t)
	unit := heredoc(t, r.Script, "UNIT")
	if unit != r.Unit {
		t.Fatal("the unit embedded in user data differs from the rendered unit")
	}
	// verify resolves ExecStart and ExecStartPre, so give it a root with the
	// binaries where the instance will have them.
	root := filepath.Join(dir, "root")
	for _, p := range []string{BinaryPath, "/usr/bin/sha256sum", "/bin/kill"} {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The standard targets (sysinit.target, multi-user.target, ...) the unit
	// is ordered against come from this machine's systemd.
	copyUnits(t, "/usr/lib/systemd/system", filepath.Join(root, "usr/lib/systemd/system"))
	unitPath := filepath.Join(root, "etc/systemd/system", UnitName)
	if err := os.MkdirAll(filepath.Dir(unitPath), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(unitPath, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	out := run(t, dir, sa, "verify", "--man=no", "--root="+root, unitPath)
	if strings.TrimSpace(out) != "" {
		t.Fatalf("systemd-analyze verify reported:\n%s", out)
	}
}

func TestLogrotatePassesDebugRun(t *testing.T) {
	lr := tool(t, "logrotate", "logrotate")
	r, dir := rendered(t)
	conf := heredoc(t, r.Script, "LOGROTATE")
	if conf != r.Logrotate {
		t.Fatal("the logrotate policy embedded in user data differs from the rendered one")
	}
	path := filepath.Join(dir, "docmeta")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out := run(t, dir, lr, "-d", "-s", filepath.Join(dir, "state"), path)
	if strings.Contains(strings.ToLower(out), "error") {
		t.Fatalf("logrotate -d reported an error:\n%s", out)
	}
	for _, want := range []string{"rotating pattern: " + LogFile + "  after 1 days (7 rotations)", "old logs are removed"} {
		if !strings.Contains(out, want) {
			t.Errorf("logrotate -d output lacks %q:\n%s", want, out)
		}
	}
}

// copyUnits copies a systemd unit directory, recreating its symlinks as they
// are (absolute targets then resolve inside the verify root).
func copyUnits(t *testing.T, src, dst string) {
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
			if err := os.WriteFile(to, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
