// Package smoke proves a deployed docmeta works end to end: it talks to the
// service URL as a client would (status, an upload whose digest is checked,
// get, list, a keyless upload refused, a path outside the API refused) and,
// with AWS access, checks the fleet and the alarms through small interfaces.
//
// The package imports no AWS SDK: the AWS checks are the Fleet and Alarms
// interfaces, implemented over the SDK in ops/smoke/awscheck.
package smoke

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by Run to zero Config fields.
const (
	DefaultStepTimeout   = 30 * time.Second
	DefaultUploadBytes   = 64 << 10
	DefaultListAttempts  = 10
	DefaultListRetryWait = time.Second
)

// Config is one smoke run, validated by Run.
type Config struct {
	// ServiceURL is the deployment's service_url output (https://…).
	ServiceURL string
	// APIKey is sent as "Authorization: Bearer <key>" on the keyed steps.
	APIKey string
	// HTTP is the client of the service; it must verify TLS (the default
	// transport does). Nil means a client with the system roots.
	HTTP *http.Client
	// AllowHTTP permits a plain-HTTP service URL on a non-loopback host,
	// where the API key would cross the network in clear text.
	AllowHTTP bool
	// Fleet and Alarms are the AWS checks; nil skips them (SkipReason says
	// why in the output).
	Fleet  Fleet
	Alarms Alarms
	// SkipReason is printed for skipped AWS checks.
	SkipReason string
	// StepTimeout bounds each step.
	StepTimeout time.Duration
	// UploadBytes is the size of the random upload.
	UploadBytes int
	// ListAttempts and ListRetryWait bound waiting for the upload to show in
	// the listing: DynamoDB serves it from a global secondary index, which
	// is eventually consistent.
	ListAttempts  int
	ListRetryWait time.Duration
	// Now and Random are the clock and the source of the upload's bytes;
	// nil means time.Now and crypto/rand.
	Now    func() time.Time
	Random io.Reader
}

func (c *Config) validate() error {
	u, err := url.Parse(strings.TrimRight(c.ServiceURL, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("service URL %q is not an http(s) URL: take service_url from the outputs file of `cdktf deploy --outputs-file`", c.ServiceURL)
	}
	if u.Scheme == "http" && !c.AllowHTTP && !isLoopback(u.Hostname()) {
		return fmt.Errorf("service URL %s is plain HTTP: the API key would cross the network in clear text; deploy with the cloudfront edge (or a certificate), or pass --allow-http to accept that", c.ServiceURL)
	}
	c.ServiceURL = u.String()
	if c.HTTP == nil {
		c.HTTP = &http.Client{}
	}
	if c.StepTimeout <= 0 {
		c.StepTimeout = DefaultStepTimeout
	}
	if c.UploadBytes <= 0 {
		c.UploadBytes = DefaultUploadBytes
	}
	if c.ListAttempts <= 0 {
		c.ListAttempts = DefaultListAttempts
	}
	if c.ListRetryWait <= 0 {
		c.ListRetryWait = DefaultListRetryWait
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1" || strings.HasPrefix(host, "127.")
}

// Failure is a failed step: what was seen and what to do about it.
type Failure struct {
	Step string
	// Problem says what was seen; Fix what the operator should do.
	Problem, Fix string
	Err          error
}

func (f *Failure) Error() string {
	if f.Step == "" { // not yet attributed to a step (an adapter's failure)
		return fmt.Sprintf("%s; fix: %s", f.Problem, f.Fix)
	}
	return fmt.Sprintf("smoke step %q failed: %s; fix: %s", f.Step, f.Problem, f.Fix)
}

func (f *Failure) Unwrap() error { return f.Err }

// fail builds a step's Failure; Run fills in the step name.
func fail(err error, fix, format string, args ...any) *Failure {
	return &Failure{Problem: fmt.Sprintf(format, args...), Fix: fix, Err: err}
}

// errSkipped marks a step that did not run: one it needs failed, or the AWS
// checks are off.
var errSkipped = errors.New("skipped")

// step is one check; it returns a one-line detail on success.
type step struct {
	name string
	run  func(ctx context.Context) (string, error)
}

// Run runs every step in order, printing one line per step with its time,
// and returns the first failure (a *Failure) or nil. Steps after a failure
// still run where they can, because a later check (target health, alarms)
// often explains an earlier one (a 502 from the edge).
func Run(ctx context.Context, cfg Config, out io.Writer) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	r := &runner{cfg: cfg, api: newClient(cfg)}
	fmt.Fprintf(out, "smoke check of %s\n", cfg.ServiceURL)
	var first *Failure
	for _, s := range r.steps() {
		sctx, cancel := context.WithTimeout(ctx, cfg.StepTimeout)
		start := cfg.Now()
		detail, err := s.run(sctx)
		elapsed := cfg.Now().Sub(start)
		cancel()
		var f *Failure
		switch {
		case errors.Is(err, errSkipped):
			fmt.Fprintf(out, "  skip  %-10s %8s  %s\n", s.name, "-", detail)
			continue
		case err == nil:
			fmt.Fprintf(out, "  ok    %-10s %8s  %s\n", s.name, took(elapsed), detail)
			continue
		case errors.As(err, &f):
		default:
			f = fail(err, "run the smoke check again; if it repeats, the error above is a bug in the check", "%v", err)
		}
		f.Step = s.name
		if ctx.Err() != nil {
			f.Problem, f.Fix = "interrupted: "+f.Problem, "run the smoke check again"
		}
		fmt.Fprintf(out, "  FAIL  %-10s %8s  %s\n        fix: %s\n", s.name, took(elapsed), f.Problem, f.Fix)
		if first == nil {
			first = f
		}
		if ctx.Err() != nil {
			break
		}
	}
	if first != nil {
		fmt.Fprintf(out, "smoke check FAILED at step %q\n", first.Step)
		return first
	}
	fmt.Fprintln(out, "smoke check passed")
	return nil
}

// took formats a step's duration: milliseconds up to 10 s, then seconds.
func took(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// runner carries what later steps need from earlier ones.
type runner struct {
	cfg      Config
	api      *client
	uploaded *uploadResult
	fleet    *FleetState
}

func (r *runner) steps() []step {
	return []step{
		{"status", r.status},
		{"upload", r.upload},
		{"get", r.get},
		{"list", r.list},
		{"auth", r.keyless},
		{"not-found", r.outsideAPI},
		{"instances", r.instances},
		{"targets", r.targets},
		{"alarms", r.alarms},
	}
}
