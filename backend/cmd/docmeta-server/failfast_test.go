package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/internal/dynalitetest"
)

// TestFailFast: every configuration mistake stops the server before it
// listens, with one line that names the variable and the fix.
func TestFailFast(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want []string // substrings the message must contain
	}{
		{"dynamodb without region", map[string]string{"DOCMETA_STORE": "dynamodb", "DOCMETA_TABLE": "t"}, nil, []string{"AWS_REGION"}},
		{"dynamodb without table", map[string]string{"DOCMETA_STORE": "dynamodb", "AWS_REGION": "us-east-1"}, nil, []string{"DOCMETA_TABLE"}},
		{"data dir not a directory", map[string]string{"DOCMETA_DATA_DIR": filepath.Join(file, "data")}, nil, []string{"DOCMETA_DATA_DIR"}},
		{"log file cannot be opened", map[string]string{"DOCMETA_LOG_FILE": filepath.Join(file, "docmeta.log")}, nil, []string{"DOCMETA_LOG_FILE", "write access"}},
		{"log file is a directory", map[string]string{"DOCMETA_LOG_FILE": t.TempDir()}, nil, []string{"DOCMETA_LOG_FILE"}},
		{"public address without keys", map[string]string{"DOCMETA_ADDR": "0.0.0.0:0"}, nil, []string{"DOCMETA_API_KEYS", "DOCMETA_ALLOW_ANONYMOUS"}},
		{"all interfaces without keys", map[string]string{"DOCMETA_ADDR": ":0"}, nil, []string{"DOCMETA_API_KEYS", "DOCMETA_ALLOW_ANONYMOUS"}},
		{"address in use", map[string]string{"DOCMETA_ADDR": busy.Addr().String()}, nil, []string{"DOCMETA_ADDR", "free port"}},
		{"address without port", map[string]string{"DOCMETA_ADDR": "localhost"}, nil, []string{"DOCMETA_ADDR", "127.0.0.1:8080"}},
		{"port out of range", nil, []string{"-addr", "127.0.0.1:99999"}, []string{"DOCMETA_ADDR", "-addr"}},
		{"unknown store", map[string]string{"DOCMETA_STORE": "postgres"}, nil, []string{"DOCMETA_STORE", "bolt or dynamodb"}},
		{"upload limit not a number", map[string]string{"DOCMETA_MAX_UPLOAD_BYTES": "100MB"}, nil, []string{"DOCMETA_MAX_UPLOAD_BYTES", "104857600"}},
		{"upload limit zero", map[string]string{"DOCMETA_MAX_UPLOAD_BYTES": "0"}, nil, []string{"DOCMETA_MAX_UPLOAD_BYTES"}},
		{"shutdown timeout not a duration", map[string]string{"DOCMETA_SHUTDOWN_TIMEOUT": "25"}, nil, []string{"DOCMETA_SHUTDOWN_TIMEOUT", "30s"}},
		{"negative read timeout", map[string]string{"DOCMETA_READ_TIMEOUT": "-1s"}, nil, []string{"DOCMETA_READ_TIMEOUT"}},
		{"upload timeout below read timeout", map[string]string{"DOCMETA_UPLOAD_TIMEOUT": "1s", "DOCMETA_READ_TIMEOUT": "5s"}, nil, []string{"DOCMETA_UPLOAD_TIMEOUT"}},
		{"anonymous flag not a bool", map[string]string{"DOCMETA_ALLOW_ANONYMOUS": "maybe"}, nil, []string{"DOCMETA_ALLOW_ANONYMOUS", "true or false"}},
		{"endpoint not a URL", map[string]string{"DOCMETA_STORE": "dynamodb", "AWS_REGION": "us-east-1", "DOCMETA_TABLE": "t", "AWS_ENDPOINT_URL_DYNAMODB": "127.0.0.1:4567"}, nil, []string{"AWS_ENDPOINT_URL_DYNAMODB", "http"}},
		{"key with a space", map[string]string{"DOCMETA_API_KEYS": "two words"}, nil, []string{"DOCMETA_API_KEYS", "commas"}},
		{"key variable set but holding no key", map[string]string{"DOCMETA_API_KEYS": ","}, nil, []string{"DOCMETA_API_KEYS", "holds no key"}},
		{"key variable of blanks", map[string]string{"DOCMETA_API_KEYS": " , "}, nil, []string{"DOCMETA_API_KEYS", "holds no key"}},
		{"key shorter than 16 characters", map[string]string{"DOCMETA_API_KEYS": "short-key"}, nil, []string{"DOCMETA_API_KEYS", "at least 16", "openssl rand"}},
		{"too few connections for the uploads", map[string]string{"DOCMETA_MAX_CONNECTIONS": "10", "DOCMETA_MAX_CONCURRENT_UPLOADS": "20"}, nil, []string{"DOCMETA_MAX_CONNECTIONS"}},
		{"SSM parameter without region", map[string]string{"DOCMETA_API_KEYS_SSM_PARAMETER": "/docmeta/keys"}, nil, []string{"AWS_REGION"}},
		{"create-table with bolt", nil, []string{"-create-table"}, []string{"DOCMETA_STORE=dynamodb"}},
		{"unknown flag", nil, []string{"-port", "8080"}, []string{"-port", "-help"}},
		{"stray argument", nil, []string{"serve"}, []string{"serve"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := runError(t, env(t, tc.env), tc.args...)
			checkMessage(t, msg, tc.want...)
		})
	}
}

