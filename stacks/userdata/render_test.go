package userdata

import (
	"strings"
	"testing"
)

func TestUnitRunsTheServerHardened(t *testing.T) {
	r := RenderSample(t)
	for _, line := range []string{
		"User=docmeta", "Group=docmeta",
		"Environment=DOCMETA_ADDR=0.0.0.0:8080",
		"Environment=DOCMETA_STORE=dynamodb",
		"Environment=DOCMETA_TABLE=docmeta-dev-documents",
		"Environment=DOCMETA_LISTING_SHARDS=8",
		"Environment=AWS_REGION=us-east-1",
		"Environment=DOCMETA_API_KEYS_SSM_PARAMETER=/docmeta/dev/api-keys",
		"Environment=DOCMETA_LOG_FILE=/var/log/app/docmeta.log",
		"ExecStartPre=/usr/bin/sha256sum --check --strict --status /etc/docmeta/docmeta-server.sha256",
		"ExecStart=/opt/docmeta/bin/docmeta-server",
		"Restart=on-failure",
		"NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/log/app",
		"ProtectHome=yes", "PrivateTmp=yes", "CapabilityBoundingSet=",
		"WantedBy=multi-user.target",
	} {
		if !hasLine(r.Unit, line) {
			t.Errorf("unit lacks the line %q", line)
		}
	}
	if strings.Contains(r.Unit, "User=root") {
		t.Error("unit runs as root")
	}
}

func TestLogrotatePolicy(t *testing.T) {
	r := RenderSample(t)
	for _, line := range []string{"su docmeta docmeta", "daily", "maxsize 100M", "rotate 7", "compress", "postrotate", "/usr/bin/systemctl kill -s HUP docmeta.service >/dev/null 2>&1 || true", "endscript"} {
		if !hasLine(r.Logrotate, line) {
			t.Errorf("logrotate policy lacks %q", line)
		}
	}
	if !strings.HasPrefix(r.Logrotate, LogFile+" {") {
		t.Errorf("policy does not rotate %s:\n%s", LogFile, r.Logrotate)
	}
	// The server reopens its file on SIGHUP; copytruncate would lose lines.
	if strings.Contains(r.Logrotate, "copytruncate") {
		t.Error("policy uses copytruncate")
	}
}

func TestBootstrapSteps(t *testing.T) {
	r := RenderSample(t)
	s := r.Script
	steps := []string{
		"set -euo pipefail",
		`useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$service_user"`,
		`install -d -o "$service_user" -g "$service_user" -m 0750 "$log_dir"`,
		`aws s3api get-object --region "$region" --bucket "$artifact_bucket" --key "$artifact_key" --version-id "$artifact_version" "$download"`,
		`sha256sum --check --strict --status; then`,
		`install -o root -g root -m 0755 "$download" "$bin_path"`,
		"cat >/etc/systemd/system/docmeta.service <<'UNIT'",
		"cat >/etc/logrotate.d/docmeta <<'LOGROTATE'",
		"cat >/etc/systemd/system/logrotate.timer.d/hourly.conf <<'TIMER'",
		"OnCalendar=hourly",
		"systemctl daemon-reload",
		"systemctl restart logrotate.timer",
		"systemctl enable --now docmeta.service",
	}
	last := -1
	for _, step := range steps {
		i := strings.Index(s, step)
		if i < 0 {
			t.Fatalf("bootstrap lacks %q", step)
		}
		if i < last {
			t.Errorf("step %q is out of order", step)
		}
		last = i
	}
	// A checksum mismatch exits before anything is installed or started.
	mismatch := s[strings.Index(s, "sha256sum --check --strict --status; then"):]
	if !strings.HasPrefix(strings.SplitN(mismatch, "fi\n", 2)[0], "sha256sum --check --strict --status; then\n\techo \"docmeta bootstrap: FAILED: sha256") ||
		!strings.Contains(strings.SplitN(mismatch, "fi\n", 2)[0], "exit 1") {
		t.Errorf("checksum failure does not stop the bootstrap:\n%s", strings.SplitN(mismatch, "fi\n", 2)[0])
	}
	for name, v := range map[string]string{"region": "'us-east-1'", "artifact_bucket": "'" + SampleParams().ArtifactBucket + "'", "want_sha256": "'" + SampleParams().BinarySHA256 + "'",
		"artifact_version": "'" + SampleParams().ArtifactVersion + "'"} {
		if !hasLine(s, "readonly "+name+"="+v) {
			t.Errorf("bootstrap does not set %s=%s", name, v)
		}
	}
}

func TestRenderRejectsUnsafeValues(t *testing.T) {
	for name, mutate := range map[string]func(*Params){
		"short checksum":     func(p *Params) { p.BinarySHA256 = "abc" },
		"uppercase checksum": func(p *Params) { p.BinarySHA256 = strings.ToUpper(p.BinarySHA256) },
		"space in table":     func(p *Params) { p.Table = "docmeta documents" },
		"quote in parameter": func(p *Params) { p.APIKeyParameter = "/docmeta/'x" },
		"newline in region":  func(p *Params) { p.Region = "us-east-1\nExecStart=/bin/sh" },
		"empty bucket":       func(p *Params) { p.ArtifactBucket = "" },
		"empty version":      func(p *Params) { p.ArtifactVersion = "" },
		"no listing shards":  func(p *Params) { p.ListingShards = 0 },
	} {
		p := SampleParams()
		mutate(&p)
		if _, err := Render(p); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestTerraformInterpolationIsRejected(t *testing.T) {
	p := SampleParams()
	if err := checkTerraformSafe("echo ${HOME}\n", p); err == nil || !strings.Contains(err.Error(), "dollar-brace") {
		t.Errorf("dollar-brace accepted: %v", err)
	}
	if err := checkTerraformSafe("printf '%{x}'\n", p); err == nil {
		t.Error("percent-brace accepted")
	}
	p.ArtifactBucket = "${aws_s3_bucket.artifact_bucket.bucket}"
	if err := checkTerraformSafe("b="+p.ArtifactBucket+"\n", p); err != nil {
		t.Errorf("a reference passed in as a parameter was rejected: %v", err)
	}
	if _, err := Render(p); err != nil {
		t.Errorf("render with a Terraform reference as bucket: %v", err)
	}
}

func hasLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == line {
			return true
		}
	}
	return false
}
