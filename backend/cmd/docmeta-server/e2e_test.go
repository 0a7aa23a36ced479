package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/internal/dynalitetest"
)

// exercise drives a running server through the whole API with a real
// HTTP client: upload, get, list with paging, health check, auth.
func exercise(t *testing.T, s *server, storeName string) {
	status, body := s.request("GET", "/status", "", nil, "")
	var st map[string]string
	if err := json.Unmarshal(body, &st); err != nil || status != 200 || st["status"] != "ok" || st["store"] != storeName || st["version"] == "" {
		t.Fatalf("GET /status: %d %s", status, body)
	}

	var up []backend.Document
	for i, content := range []string{"first", "second document", "%PDF-1.7 third"} {
		d := s.upload([]string{"a.txt", "b.txt", "c.pdf"}[i], content)
		sum := sha256.Sum256([]byte(content))
		if d.SHA256 != hex.EncodeToString(sum[:]) || d.SizeBytes != int64(len(content)) || !backend.ValidID(d.ID) {
			t.Fatalf("upload answered %+v", d)
		}
		up = append(up, d)
	}
	if up[2].ContentType != "application/pdf" {
		t.Errorf("sniffed %q for a PDF", up[2].ContentType)
	}

	status, body = s.request("GET", "/documents/"+up[1].ID, "", nil, s.key)
	var got backend.Document
	if err := json.Unmarshal(body, &got); err != nil || status != 200 || got.ID != up[1].ID || !got.UploadedAt.Equal(up[1].UploadedAt) || got.Filename != "b.txt" {
		t.Fatalf("GET /documents/{id}: %d %s", status, body)
	}

	first := s.list("?limit=2")
	if len(first.Documents) != 2 || first.NextCursor == "" || first.Documents[0].ID != up[2].ID || first.Documents[1].ID != up[1].ID {
		t.Fatalf("first page %s (cursor %q), uploaded %s", ids(first.Documents), first.NextCursor, ids(up))
	}
	second := s.list("?limit=2&cursor=" + first.NextCursor)
	if len(second.Documents) != 1 || second.Documents[0].ID != up[0].ID || second.NextCursor != "" {
		t.Fatalf("second page %s (cursor %q)", ids(second.Documents), second.NextCursor)
	}

	if s.key != "" {
		if status, body := s.request("GET", "/documents", "", nil, ""); status != http.StatusUnauthorized {
			t.Fatalf("listing without a key: %d %s", status, body)
		}
		if status, body := s.request("GET", "/documents", "", nil, "wrong"); status != http.StatusUnauthorized {
			t.Fatalf("listing with a wrong key: %d %s", status, body)
		}
	}
	if status, body := s.request("GET", "/documents/not-an-id", "", nil, s.key); status != http.StatusNotFound || !strings.Contains(string(body), `"not_found"`) {
		t.Fatalf("GET /documents/not-an-id: %d %s", status, body)
	}
}

func TestEndToEndBolt(t *testing.T) {
	s := start(t, env(t, map[string]string{"DOCMETA_API_KEYS": "e2e-key-1-0123456789,e2e-key-2-0123456789"}))
	exercise(t, s, "bolt")
	s.stop()
	out := s.out.String()
	for _, want := range []string{`"msg":"listening"`, `"msg":"request"`, `"path":"/upload"`, `"status":201`, `"msg":"shutting down"`, `"msg":"stopped"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

func TestEndToEndDynamoDB(t *testing.T) {
	dl := dynalitetest.Start(t)
	cfg := dl.NewTable(t)
	s := start(t, env(t, map[string]string{
		"DOCMETA_STORE": "dynamodb", "AWS_REGION": cfg.Region, "DOCMETA_TABLE": cfg.Table,
		"AWS_ENDPOINT_URL_DYNAMODB": cfg.Endpoint, "DOCMETA_API_KEYS": "dynamo-key-0123456789",
	}))
	exercise(t, s, "dynamodb")
}

// TestCreateTableFlag: -create-table prepares a local emulator's table.
func TestCreateTableFlag(t *testing.T) {
	dl := dynalitetest.Start(t)
	s := start(t, env(t, map[string]string{
		"DOCMETA_STORE": "dynamodb", "AWS_REGION": dynalitetest.Region, "DOCMETA_TABLE": "created-by-flag",
		"AWS_ENDPOINT_URL_DYNAMODB": dl.Endpoint,
	}), "-create-table")
	d := s.upload("x.txt", "x")
	if p := s.list(""); len(p.Documents) != 1 || p.Documents[0].ID != d.ID {
		t.Fatalf("listing %s after uploading %s", ids(p.Documents), d.ID)
	}
}

// TestBoltPersistsAcrossRestart: acknowledged uploads survive a restart on
// the same data directory and are listed newest first.
func TestBoltPersistsAcrossRestart(t *testing.T) {
	getenv := env(t, nil)
	s := start(t, getenv)
	var up []backend.Document
	for _, c := range []string{"one", "two", "three"} {
		up = append(up, s.upload(c+".txt", c))
	}
	s.stop()

	s = start(t, getenv)
	p := s.list("")
	if len(p.Documents) != 3 {
		t.Fatalf("after restart the listing has %d documents: %s", len(p.Documents), ids(p.Documents))
	}
	for i, d := range p.Documents {
		want := up[len(up)-1-i]
		if d.ID != want.ID || d.SHA256 != want.SHA256 || !d.UploadedAt.Equal(want.UploadedAt) || d.Filename != want.Filename {
			t.Fatalf("after restart position %d is %+v, want %+v", i, d, want)
		}
	}
	// New uploads still sort after the old ones.
	d := s.upload("four.txt", "four")
	if p := s.list("?limit=1"); p.Documents[0].ID != d.ID {
		t.Fatalf("newest is %s, want %s", p.Documents[0].ID, d.ID)
	}
}

func TestVersionFlag(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), []string{"-version"}, env(t, nil), &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "docmeta-server ") {
		t.Fatalf("-version printed %q", out.String())
	}
}
