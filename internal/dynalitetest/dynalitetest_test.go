package dynalitetest

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// listTables sends an unsigned ListTables call; dynalite does not check
// signatures, and any JSON answer proves it serves DynamoDB's protocol.
func listTables(endpoint string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader("{}"))
	if err != nil {
		return 0, err
	}
	req.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables")
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Date", "20260101T000000Z")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0")
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func TestStartStopRestart(t *testing.T) {
	s := Start(t)
	if !strings.HasPrefix(s.Endpoint, "http://127.0.0.1:") {
		t.Fatalf("Endpoint = %q, want a loopback URL", s.Endpoint)
	}
	if code, err := listTables(s.Endpoint); err != nil || code != http.StatusOK {
		t.Fatalf("ListTables after Start: status %d, err %v", code, err)
	}

	s.Stop()
	if _, err := listTables(s.Endpoint); err == nil {
		t.Fatal("ListTables succeeded after Stop; the process is still serving")
	}
	s.Stop() // idempotent

	endpoint := s.Endpoint
	s.Restart()
	if s.Endpoint != endpoint {
		t.Fatalf("Restart moved the endpoint from %s to %s", endpoint, s.Endpoint)
	}
	if code, err := listTables(s.Endpoint); err != nil || code != http.StatusOK {
		t.Fatalf("ListTables after Restart: status %d, err %v", code, err)
	}
}

func TestRepoRootFindsGoMod(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "tools", "dynalite", "package-lock.json")); err != nil {
		t.Fatalf("repoRoot = %q has no tools/dynalite/package-lock.json: %v", root, err)
	}
}

func TestMissingInstallNamesMakeTools(t *testing.T) {
	_, err := scriptIn(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "make tools") {
		t.Fatalf("scriptIn(empty dir) = %v, want an error naming `make tools`", err)
	}
}
