package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/docmeta/docmeta/internal/awsconf"
	"github.com/docmeta/docmeta/ops/smoke"
	"github.com/docmeta/docmeta/ops/smoke/awscheck"
	"github.com/docmeta/docmeta/topology"
)

// smokeConfig is the validated configuration of `docmeta-ops smoke`.
type smokeConfig struct {
	outputsFile string
	url         string
	stack       string
	apiKey      string
	caFile      string
	allowHTTP   bool
	noAWS       bool
	alarmPrefix string
	timeout     time.Duration
	endpoints   smokeEndpoints
}

// smokeEndpoints are AWS_ENDPOINT_URL_* overrides (tests, emulators), as
// the console reads them.
type smokeEndpoints struct {
	autoscaling, elbv2, cloudwatch string
}

func parseSmokeFlags(args []string, getenv func(string) string, stderr io.Writer) (smokeConfig, bool, error) {
	c := smokeConfig{}
	fs := flag.NewFlagSet("docmeta-ops smoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.outputsFile, "outputs", "", "`file` written by cdktf deploy --outputs-file (required, unless --url with --no-aws)")
	fs.StringVar(&c.outputsFile, "outputs-file", "", "same as --outputs (the teardown's name for it)")
	fs.StringVar(&c.url, "url", "", "service URL instead of the outputs' service_url (e.g. a local server: --url http://127.0.0.1:8080 --no-aws)")
	fs.StringVar(&c.stack, "stack", "", "stack in the outputs file (default: its only application stack)")
	fs.StringVar(&c.apiKey, "api-key", getenv("DOCMETA_API_KEY"), "API key for the upload, get and list steps (env DOCMETA_API_KEY; prefer it: flags show in ps)")
	fs.StringVar(&c.caFile, "ca-file", "", "PEM `file` of extra CAs to trust besides the system roots (a private CA)")
	fs.BoolVar(&c.allowHTTP, "allow-http", false, "accept a plain-HTTP service_url (the key then crosses the network in clear text)")
	fs.BoolVar(&c.noAWS, "no-aws", false, "skip the AWS checks (instances, targets, alarms)")
	fs.StringVar(&c.alarmPrefix, "alarm-prefix", "", "name prefix of the deployment's CloudWatch alarms (default: the stack's alarm_name_prefix output)")
	fs.DurationVar(&c.timeout, "timeout", smoke.DefaultStepTimeout, "longest time for one step")
	help, err := parseFlags(fs, args)
	if help || err != nil {
		return c, help, err
	}
	if c.outputsFile == "" && (c.url == "" || !c.noAWS) {
		return c, false, errors.New("--outputs is required: the file `cdktf deploy docmeta-<profile>-<region> --outputs-file outputs.json` wrote (only --url with --no-aws needs none)")
	}
	if c.timeout <= 0 {
		return c, false, fmt.Errorf("--timeout %s must be positive, e.g. 30s", c.timeout)
	}
	env := func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return getenv("AWS_ENDPOINT_URL")
	}
	c.endpoints = smokeEndpoints{
		autoscaling: env("AWS_ENDPOINT_URL_AUTO_SCALING"),
		elbv2:       env("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2"),
		cloudwatch:  env("AWS_ENDPOINT_URL_CLOUDWATCH"),
	}
	return c, false, nil
}

// runSmoke checks a deployed stack end to end through its service_url and,
// unless --no-aws, its fleet and alarms.
func runSmoke(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, help, err := parseSmokeFlags(args, getenv, stderr)
	if help || err != nil {
		return err
	}
	var out topology.Outputs
	if c.outputsFile != "" {
		if out, err = readSmokeOutputs(c.outputsFile, c.stack); err != nil {
			return err
		}
	}
	if c.url != "" {
		out.ServiceURL = c.url
	}
	httpClient, err := verifyingClient(c.caFile)
	if err != nil {
		return err
	}
	cfg := smoke.Config{
		ServiceURL: out.ServiceURL, APIKey: c.apiKey, HTTP: httpClient, AllowHTTP: c.allowHTTP,
		StepTimeout: c.timeout, SkipReason: "--no-aws given",
	}
	if !c.noAWS {
		if err := wireAWSChecks(ctx, &cfg, c, out, getenv); err != nil {
			return err
		}
	}
	return smoke.Run(ctx, cfg, stdout)
}

