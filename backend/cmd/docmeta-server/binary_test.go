package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docmeta/docmeta/internal/gobuild"

	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/internal/dynalitetest"
)

// serverBin is the docmeta-server binary built by TestMain, so fail-fast
// checks run the real process: its exit status, its stderr, its startup.
var serverBin string

func TestMain(m *testing.M) {
	gobuild.RunWithBinary(m, "docmeta-server tests", "github.com/docmeta/docmeta/backend/cmd/docmeta-server", &serverBin)
}

// failFastLimit is the promise of docs/CONFIGURATION.md: a configuration
// mistake stops the process within 2 s. Like `timeout 2`, it is a bound on a process that
// must end, not a speed measurement: the mistakes below are found without
// waiting on the network, in milliseconds.
const failFastLimit = 2 * time.Second

// execServer runs the binary with only the given environment (plus PATH and
// a HOME without ~/.aws, so nothing of the machine's AWS setup leaks in),
// killing it after limit. It returns the exit code (-1 if killed), stdout
// and stderr.
func execServer(t *testing.T, limit time.Duration, kv map[string]string, args ...string) (int, string, string) {
	t.Helper()
	envs := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "DOCMETA_ADDR=127.0.0.1:0", "DOCMETA_DATA_DIR=" + t.TempDir()}
	for k, v := range kv {
		envs = append(envs, k+"="+v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, serverBin, args...)
	cmd.Env = envs
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return -1, stdout.String(), stderr.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String()
	case err != nil:
		t.Fatalf("cannot run %s: %v", serverBin, err)
	}
	return 0, stdout.String(), stderr.String()
}

// checkFailsFast requires a non-zero exit within failFastLimit and exactly
// one line on stderr that mentions each of want, as checkMessage does for
// the error run returns.
func checkFailsFast(t *testing.T, kv map[string]string, want ...string) {
	t.Helper()
	code, stdout, stderr := execServer(t, failFastLimit, kv)
	switch code {
	case -1:
		t.Fatalf("still running after %s; want a start-up failure\nstdout:\n%s\nstderr:\n%s", failFastLimit, stdout, stderr)
	case 0:
		t.Fatalf("exit status 0; want a start-up failure\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
	t.Logf("exit %d", code)
	line := strings.TrimSuffix(stderr, "\n")
	if line == "" {
		t.Fatal("stderr is empty; want one line naming the mistake")
	}
	checkMessage(t, line, want...)
}

// TestBinaryFailsFast runs the real binary for each start-up mistake an
// operator can make: a missing or wrong setting, an unusable file or port.
//
// The unwritable cases must fail for root too (CI runs as root, and root
// ignores file modes, so a chmod 0500 directory would not fail): a path
// under a regular file fails for everyone (ENOTDIR), and sysfs refuses to
// create files even for root (EACCES: permission denied; EROFS where /sys
// is mounted read-only), which is the permission-denied case.
func TestBinaryFailsFast(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-regular-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"dynamodb without region", map[string]string{"DOCMETA_STORE": "dynamodb", "DOCMETA_TABLE": "t"}, []string{"AWS_REGION"}},
		{"dynamodb without table", map[string]string{"DOCMETA_STORE": "dynamodb", "AWS_REGION": "us-east-1"}, []string{"DOCMETA_TABLE"}},
		{"data dir under a regular file", map[string]string{"DOCMETA_DATA_DIR": filepath.Join(file, "data")}, []string{"DOCMETA_DATA_DIR"}},
		{"data dir where even root cannot create files", map[string]string{"DOCMETA_DATA_DIR": "/sys"}, []string{"DOCMETA_DATA_DIR", "/sys/docmeta.db"}},
		{"log file under a regular file", map[string]string{"DOCMETA_LOG_FILE": filepath.Join(file, "docmeta.log")}, []string{"DOCMETA_LOG_FILE"}},
		{"log file where even root cannot create files", map[string]string{"DOCMETA_LOG_FILE": "/sys/docmeta.log"}, []string{"DOCMETA_LOG_FILE", "/sys/docmeta.log"}},
		{"malformed upload limit", map[string]string{"DOCMETA_MAX_UPLOAD_BYTES": "100MB"}, []string{"DOCMETA_MAX_UPLOAD_BYTES"}},
		{"malformed duration", map[string]string{"DOCMETA_SHUTDOWN_TIMEOUT": "25"}, []string{"DOCMETA_SHUTDOWN_TIMEOUT"}},
		{"malformed boolean", map[string]string{"DOCMETA_ALLOW_ANONYMOUS": "yes please"}, []string{"DOCMETA_ALLOW_ANONYMOUS"}},
		{"non-loopback address without keys", map[string]string{"DOCMETA_ADDR": "0.0.0.0:0"}, []string{"DOCMETA_API_KEYS", "DOCMETA_ALLOW_ANONYMOUS"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkFailsFast(t, tc.env, tc.want...)
		})
	}
}

