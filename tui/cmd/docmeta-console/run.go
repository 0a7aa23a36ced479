package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/docmeta/docmeta/internal/awsconf"
	"github.com/docmeta/docmeta/internal/buildinfo"
	"github.com/docmeta/docmeta/tui"
	"github.com/docmeta/docmeta/tui/apiclient"
	"github.com/docmeta/docmeta/tui/awsfleet"
	"github.com/docmeta/docmeta/tui/awshealth"
	"github.com/docmeta/docmeta/tui/awsnat"
	"github.com/docmeta/docmeta/tui/costmodel"
)

// run parses the configuration, wires the data sources and runs the console
// until the operator quits (nil) or ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if cfg.version {
		_, err := fmt.Fprintf(stdout, "docmeta-console %s\n", buildinfo.Version(buildVersion))
		return err
	}
	tcfg, err := buildConsole(ctx, cfg, getenv)
	if err != nil {
		return err
	}
	// Plain OSC 52 in tmux too: `set-clipboard on` takes it, while tmux
	// 3.3+ drops the passthrough-wrapped form unless allow-passthrough is on.
	tcfg.Clipboard = stdout
	if cfg.debugLog != "" {
		f, err := os.OpenFile(cfg.debugLog, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			return configErrorf("--debug-log: %v (name a writable file)", err)
		}
		defer f.Close()
		tcfg.Logger = slog.New(slog.NewJSONHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug}))
		tcfg.Logger.Info("start", "version", buildinfo.Version(buildVersion), "mode", tcfg.Mode, "server", tcfg.Server, "stack", tcfg.Stack)
	}
	p := tea.NewProgram(tui.New(tcfg),
		tea.WithContext(ctx), tea.WithInput(stdin), tea.WithOutput(stdout), tea.WithAltScreen())
	if _, err := p.Run(); err != nil {
		if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
			return nil // interrupted: a clean exit, like q
		}
		return fmt.Errorf("console: %w", err)
	}
	return nil
}

// buildConsole turns the configuration into the console's sources.
// getenv feeds the cost model the same DOCMETA_* settings the stacks read.
func buildConsole(ctx context.Context, cfg config, getenv func(string) string) (tui.Config, error) {
	api, err := apiclient.New(cfg.url, cfg.apiKey, &http.Client{})
	if err != nil {
		return tui.Config{}, configErrorf("%v", err)
	}
	costs := costmodel.Source{Profile: cfg.model, Lookup: getenv}
	t := tui.Config{
		Mode:      cfg.mode,
		Server:    api.URL(),
		Stack:     cfg.stack,
		Model:     cfg.model,
		Region:    cfg.region,
		Intervals: tui.Intervals{Documents: cfg.interval, Fleet: cfg.interval, Costs: cfg.costsInterval, Health: cfg.healthInterval},
		PageSize:  cfg.pageSize,
		Documents: api,
	}
	if cfg.mode == "local" {
		t.Stack = "local"
		t.Fleet = api
		t.Costs = costs
		return t, nil
	}

	t.Profile, t.Credentials = credentialSource(cfg.awsProfile, getenv)
	awsCfg, err := awsconf.Load(ctx, awsconf.Settings{
		Region:    cfg.region,
		Profile:   cfg.awsProfile,
		Endpoints: []string{cfg.endpoints.autoscaling, cfg.endpoints.elbv2, cfg.endpoints.cloudwatch, cfg.endpoints.ec2},
		// Two attempts: a throttled or failed call shows in the status
		// line within the request timeout, and the next refresh is the retry.
		RetryMaxAttempts: 2,
	})
	if err != nil {
		return tui.Config{}, configErrorf("%v (or pass --profile)", err)
	}
	asg := autoscaling.NewFromConfig(awsCfg, func(o *autoscaling.Options) { o.BaseEndpoint = awsconf.Endpoint(cfg.endpoints.autoscaling) })
	elb := elbv2.NewFromConfig(awsCfg, func(o *elbv2.Options) { o.BaseEndpoint = awsconf.Endpoint(cfg.endpoints.elbv2) })
	cw := cloudwatch.NewFromConfig(awsCfg, func(o *cloudwatch.Options) { o.BaseEndpoint = awsconf.Endpoint(cfg.endpoints.cloudwatch) })
	ec2c := ec2.NewFromConfig(awsCfg, func(o *ec2.Options) { o.BaseEndpoint = awsconf.Endpoint(cfg.endpoints.ec2) })
	t.Fleet = awsfleet.New(asg, elb, ec2c, cfg.outputs.ASGName, cfg.outputs.TargetGroupARN)
	t.Health = awshealth.New(cw, asg, awshealth.Config{
		LoadBalancer: cfg.outputs.ALBARNSuffix, TargetGroup: cfg.outputs.TargetGroupARNSuffix,
		Table: cfg.outputs.TableName, Group: cfg.outputs.ASGName,
	})
	costs.Region = cfg.region
	costs.Observe = true
	costs.Metrics = awsnat.New(cw)
	costs.NATGatewayIDs = cfg.outputs.NATGatewayIDs
	costs.InterfaceEndpointIDs = cfg.outputs.InterfaceEndpointIDs
	costs.Days = 14
	costs.Now = time.Now
	t.Costs = costs
	return t, nil
}

// credentialSource says where the SDK's default chain takes the credentials
// from, in its order: a profile named by flag or AWS_PROFILE (passed to the
// SDK explicitly, so it wins), then access keys in the environment, then a
// web identity token file, then the "default" profile (which itself falls
// back to a container or instance role). It returns the profile, or the
// source when no profile is used, kept short for the header's one line.
func credentialSource(profile string, getenv func(string) string) (string, string) {
	first := func(names ...string) string {
		for _, n := range names {
			if v := getenv(n); v != "" {
				return n
			}
		}
		return ""
	}
	switch {
	case profile != "":
		return profile, ""
	case first("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY") != "" && first("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY") != "":
		return "", "env"
	case getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != "":
		return "", "web identity"
	}
	return "default", ""
}
