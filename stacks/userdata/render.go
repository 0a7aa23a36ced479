// Package userdata renders the instance bootstrap script (EC2 user data) with
// its systemd unit and logrotate policy. It is plain Go with no jsii import, so
// the linters (shellcheck, systemd-analyze verify, logrotate -d) can check the
// exact text the stacks embed without starting Node.
package userdata

import (
	"bytes"
	"embed"
	"fmt"
	"regexp"
	"strings"
	"text/template"
)

//go:embed templates/*.tmpl
var templates embed.FS

// Fixed on-instance paths and names.
const (
	User         = "docmeta"
	LogDir       = "/var/log/app"
	LogFile      = LogDir + "/docmeta.log"
	BinaryPath   = "/opt/docmeta/bin/docmeta-server"
	ChecksumFile = "/etc/docmeta/docmeta-server.sha256"
	ListenAddr   = "0.0.0.0:8080"
	UnitName     = "docmeta.service"
	// LogMaxSize rotates the service log early once it passes this size
	// (logrotate runs hourly, see the bootstrap): 7 rotations of it stay far
	// below the 8 GiB root volume even when a flood of requests is logged.
	LogMaxSize = "100M"
)

// Params are the deployment-specific values of the bootstrap. ArtifactBucket
// may be a Terraform token (the bucket's generated name); the others are
// plain values known at synth time.
type Params struct {
	Region          string
	Table           string
	APIKeyParameter string
	ArtifactBucket  string
	ArtifactKey     string
	// ArtifactVersion is the S3 version ID of the binary (a Terraform
	// reference): the key is the same for every binary of an arch, and each
	// launch-template version downloads exactly its own.
	ArtifactVersion string
	BinarySHA256    string
	// ListingShards is the server's DOCMETA_LISTING_SHARDS (topology's
	// Table.ListingShards, validated there; Render refuses only a count
	// below 1).
	ListingShards int
}

// Rendered is the bootstrap script and, for linting, the two files it writes.
type Rendered struct {
	Script    string
	Unit      string
	Logrotate string
}

// UnitExecPaths are the programs the unit runs (ExecStartPre, ExecStart,
// ExecReload), which must exist on the instance; systemd-analyze verify
// checks them.
func UnitExecPaths() []string { return []string{"/usr/bin/sha256sum", BinaryPath, "/bin/kill"} }

var (
	sha256Re = regexp.MustCompile(`^[0-9a-f]{64}$`)
	// safeValueRe keeps values free of quotes, spaces and newlines, so they
	// cannot break out of the unit's Environment= lines or the script.
	safeValueRe = regexp.MustCompile(`^[A-Za-z0-9_./:${}\[\]-]+$`)
)

// Render validates the parameters and renders the three files.
func Render(p Params) (Rendered, error) {
	if !sha256Re.MatchString(p.BinarySHA256) {
		return Rendered{}, fmt.Errorf("userdata: binary sha256 %q is not 64 lowercase hex digits", p.BinarySHA256)
	}
	for name, v := range map[string]string{
		"region": p.Region, "table": p.Table, "api key parameter": p.APIKeyParameter,
		"artifact bucket": p.ArtifactBucket, "artifact key": p.ArtifactKey, "artifact version": p.ArtifactVersion,
	} {
		if !safeValueRe.MatchString(v) {
			return Rendered{}, fmt.Errorf("userdata: %s %q is empty or contains characters unsafe in a unit file or shell script", name, v)
		}
	}
	if p.ListingShards < 1 {
		return Rendered{}, fmt.Errorf("userdata: listing shards %d must be at least 1 (topology's LISTING_SHARDS)", p.ListingShards)
	}
	data := map[string]any{
		"Region": p.Region, "Table": p.Table, "APIKeyParameter": p.APIKeyParameter,
		"ArtifactBucket": p.ArtifactBucket, "ArtifactKey": p.ArtifactKey, "ArtifactVersion": p.ArtifactVersion, "BinarySHA256": p.BinarySHA256,
		"ListingShards": p.ListingShards,
		"User":          User, "LogDir": LogDir, "LogFile": LogFile, "BinaryPath": BinaryPath,
		"ChecksumFile": ChecksumFile, "ListenAddr": ListenAddr, "LogMaxSize": LogMaxSize,
	}
	var r Rendered
	var err error
	if r.Unit, err = execute("docmeta.service.tmpl", data); err != nil {
		return Rendered{}, err
	}
	if r.Logrotate, err = execute("docmeta.logrotate.tmpl", data); err != nil {
		return Rendered{}, err
	}
	data["Unit"], data["Logrotate"] = r.Unit, r.Logrotate
	if r.Script, err = execute("bootstrap.sh.tmpl", data); err != nil {
		return Rendered{}, err
	}
	if err := checkTerraformSafe(r.Script, p); err != nil {
		return Rendered{}, err
	}
	return r, nil
}

// checkTerraformSafe rejects a script that Terraform would misread: the user
// data string is a Terraform template, where "${" and "%{" start
// interpolations and directives. Only the parameters we put in on purpose
// (Terraform references such as the bucket name) may contain them.
func checkTerraformSafe(script string, p Params) error {
	s := script
	for _, v := range []string{p.ArtifactBucket, p.ArtifactKey, p.ArtifactVersion} {
		s = strings.ReplaceAll(s, v, "")
	}
	for _, seq := range []string{"${", "%{"} {
		if i := strings.Index(s, seq); i >= 0 {
			return fmt.Errorf("userdata: template contains %q near %q; Terraform would interpolate it (write $name, not a dollar-brace)", seq, s[max(0, i-20):min(len(s), i+20)])
		}
	}
	return nil
}

func execute(name string, data map[string]any) (string, error) {
	t, err := template.New(name).Funcs(template.FuncMap{"sh": shellQuote}).ParseFS(templates, "templates/"+name)
	if err != nil {
		return "", fmt.Errorf("userdata: parse %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("userdata: render %s: %w", name, err)
	}
	return b.String(), nil
}

// shellQuote single-quotes a value for bash.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
