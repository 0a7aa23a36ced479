package main

import (
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/internal/gobuild"

	"github.com/docmeta/docmeta/internal/serverproc"
	"github.com/docmeta/docmeta/internal/testenv"
)

const e2eAPIKey = "e2e-secret-key-0123456789"

// TestConsoleInTmuxAgainstRealServer drives the real binaries: it starts
// docmeta-server on a free loopback port with a temporary bolt directory,
// uploads files with curl, runs docmeta-console in a detached tmux session,
// reads the screen with capture-pane, switches views, filters, presses q and
// checks the console's exit code is 0. It runs at 80x24, the smallest
// terminal the console is made for: `? help` and `q quit` must be on screen.
func TestConsoleInTmuxAgainstRealServer(t *testing.T) {
	dir, server, console := e2eBinaries(t)
	base := startServer(t, dir, server)
	for name, body := range map[string]string{"alpha-notes.txt": "hello docmeta\n", "beta-report.pdf": "%PDF-1.4\n% e2e\n", "gamma.csv": "a,b\n1,2\n"} {
		upload(t, dir, base, name, body)
	}

	s := startTmux(t, dir, size{80, 24}, "", console, "--url", base, "--api-key", e2eAPIKey, "--interval", "2s")
	s.expect("Documents view", "[1 Documents]", "mode local", "server "+base, "alpha-notes.txt", "beta-report.pdf", "gamma.csv",
		"application/pdf", "3 documents", "updated ", "every 2s", "? help", "q quit")
	s.send("2")
	s.expect("Fleet view", "[2 Fleet]", "Local server", "reachable  yes", "store      bolt", "? help", "q quit")
	s.send("3")
	s.expect("Costs view", "[3 Costs]", "Cost model", "NAT gateway", "? help", "q quit")
	s.send("?")
	s.expect("Costs full help", "page up", "previous view", "ctrl+c")
	s.send("?")
	s.send("1", "/", "beta", "Enter")
	s.expect("Documents filtered", `1 match "beta"`, "beta-report.pdf")
	s.send("Enter")
	s.expect("Document detail", "declared type", "(sniffed)", "sha256", "? help", "q quit")

	// A file uploaded while the console runs appears on the next auto-refresh.
	upload(t, dir, base, "delta-late.txt", "late\n")
	s.send("Enter") // closes the detail pane
	waitFor(t, "detail closed", func() (bool, string) { sc := s.screen(); return !strings.Contains(sc, "declared type"), sc })
	s.send("Escape") // clears the filter
	s.expect("auto-refresh picks up a new upload", "delta-late.txt", "alpha-notes.txt", "4 documents · last page")

	s.send("q")
	s.exitCode(0)
}

// TestConsoleInTmuxAWSMode runs the real console binary in AWS mode: the
// outputs file names the real local server as the service URL, and the
// AWS_ENDPOINT_URL_* overrides point autoscaling, elbv2 and CloudWatch at a
// loopback fake (120x40: the size the README's AWS screens are captured at) speaking their wire protocols, with credentials from the
// environment (the standard chain).
func TestConsoleInTmuxAWSMode(t *testing.T) {
	dir, server, console := e2eBinaries(t)
	base := startServer(t, dir, server)
	upload(t, dir, base, "contract.pdf", "%PDF-1.7\n")
	fake := &fakeAWS{days: 14}
	aws := httptest.NewServer(fake)
	t.Cleanup(aws.Close)

	outputs := filepath.Join(dir, "outputs.json")
	os.WriteFile(outputs, []byte(fmt.Sprintf(`{"docmeta-dev":{"service_url":%q,"asg_name":"docmeta-prod-asg",
	  "target_group_arn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/docmeta-dev/0123456789abcdef",
	  "nat_gateway_ids":["nat-0e2e"],"interface_endpoint_ids":["vpce-0e2e1","vpce-0e2e2","vpce-0e2e3"],"region":"us-east-1",
	  "alb_arn_suffix":"app/docmeta-dev/1","target_group_arn_suffix":"targetgroup/docmeta-dev/2","table_name":"docmeta-dev-documents"}}`, base)), 0o600)
	env := strings.Join([]string{
		"AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=secret", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "none"),
		"AWS_ENDPOINT_URL_AUTO_SCALING=" + aws.URL, "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2=" + aws.URL,
		"AWS_ENDPOINT_URL_CLOUDWATCH=" + aws.URL, "AWS_ENDPOINT_URL_EC2=" + aws.URL,
	}, " ")
	s := startTmux(t, dir, size{120, 40}, env, console, "--outputs", outputs, "--api-key", e2eAPIKey, "--interval", "0")
	s.expect("AWS Documents view", "mode aws", "stack docmeta-dev", "credentials env  region us-east-1", "contract.pdf", "auto-refresh off")
	s.send("2")
	s.expect("AWS Fleet view", "Auto Scaling Group docmeta-prod-asg", "desired 2   min 2   max 4",
		"i-1", "eu-west-1a", "InService", "healthy", "1 of 1 instances healthy")
	s.send("Enter")
	s.expect("AWS Fleet instance detail", "instance       i-1", "launched       2026-11-27 08:46:40 UTC", "target state   healthy")
	// The next key waits for the list: ESC and a key sent at once read as
	// alt+key.
	s.send("Escape")
	s.expect("AWS Fleet list again", "1 of 1 instances healthy")
	s.send("3")
	s.expect("AWS Costs view", "Cost model", "dev vs seed:", "NAT gateways: nat-0e2e", "the stack reports 1",
		"Interface endpoints: vpce-0e2e1, vpce-0e2e2, vpce-0e2e3")
	s.send("f") // page down to the endpoint warning and the month's projection
	// The fake serves the 14 days before today; those of this month count
	// as observed, so early in a month fewer than 14 do.
	observed := fmt.Sprintf("observed on %d days", min(14, time.Now().UTC().Day()-1))
	s.expect("AWS Costs view, paged down", "interface endpoint(s) but the stack reports 3", "██ NAT", "Mean:", "projected", observed)
	s.send("4")
	s.expect("AWS Health view", "[4 Health]", "ALB requests", "ALB 5XX (target)", "Response p99", "Unhealthy hosts",
		"DynamoDB throttled", "Scaling activities", "Launching a new EC2 instance: i-1")
	s.send("q")
	s.exitCode(0)
}

