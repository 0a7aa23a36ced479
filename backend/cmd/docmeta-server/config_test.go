package main

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/internal/testenv"
)

// TestDocsListEverySetting keeps docs/CONFIGURATION.md (flag first) and the
// README's configuration table (variable first) in step with the settings
// table: every flag and variable must have its row.
func TestDocsListEverySetting(t *testing.T) {
	for _, doc := range []struct {
		path string
		row  func(setting) string // "" when the document need not list s
	}{
		{"docs/CONFIGURATION.md", func(s setting) string { return "| `-" + s.flag + "` | `" + s.env + "` |" }},
		{"README.md", func(s setting) string {
			if s.env == "" {
				return ""
			}
			return "| `" + s.env + "` | `-" + s.flag + "` |"
		}},
	} {
		b, err := os.ReadFile("../../../" + doc.path)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range settings {
			if row := doc.row(s); row != "" && !strings.Contains(string(b), row) {
				t.Errorf("%s has no configuration row %s", doc.path, row)
			}
		}
	}
}

func TestDefaults(t *testing.T) {
	c, err := parseConfig(nil, func(string) string { return "" }, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.Store != "bolt" || c.DataDir != "./data" || c.MaxUploadBytes != 100<<20 ||
		c.ShutdownTimeout.String() != "25s" || c.IdleTimeout.Seconds() <= 60 || c.AllowAnonymous || len(c.APIKeys) != 0 {
		t.Fatalf("defaults %+v", c)
	}
}

func TestLoopbackAddresses(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "127.1.2.3:1": true, "[::1]:8080": true, "localhost:8080": true,
		"0.0.0.0:8080": false, ":8080": false, "[::]:8080": false, "10.0.0.5:8080": false, "example.com:80": false,
	} {
		if got := isLoopbackAddr(addr); got != want {
			t.Errorf("isLoopbackAddr(%q) = %v", addr, got)
		}
	}
}

// TestMinUploadRate: the default is 1 KiB per read timeout, the variable
// sets it, the flag wins, and a value that would disable or misstate the
// guard stops the start with a line naming the fix.
func TestMinUploadRate(t *testing.T) {
	parse := func(args []string, v string) (config, error) {
		return parseConfig(args, testenv.Getenv(map[string]string{"DOCMETA_MIN_UPLOAD_RATE": v}), io.Discard)
	}
	for _, tc := range []struct {
		args []string
		env  string
		want int64
	}{{nil, "", 1024}, {nil, "4096", 4096}, {[]string{"-min-upload-rate", "1"}, "4096", 1}} {
		c, err := parse(tc.args, tc.env)
		if err != nil || c.MinUploadRate != tc.want {
			t.Errorf("args %v env %q: %d, %v; want %d", tc.args, tc.env, c.MinUploadRate, err, tc.want)
		}
	}
	for _, bad := range []string{"0", "-5", "1k", "2000000000"} {
		_, err := parse(nil, bad)
		if err == nil || !strings.Contains(err.Error(), "DOCMETA_MIN_UPLOAD_RATE") || !strings.Contains(err.Error(), "-min-upload-rate") {
			t.Errorf("DOCMETA_MIN_UPLOAD_RATE=%s: %v; want a refusal naming the variable and the flag", bad, err)
		}
	}
}

// TestListingShards: the default is the store's, the variable sets it, and
// a count the store cannot use stops the start naming the fix.
func TestListingShards(t *testing.T) {
	parse := func(v string) (config, error) {
		return parseConfig(nil, testenv.Getenv(map[string]string{"DOCMETA_LISTING_SHARDS": v}), io.Discard)
	}
	for env, want := range map[string]int{"": dynamo.DefaultListingShards, "1": 1, "16": 16, "3": 3} {
		c, err := parse(env)
		if err != nil || c.ListingShards != want {
			t.Errorf("DOCMETA_LISTING_SHARDS=%q: %d, %v; want %d", env, c.ListingShards, err, want)
		}
	}
	for _, bad := range []string{"0", "17", "-1", "eight"} {
		_, err := parse(bad)
		if err == nil || !strings.Contains(err.Error(), "DOCMETA_LISTING_SHARDS") || !strings.Contains(err.Error(), "-listing-shards") || !strings.Contains(err.Error(), "16") {
			t.Errorf("DOCMETA_LISTING_SHARDS=%s: %v; want a refusal naming the variable, the flag and the range", bad, err)
		}
	}
}
