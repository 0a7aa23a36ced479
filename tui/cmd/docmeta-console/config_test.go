package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/internal/testenv"
)

func TestLocalDefaultsEnvAndFlags(t *testing.T) {
	c, err := parseConfig(nil, testenv.Getenv(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.mode != "local" || c.url != "http://127.0.0.1:8080" || c.apiKey != "" || c.interval != 15*time.Second || c.model != "dev" || c.pageSize != 50 {
		t.Errorf("defaults = %+v", c)
	}
	env := testenv.Getenv(map[string]string{"DOCMETA_URL": "http://10.0.0.5:9000", "DOCMETA_API_KEY": "envkey"})
	c, _ = parseConfig(nil, env, io.Discard)
	if c.url != "http://10.0.0.5:9000" || c.apiKey != "envkey" {
		t.Errorf("env not read: %+v", c)
	}
	c, _ = parseConfig([]string{"--url", "http://127.0.0.1:1", "--api-key", "flagkey", "--interval", "0", "--model", "prod"}, env, io.Discard)
	if c.url != "http://127.0.0.1:1" || c.apiKey != "flagkey" || c.interval != 0 || c.model != "prod" {
		t.Errorf("flags do not win: %+v", c)
	}
}

func writeOutputs(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "outputs.json")
	body := `{"docmeta-prod":{"service_url":"https://docmeta.example.com","asg_name":"docmeta-prod-asg",
	  "target_group_arn":"arn:tg","nat_gateway_ids":["nat-1"],"region":"eu-west-1","table_name":"t","alb_dns_name":"alb"}}`
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAWSModeFromOutputsFile(t *testing.T) {
	env := testenv.Getenv(map[string]string{
		"AWS_PROFILE":                   "ops",
		"AWS_ENDPOINT_URL":              "http://127.0.0.1:4566",
		"AWS_ENDPOINT_URL_CLOUDWATCH":   "http://127.0.0.1:4600",
		"AWS_ENDPOINT_URL_AUTO_SCALING": "",
	})
	c, err := parseConfig([]string{"--outputs", writeOutputs(t)}, env, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o := c.outputs
	if c.mode != "aws" || c.stack != "docmeta-prod" || c.region != "eu-west-1" || c.awsProfile != "ops" || c.model != "prod" ||
		c.url != "https://docmeta.example.com" || o.ASGName != "docmeta-prod-asg" || o.TargetGroupARN != "arn:tg" || strings.Join(o.NATGatewayIDs, ",") != "nat-1" {
		t.Errorf("config = %+v", c)
	}
	if c.endpoints.cloudwatch != "http://127.0.0.1:4600" || c.endpoints.autoscaling != "http://127.0.0.1:4566" || c.endpoints.elbv2 != "http://127.0.0.1:4566" {
		t.Errorf("endpoint overrides = %+v", c.endpoints)
	}
	// Flags override what the file says.
	c, err = parseConfig([]string{"--outputs", writeOutputs(t), "--region", "us-east-1", "--asg", "other", "--nat-gateway-ids", "nat-a, nat-b", "--url", "http://127.0.0.1:8080"}, testenv.Getenv(nil), io.Discard)
	if err != nil || c.region != "us-east-1" || c.outputs.ASGName != "other" || strings.Join(c.outputs.NATGatewayIDs, ",") != "nat-a,nat-b" || c.url != "http://127.0.0.1:8080" {
		t.Errorf("overrides: %+v %v", c, err)
	}
}

func TestConfigErrorsNameTheFix(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--page-size", "0"}, nil, "--page-size 0 must be between 1 and 1000"},
		{[]string{"--interval", "10ms"}, nil, "at least 1s"},
		{[]string{"--model", "huge"}, nil, "must be dev, prod or seed"},
		{[]string{"--asg", "g"}, nil, "AWS mode needs a region"},
		{[]string{"--outputs", "/nonexistent/outputs.json"}, nil, "cdktf deploy --outputs-file"},
		{[]string{"extra"}, nil, `unexpected argument "extra"`},
		{[]string{"--bogus"}, nil, "see --help"},
	}
	for _, tc := range cases {
		_, err := parseConfig(tc.args, testenv.Getenv(tc.env), io.Discard)
		var ce *configError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want a config error with %q", tc.args, err, tc.want)
		}
	}
	if _, err := parseConfig([]string{"--help"}, testenv.Getenv(nil), io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help: %v", err)
	}
}

func TestRunRejectsBadURLBeforeStarting(t *testing.T) {
	err := run(t.Context(), []string{"--url", "localhost:8080"}, testenv.Getenv(nil), strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "http://127.0.0.1:8080") {
		t.Errorf("got %v (exit %d)", err, exitCode(err))
	}
}