// TestBinaryFailsFastOnMissingTable: a reachable DynamoDB endpoint answers
// DescribeTable with ResourceNotFound at once, so a wrong table name stops
// the process within the same bound. (An unreachable endpoint is another
// case: it is bounded by the client's timeouts; see docs/CONFIGURATION.md.)
func TestBinaryFailsFastOnMissingTable(t *testing.T) {
	dl := dynalitetest.Start(t)
	// Warm dynalite up (Node compiles its handlers on first use), so the
	// bound applies to the server's start and not to the emulator's.
	dl.NewTable(t)
	checkFailsFast(t, map[string]string{
		"DOCMETA_STORE": "dynamodb", "AWS_REGION": dynalitetest.Region, "DOCMETA_TABLE": "no-such-table",
		"AWS_ENDPOINT_URL_DYNAMODB": dl.Endpoint,
	}, "no-such-table", "not found", "DOCMETA_TABLE")
}

// silentEndpoint is a loopback HTTP endpoint that accepts connections and
// never answers: a blackholed AWS endpoint (no route, a security group or
// a VPC endpoint policy dropping traffic) as seen from the client.
func silentEndpoint(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// TestBinaryFailsOnUnansweringEndpoint: an endpoint that never answers is
// not a mistake the server can recognise from a reply; it is bounded by
// the start-up timeouts (DynamoDB 3 s, SSM 5 s; docs/CONFIGURATION.md says
// why they are above 2 s). The check is that the process does not hang
// and says which endpoint to look at; the limit is twice the timeout.
func TestBinaryFailsOnUnansweringEndpoint(t *testing.T) {
	for _, tc := range []struct {
		name    string
		timeout time.Duration
		env     func(endpoint string) map[string]string
		want    []string
	}{
		{"dynamodb", dynamo.OpenTimeout, func(e string) map[string]string {
			return map[string]string{"DOCMETA_STORE": "dynamodb", "AWS_REGION": "us-east-1", "DOCMETA_TABLE": "t", "AWS_ENDPOINT_URL_DYNAMODB": e}
		}, []string{"AWS_ENDPOINT_URL_DYNAMODB", "network access"}},
		{"ssm", ssmTimeout, func(e string) map[string]string {
			return map[string]string{"DOCMETA_API_KEYS_SSM_PARAMETER": "/docmeta/keys", "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_SSM": e}
		}, []string{"DOCMETA_API_KEYS_SSM_PARAMETER", "network access"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			limit := 2 * tc.timeout
			code, stdout, stderr := execServer(t, limit, tc.env(silentEndpoint(t)))
			if code <= 0 {
				t.Fatalf("exit %d (-1: still running after %s); want a start-up failure\nstdout:\n%s\nstderr:\n%s", code, limit, stdout, stderr)
			}
			line := strings.TrimSuffix(stderr, "\n")
			t.Logf("exit %d: %s", code, line)
			if strings.Contains(line, "\n") {
				t.Errorf("stderr is not one line: %q", stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("stderr %q does not mention %q", line, w)
				}
			}
		})
	}
}

// TestBinaryStartsAndStops is the check that the helpers above can see a
// success: the same binary and environment, without a mistake, listens and
// is still running at the bound.
func TestBinaryStartsAndStops(t *testing.T) {
	code, stdout, stderr := execServer(t, failFastLimit, nil)
	if code != -1 || !strings.Contains(stdout, `"msg":"listening"`) {
		t.Fatalf("exit %d; want a server still running after %s\nstdout:\n%s\nstderr:\n%s", code, failFastLimit, stdout, stderr)
	}
}