func checkMessage(t *testing.T, msg string, want ...string) {
	t.Helper()
	t.Log(msg)
	if strings.Contains(msg, "\n") {
		t.Errorf("the message spans several lines: %q", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not mention %q", msg, w)
		}
	}
}

// TestFailFastTableNotFound: DescribeTable at start catches a wrong table
// name instead of failing every upload later.
func TestFailFastTableNotFound(t *testing.T) {
	dl := dynalitetest.Start(t)
	msg := runError(t, env(t, map[string]string{
		"DOCMETA_STORE": "dynamodb", "AWS_REGION": dynalitetest.Region, "DOCMETA_TABLE": "no-such-table",
		"AWS_ENDPOINT_URL_DYNAMODB": dl.Endpoint,
	}))
	checkMessage(t, msg, "no-such-table", "not found", "DOCMETA_TABLE")
}

// TestAnonymousOnPublicAddressWhenAllowed: the explicit opt-in starts.
func TestAnonymousOnPublicAddressWhenAllowed(t *testing.T) {
	s := start(t, env(t, map[string]string{"DOCMETA_ADDR": "0.0.0.0:0", "DOCMETA_ALLOW_ANONYMOUS": "true"}))
	s.url = strings.Replace(s.url, "0.0.0.0", "127.0.0.1", 1)
	s.upload("anon.txt", "anonymous")
}

// TestFlagWinsOverEnvironment checks the precedence on a value whose
// effect is visible: the upload limit.
func TestFlagWinsOverEnvironment(t *testing.T) {
	s := start(t, env(t, map[string]string{"DOCMETA_MAX_UPLOAD_BYTES": "4"}), "-max-upload-bytes", "100")
	s.upload("ok.txt", strings.Repeat("x", 50))

	c, err := parseConfig([]string{"-store", "bolt", "-allow-anonymous"}, env(t, map[string]string{
		"DOCMETA_STORE": "dynamodb", "DOCMETA_SHUTDOWN_TIMEOUT": "3s", "DOCMETA_ADDR": "0.0.0.0:9"}), os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if c.Store != "bolt" || !c.AllowAnonymous || c.ShutdownTimeout.String() != "3s" || c.Addr != "0.0.0.0:9" {
		t.Fatalf("config %+v", c)
	}
}