func e2eBinaries(t *testing.T) (dir, server, console string) {
	t.Helper()
	for _, tool := range []string{"tmux", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is required by the console end-to-end test: install it (apt-get install %s; .ci/run does)", tool, tool)
		}
	}
	dir = t.TempDir()
	server = buildBinary(t, dir, "github.com/docmeta/docmeta/backend/cmd/docmeta-server")
	console = buildBinary(t, dir, "github.com/docmeta/docmeta/tui/cmd/docmeta-console")
	return dir, server, console
}

// startServer runs docmeta-server on a free loopback port with a temporary
// bolt directory and one API key, and waits for /status.
func startServer(t *testing.T, dir, server string) string {
	t.Helper()
	addr, err := testenv.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	p, err := serverproc.Start(serverproc.Config{
		Name: "docmeta-server", Bin: server, Addr: addr, LogPath: filepath.Join(dir, "server.log"), StartTimeout: 30 * time.Second,
		Args: []string{"--addr", addr, "--store", "bolt", "--data-dir", filepath.Join(dir, "data"), "--api-keys", e2eAPIKey},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("stop the server: %v", err)
		}
		if t.Failed() {
			t.Logf("server log (last lines):\n%s", p.Tail())
		}
	})
	return "http://" + addr
}

func upload(t *testing.T, dir, base, name, body string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("curl", "-sS", "--fail-with-body", "-H", "Authorization: Bearer "+e2eAPIKey,
		"-F", "file=@"+p, base+"/upload").CombinedOutput()
	if err != nil {
		t.Fatalf("curl upload %s: %v\n%s", name, err, out)
	}
}

// tmuxSession is the console running in a detached tmux session of a fixed
// size on its own server socket.
type tmuxSession struct {
	t        *testing.T
	socket   string
	exitFile string
}

// size is a terminal's columns and rows.
type size struct{ cols, rows int }

func startTmux(t *testing.T, dir string, sz size, env, console string, args ...string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("docmeta-e2e-%d-%s", os.Getpid(), filepath.Base(dir)), exitFile: filepath.Join(dir, "exit")}
	errFile := filepath.Join(dir, "console.stderr")
	script := fmt.Sprintf("%s %s %s 2>%s; echo $? > %s", env, console, strings.Join(args, " "), errFile, s.exitFile)
	t.Cleanup(func() {
		exec.Command("tmux", "-L", s.socket, "kill-server").Run()
		if t.Failed() {
			code, _ := os.ReadFile(s.exitFile)
			stderr, _ := os.ReadFile(errFile)
			t.Logf("console exit code %q, stderr:\n%s", code, stderr)
		}
	})
	s.tmux("new-session", "-d", "-s", "console", "-x", fmt.Sprint(sz.cols), "-y", fmt.Sprint(sz.rows), "sh", "-c", script)
	return s
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) send(keys ...string) {
	s.t.Helper()
	s.tmux(append([]string{"send-keys", "-t", "console"}, keys...)...)
}

func (s *tmuxSession) screen() string {
	s.t.Helper()
	return s.tmux("capture-pane", "-p", "-t", "console")
}

// expect waits until the screen shows every want, and logs the screen.
func (s *tmuxSession) expect(what string, wants ...string) {
	s.t.Helper()
	var last string
	waitFor(s.t, what, func() (bool, string) {
		last = s.screen()
		for _, w := range wants {
			if !strings.Contains(last, w) {
				return false, "missing " + w + " in:\n" + last
			}
		}
		return true, ""
	})
	s.t.Logf("%s:\n%s", what, last)
}

// exitCode waits for the console to exit and checks its status.
func (s *tmuxSession) exitCode(want int) {
	s.t.Helper()
	waitFor(s.t, "console exit", func() (bool, string) {
		b, err := os.ReadFile(s.exitFile)
		return err == nil && len(b) > 0, "no exit code yet"
	})
	code, _ := os.ReadFile(s.exitFile)
	if got := strings.TrimSpace(string(code)); got != fmt.Sprint(want) {
		s.t.Fatalf("console exited with %q, want %d", got, want)
	}
}

func buildBinary(t *testing.T, dir, pkg string) string {
	t.Helper()
	bin, err := gobuild.Binary(dir, pkg)
	if err != nil {
		t.Fatal(err)
	}
	return bin
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