// readSmokeOutputs reads the stack's outputs (the file's only application
// stack when --stack is not given) and insists on a service_url.
func readSmokeOutputs(path, stack string) (topology.Outputs, error) {
	f, err := os.Open(path)
	if err != nil {
		return topology.Outputs{}, fmt.Errorf("read --outputs: %w; write it with `cdktf deploy docmeta-<profile>-<region> --outputs-file %s`", err, path)
	}
	defer f.Close()
	out, err := topology.ParseOutputs(f, stack)
	if err != nil {
		return topology.Outputs{}, fmt.Errorf("%s: %w", path, err)
	}
	if out.ServiceURL == "" {
		return topology.Outputs{}, fmt.Errorf("%s: stack %s has no %s output: redeploy with the current stacks", path, out.Stack, topology.OutputServiceURL)
	}
	return out, nil
}

// verifyingClient is an HTTP client that verifies TLS against the system
// roots plus the PEM certificates in caFile.
func verifyingClient(caFile string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("read --ca-file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-file %s holds no PEM certificate: pass the CA certificate (-----BEGIN CERTIFICATE-----)", caFile)
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	return &http.Client{Transport: tr}, nil
}

// wireAWSChecks adds the fleet and alarm checks of the stack's region (and
// us-east-1 for CloudFront's alarms) to cfg.
func wireAWSChecks(ctx context.Context, cfg *smoke.Config, c smokeConfig, out topology.Outputs, getenv func(string) string) error {
	if out.Region == "" || out.ASGName == "" {
		return fmt.Errorf("stack %s outputs lack %s or %s, which the AWS checks need: redeploy with the current stacks, or pass --no-aws",
			out.Stack, topology.OutputRegion, topology.OutputASGName)
	}
	ep := c.endpoints
	awsCfg, err := loadAWSConfig(ctx, getenv, out.Region, ep.autoscaling, ep.elbv2, ep.cloudwatch)
	if err != nil {
		return fmt.Errorf("%w (or pass --no-aws)", err)
	}
	asg := autoscaling.NewFromConfig(awsCfg, func(o *autoscaling.Options) { o.BaseEndpoint = awsconf.Endpoint(ep.autoscaling) })
	elb := elbv2.NewFromConfig(awsCfg, func(o *elbv2.Options) { o.BaseEndpoint = awsconf.Endpoint(ep.elbv2) })
	cfg.Fleet = awscheck.NewFleet(asg, elb, out.ASGName, out.TargetGroupARN)
	clients := map[string]awscheck.DescribeAlarmsAPI{}
	// CloudFront publishes its metrics in us-east-1, so the distribution's
	// alarm lives there whatever the stack's region.
	for _, region := range []string{out.Region, topology.CloudFrontRegion} {
		clients[region] = cloudwatch.NewFromConfig(awsCfg, func(o *cloudwatch.Options) {
			o.Region = region
			o.BaseEndpoint = awsconf.Endpoint(ep.cloudwatch)
		})
	}
	prefix := c.alarmPrefix
	if prefix == "" {
		prefix = out.AlarmNamePrefix
	}
	if prefix == "" {
		return fmt.Errorf("stack %s outputs lack %s, by which the alarms are found: redeploy with the current stacks, or pass --alarm-prefix (e.g. docmeta-dev-) or --no-aws",
			out.Stack, topology.OutputAlarmNamePrefix)
	}
	alarms := awscheck.NewAlarms(prefix, clients)
	if c.alarmPrefix == "" && out.Region != topology.CloudFrontRegion && out.Stack != "" {
		// The stack's CloudFront alarm is named by its stack name (which
		// carries the region); "docmeta-<profile>-" alone would also match
		// every alarm of the same profile's us-east-1 deployment.
		alarms.WithRegionPrefix(topology.CloudFrontRegion, out.Stack+"-")
	}
	cfg.Alarms = alarms
	return nil
}
