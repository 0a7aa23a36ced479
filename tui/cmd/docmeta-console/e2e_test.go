package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConsoleInTmuxAgainstRealServer drives the real binaries: it starts
// docmeta-server on a free loopback port with a temporary bolt directory,
// uploads files with curl, runs docmeta-console in a detached tmux session,
// reads the screen with capture-pane, switches views, filters, presses q and
// checks the console's exit code is 0.
func TestConsoleInTmuxAgainstRealServer(t *testing.T) {
	for _, tool := range []string{"tmux", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is required by the console end-to-end test: install it (apt-get install %s; .ci/run does)", tool, tool)
		}
	}
	dir := t.TempDir()
	server := buildBinary(t, dir, "github.com/docmeta/docmeta/backend/cmd/docmeta-server", "docmeta-server")
	console := buildBinary(t, dir, "github.com/docmeta/docmeta/tui/cmd/docmeta-console", "docmeta-console")

	const apiKey = "e2e-secret-key"
	addr := freeAddr(t)
	base := "http://" + addr
	srv := exec.Command(server, "--addr", addr, "--store", "bolt", "--data-dir", filepath.Join(dir, "data"), "--api-keys", apiKey)
	srv.Env = append(os.Environ(), "DOCMETA_LOG_FILE=")
	srvLog, _ := os.Create(filepath.Join(dir, "server.log"))
	srv.Stdout, srv.Stderr = srvLog, srvLog
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Process.Signal(os.Interrupt)
		srv.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			t.Logf("server log:\n%s", b)
		}
	})
	waitFor(t, "server /status", func() (bool, string) {
		resp, err := http.Get(base + "/status")
		if err != nil {
			return false, err.Error()
		}
		resp.Body.Close()
		return resp.StatusCode == 200, resp.Status
	})

	files := map[string]string{"alpha-notes.txt": "hello docmeta\n", "beta-report.pdf": "%PDF-1.4\n% e2e\n", "gamma.csv": "a,b\n1,2\n"}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("curl", "-sS", "--fail-with-body", "-H", "Authorization: Bearer "+apiKey,
			"-F", "file=@"+p, base+"/upload").CombinedOutput()
		if err != nil {
			t.Fatalf("curl upload %s: %v\n%s", name, err, out)
		}
	}

	socket := fmt.Sprintf("docmeta-e2e-%d", os.Getpid())
	exitFile := filepath.Join(dir, "exit")
	tmux := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("tmux", append([]string{"-L", socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	t.Cleanup(func() { exec.Command("tmux", "-L", socket, "kill-server").Run() })
	errFile := filepath.Join(dir, "console.stderr")
	script := fmt.Sprintf("%s --url %s --api-key %s --interval 2s 2>%s; echo $? > %s", console, base, apiKey, errFile, exitFile)
	t.Cleanup(func() {
		if t.Failed() {
			code, _ := os.ReadFile(exitFile)
			stderr, _ := os.ReadFile(errFile)
			t.Logf("console exit code %q, stderr:\n%s", code, stderr)
		}
	})
	tmux("new-session", "-d", "-s", "console", "-x", "120", "-y", "40", "sh", "-c", script)
	screen := func() string { return tmux("capture-pane", "-p", "-t", "console") }
	expect := func(what string, wants ...string) string {
		t.Helper()
		var last string
		waitFor(t, what, func() (bool, string) {
			last = screen()
			for _, w := range wants {
				if !strings.Contains(last, w) {
					return false, "missing " + w + " in:\n" + last
				}
			}
			return true, ""
		})
		t.Logf("%s:\n%s", what, last)
		return last
	}

	expect("Documents view", "[1 Documents]", "mode local", "server "+base, "alpha-notes.txt", "beta-report.pdf", "gamma.csv",
		"application/pdf", "3 documents", "auto-refresh 2s")
	tmux("send-keys", "-t", "console", "2")
	expect("Fleet view", "[2 Fleet]", "Local server", "reachable  yes", "store      bolt")
	tmux("send-keys", "-t", "console", "3")
	expect("Costs view", "[3 Costs]", "Cost model", "NAT gateways", "dev vs seed:")
	tmux("send-keys", "-t", "console", "1", "/", "beta", "Enter")
	expect("Documents filtered", `1 match "beta"`, "beta-report.pdf")
	tmux("send-keys", "-t", "console", "Enter")
	expect("Document detail", "declared type", "(sniffed)", "sha256")

	// A file uploaded while the console runs appears on the next auto-refresh.
	late := filepath.Join(dir, "delta-late.txt")
	os.WriteFile(late, []byte("late\n"), 0o600)
	if out, err := exec.Command("curl", "-sS", "--fail-with-body", "-H", "Authorization: Bearer "+apiKey, "-F", "file=@"+late, base+"/upload").CombinedOutput(); err != nil {
		t.Fatalf("curl: %v\n%s", err, out)
	}
	tmux("send-keys", "-t", "console", "Enter") // closes the detail pane
	waitFor(t, "detail closed", func() (bool, string) { s := screen(); return !strings.Contains(s, "declared type"), s })
	tmux("send-keys", "-t", "console", "Escape") // clears the filter
	expect("auto-refresh picks up a new upload", "delta-late.txt", "alpha-notes.txt", "4 documents · last page")

	tmux("send-keys", "-t", "console", "q")
	waitFor(t, "console exit", func() (bool, string) {
		b, err := os.ReadFile(exitFile)
		return err == nil && len(b) > 0, "no exit code yet"
	})
	code, _ := os.ReadFile(exitFile)
	if strings.TrimSpace(string(code)) != "0" {
		t.Fatalf("console exited with %q, want 0", strings.TrimSpace(string(code)))
	}
}

func buildBinary(t *testing.T, dir, pkg, name string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitFor polls cond every 100ms for at most 30s (a bound for a stuck
// program, not a speed requirement).
func waitFor(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var detail string
	for time.Now().Before(deadline) {
		var ok bool
		if ok, detail = cond(); ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: not reached within 30s; last: %s", what, detail)
}
