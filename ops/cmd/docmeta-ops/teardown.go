package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/docmeta/docmeta/ops/teardown"
	"github.com/docmeta/docmeta/topology"
)

type teardownFlags struct {
	cfg         teardown.Config
	outputsFile string
	endpoints   teardown.Endpoints
}

func parseTeardownFlags(args []string, getenv func(string) string, stderr io.Writer) (teardownFlags, bool, error) {
	var f teardownFlags
	c := &f.cfg
	fs := flag.NewFlagSet("docmeta-ops teardown", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Stack, "stack", "", "cdktf stack to destroy, e.g. docmeta-dev-us-east-1 (required)")
	fs.StringVar(&f.outputsFile, "outputs-file", "", "JSON written by `cdktf deploy --outputs-file`; supplies region, table, export bucket and load balancer ARN")
	fs.StringVar(&c.Region, "region", "", "AWS region (overrides the outputs file)")
	fs.StringVar(&c.Table, "table", "", "DynamoDB table (overrides the outputs file)")
	fs.StringVar(&c.ExportBucket, "export-bucket", "", "export bucket of the retained exports stack (overrides the outputs file)")
	fs.StringVar(&c.ALBARN, "alb-arn", "", "the stack's load balancer, whose deletion protection --run-destroy lifts (overrides alb_arn of the outputs file)")
	fs.StringVar(&c.ExportPrefix, "export-prefix", "", "key prefix of the export (default teardown/<table>/<UTC time>)")
	fs.StringVar(&c.ExportARN, "export-arn", "", "resume: wait on and verify this existing export instead of starting one")
	fs.DurationVar(&c.PollInterval, "poll-interval", teardown.DefaultPollInterval, "time between export status checks")
	fs.DurationVar(&c.WaitTimeout, "wait-timeout", teardown.DefaultWaitTimeout, "give up waiting for the export after this long (the export continues; resume with --export-arn)")
	fs.BoolVar(&c.LiftDeletionProtection, "lift-deletion-protection", false, "after a verified export, turn the table's deletion protection off (logged)")
	fs.BoolVar(&c.RunDestroy, "run-destroy", false, "after a verified export, lift deletion protection and run `cdktf destroy <stack>`")
	fs.StringVar(&f.endpoints.DynamoDB, "dynamodb-endpoint", getenv("AWS_ENDPOINT_URL_DYNAMODB"), "DynamoDB URL override (env AWS_ENDPOINT_URL_DYNAMODB)")
	fs.StringVar(&f.endpoints.S3, "s3-endpoint", getenv("AWS_ENDPOINT_URL_S3"), "S3 URL override, path-style (env AWS_ENDPOINT_URL_S3)")
	fs.StringVar(&f.endpoints.ELBv2, "elbv2-endpoint", getenv("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2"), "Elastic Load Balancing v2 URL override (env AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2)")
	help, err := parseFlags(fs, args)
	if help || err != nil {
		return f, help, err
	}
	if f.outputsFile != "" {
		if err := f.applyOutputs(); err != nil {
			return f, false, err
		}
	}
	f.cfg = f.cfg.WithDefaults(time.Now())
	return f, false, f.cfg.Validate()
}

// applyOutputs fills region, table, bucket and load balancer from the outputs file where
// no flag set them.
func (f *teardownFlags) applyOutputs() error {
	if f.cfg.Stack == "" {
		return fmt.Errorf("--outputs-file needs --stack to pick the stack")
	}
	file, err := os.Open(f.outputsFile)
	if err != nil {
		return fmt.Errorf("open outputs file: %w; write it with `cdktf deploy %s --outputs-file %s`", err, f.cfg.Stack, f.outputsFile)
	}
	defer file.Close()
	o, err := topology.ParseOutputs(file, f.cfg.Stack)
	if err != nil {
		return fmt.Errorf("%s: %w", f.outputsFile, err)
	}
	for _, v := range []struct {
		dst *string
		src string
	}{{&f.cfg.Region, o.Region}, {&f.cfg.Table, o.TableName}, {&f.cfg.ExportBucket, o.ExportBucket}, {&f.cfg.ALBARN, o.ALBARN}} {
		if *v.dst == "" {
			*v.dst = v.src
		}
	}
	return nil
}

// runTeardown exports, verifies and (only then) destroys; see docs/TEARDOWN.md.
func runTeardown(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	f, help, err := parseTeardownFlags(args, getenv, stderr)
	if help || err != nil {
		return err
	}
	awsCfg, err := loadAWSConfig(ctx, getenv, f.cfg.Region, f.endpoints.DynamoDB, f.endpoints.S3, f.endpoints.ELBv2)
	if err != nil {
		return err
	}
	db, st := teardown.NewClients(awsCfg, f.cfg.Region, f.endpoints)
	r := &teardown.Runner{
		DB: db, S3: st, ELB: teardown.NewELBv2Client(awsCfg, f.cfg.Region, f.endpoints), Out: stdout,
		Log:  slog.New(slog.NewTextHandler(stderr, nil)),
		Exec: execAttached(stdout, stderr),
	}
	_, err = r.Run(ctx, f.cfg)
	return err
}
