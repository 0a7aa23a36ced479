package main

import (
	"os"
	"strings"
	"testing"
)

// TestConfigurationDocListsEverySetting keeps docs/CONFIGURATION.md in step
// with the settings table: every flag and variable must be documented.
func TestConfigurationDocListsEverySetting(t *testing.T) {
	b, err := os.ReadFile("../../../docs/CONFIGURATION.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, s := range settings {
		if !strings.Contains(doc, "| `-"+s.flag+"` | `"+s.env+"` |") {
			t.Errorf("docs/CONFIGURATION.md has no table row for -%s / %s", s.flag, s.env)
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
