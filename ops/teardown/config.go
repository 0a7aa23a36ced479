package teardown

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Config is one teardown, validated before any AWS call.
type Config struct {
	Region string
	// Table is the DynamoDB table to export.
	Table string
	// ExportBucket receives the export; it lives in the retained exports
	// stack that destroying the application stack leaves alone.
	ExportBucket string
	// ExportPrefix is the key prefix of the export inside the bucket.
	ExportPrefix string
	// Stack is the cdktf stack to destroy, e.g. docmeta-dev-us-east-1.
	Stack string
	// ALBARN is the stack's Application Load Balancer. Terraform cannot
	// delete a load balancer with deletion protection on (prod has it), so
	// a destroy lifts it after the verified export, like the table's.
	ALBARN string
	// ExportARN resumes an export started earlier (after an interrupted
	// wait) instead of starting a new one.
	ExportARN string
	// PollInterval is the time between DescribeExport calls; WaitTimeout
	// bounds the whole wait.
	PollInterval time.Duration
	WaitTimeout  time.Duration
	// LiftDeletionProtection turns the table's deletion protection off after
	// a verified export. RunDestroy implies it.
	LiftDeletionProtection bool
	// RunDestroy runs DestroyCommand after the export is verified.
	RunDestroy bool
	// DestroyCommand is the argv of the destroy step; defaults to
	// ["cdktf", "destroy", Stack].
	DestroyCommand []string
}

// Defaults for the wait: exports of small tables finish in minutes; a large
// one can take longer, so the bound is generous and the resume path cheap.
const (
	DefaultPollInterval = 15 * time.Second
	DefaultWaitTimeout  = 2 * time.Hour
)

var (
	tableNameRe  = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)
	bucketNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	exportARNRe  = regexp.MustCompile(`^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]+/export/[A-Za-z0-9-]+$`)
	stackNameRe  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)
	albARNRe     = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/app/[A-Za-z0-9-]+/[0-9a-f]+$`)
)

// WithDefaults fills the poll interval, wait bound, export prefix and
// destroy command. now stamps the default prefix so exports never overwrite
// each other.
func (c Config) WithDefaults(now time.Time) Config {
	if c.PollInterval == 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.WaitTimeout == 0 {
		c.WaitTimeout = DefaultWaitTimeout
	}
	if c.ExportPrefix == "" && c.Table != "" {
		c.ExportPrefix = "teardown/" + c.Table + "/" + now.UTC().Format("20060102T150405Z")
	}
	if len(c.DestroyCommand) == 0 && c.Stack != "" {
		c.DestroyCommand = []string{"cdktf", "destroy", c.Stack}
	}
	if c.RunDestroy {
		c.LiftDeletionProtection = true
	}
	return c
}

// Validate reports every missing or malformed value, each with the flag
// that sets it.
func (c Config) Validate() error {
	var errs []error
	if c.Region == "" {
		errs = append(errs, errors.New("region is empty: pass --region or --outputs-file with the stack's outputs"))
	}
	if !tableNameRe.MatchString(c.Table) {
		errs = append(errs, fmt.Errorf("table %q is not a DynamoDB table name: pass --table or --outputs-file", c.Table))
	}
	if !bucketNameRe.MatchString(c.ExportBucket) {
		errs = append(errs, fmt.Errorf("export bucket %q is not an S3 bucket name: pass --export-bucket or --outputs-file (deploy the exports stack first)", c.ExportBucket))
	}
	if strings.HasPrefix(c.ExportPrefix, "/") || strings.Contains(c.ExportPrefix, "//") {
		errs = append(errs, fmt.Errorf("export prefix %q must be a relative key prefix without empty segments (--export-prefix)", c.ExportPrefix))
	}
	if !stackNameRe.MatchString(c.Stack) {
		errs = append(errs, fmt.Errorf("stack %q is not a cdktf stack name like docmeta-dev-us-east-1: pass --stack", c.Stack))
	}
	if c.ExportARN != "" && !exportARNRe.MatchString(c.ExportARN) {
		errs = append(errs, fmt.Errorf("export ARN %q is not a DynamoDB export ARN (arn:aws:dynamodb:<region>:<account>:table/<table>/export/<id>) (--export-arn)", c.ExportARN))
	}
	if c.ALBARN != "" && !albARNRe.MatchString(c.ALBARN) {
		errs = append(errs, fmt.Errorf("load balancer ARN %q is not an Application Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>) (--alb-arn)", c.ALBARN))
	}
	if c.RunDestroy && c.ALBARN == "" {
		errs = append(errs, errors.New("--run-destroy needs the stack's load balancer, whose deletion protection (on in prod) would stop the destroy halfway: pass --alb-arn or an --outputs-file with alb_arn (`cdktf output <stack> --outputs-file <file>`)"))
	}
	if c.PollInterval <= 0 || c.WaitTimeout <= 0 || c.PollInterval > c.WaitTimeout {
		errs = append(errs, fmt.Errorf("poll interval %s and wait timeout %s must be positive with interval <= timeout (--poll-interval, --wait-timeout)", c.PollInterval, c.WaitTimeout))
	}
	if c.RunDestroy && len(c.DestroyCommand) == 0 {
		errs = append(errs, errors.New("--run-destroy needs a destroy command"))
	}
	return errors.Join(errs...)
}

// resumeCommand is the command line that continues this teardown with an
// existing export; withFlags keeps this run's lift/destroy choice.
func (c Config) resumeCommand(exportARN string, withFlags bool) string {
	cmd := fmt.Sprintf("docmeta-ops teardown --region %s --table %s --export-bucket %s --stack %s", c.Region, c.Table, c.ExportBucket, c.Stack)
	if c.ALBARN != "" {
		cmd += " --alb-arn " + c.ALBARN
	}
	cmd += " --export-arn " + exportARN
	switch {
	case withFlags && c.RunDestroy:
		cmd += " --run-destroy"
	case withFlags && c.LiftDeletionProtection:
		cmd += " --lift-deletion-protection"
	}
	return cmd
}
