package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/docmeta/docmeta/topology"
)

// config is every setting, parsed and checked before anything starts.
type config struct {
	mode   string // "local" or "aws"
	url    string
	apiKey string
	// interval refreshes Documents and Fleet; costsInterval and
	// healthInterval their views (0 = off).
	interval       time.Duration
	costsInterval  time.Duration
	healthInterval time.Duration
	pageSize       int
	// debugLog is the file every fetch and panic stack is logged to.
	debugLog string
	// version asks for the build and an exit.
	version bool
	model   string // topology profile the cost model prices

	// AWS mode.
	outputsFile string
	stack       string
	awsProfile  string
	region      string
	outputs     topology.Outputs
	// endpoints are AWS_ENDPOINT_URL_* overrides by service, passed
	// explicitly to each client.
	endpoints endpoints
}

type endpoints struct{ autoscaling, elbv2, cloudwatch, ec2 string }

// configError marks a configuration mistake (exit code 2).
type configError struct{ msg string }

func (e *configError) Error() string { return e.msg }

func configErrorf(format string, args ...any) error {
	return &configError{msg: fmt.Sprintf(format, args...)}
}

func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var c config
	var natIDs, asg, tgARN string
	fs := flag.NewFlagSet("docmeta-console", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(fs) }
	fs.StringVar(&c.url, "url", env("DOCMETA_URL", ""), "docmeta server URL (env DOCMETA_URL; default http://127.0.0.1:8080, or the stack's service URL in AWS mode)")
	fs.StringVar(&c.apiKey, "api-key", env("DOCMETA_API_KEY", ""), "API key sent as a Bearer token (env DOCMETA_API_KEY)")
	fs.DurationVar(&c.interval, "interval", 15*time.Second, "auto-refresh of Documents and Fleet while on screen (0 disables)")
	fs.DurationVar(&c.costsInterval, "costs-interval", time.Hour, "auto-refresh of Costs (daily CloudWatch data; 0 disables)")
	fs.DurationVar(&c.healthInterval, "health-interval", time.Minute, "auto-refresh of Health (AWS mode; 0 disables)")
	fs.StringVar(&c.debugLog, "debug-log", env("DOCMETA_CONSOLE_DEBUG_LOG", ""), "append every fetch (duration, error) and full panic stacks to `FILE` as JSON lines (env DOCMETA_CONSOLE_DEBUG_LOG)")
	fs.BoolVar(&c.version, "version", false, "print the build and exit")
	fs.IntVar(&c.pageSize, "page-size", 50, "documents per page (1-1000)")
	fs.StringVar(&c.model, "model", env("DOCMETA_PROFILE", ""), "topology profile priced by the Costs view: dev or prod (default: from the stack name, else dev)")
	fs.StringVar(&c.outputsFile, "outputs", env("DOCMETA_OUTPUTS", ""), "AWS mode: `cdktf deploy --outputs-file` JSON (env DOCMETA_OUTPUTS)")
	fs.StringVar(&c.stack, "stack", "", "stack in the outputs file (needed when it holds several)")
	fs.StringVar(&c.awsProfile, "profile", env("AWS_PROFILE", ""), "AWS shared-config profile (env AWS_PROFILE)")
	fs.StringVar(&c.region, "region", env("AWS_REGION", env("AWS_DEFAULT_REGION", "")), "AWS region (env AWS_REGION; default from the outputs file)")
	fs.StringVar(&asg, "asg", "", "AWS mode without an outputs file: Auto Scaling Group name")
	fs.StringVar(&tgARN, "target-group-arn", "", "AWS mode: target group ARN (default: the group's first)")
	fs.StringVar(&natIDs, "nat-gateway-ids", "", "AWS mode: comma-separated NAT gateway IDs (default: from the outputs file)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, configErrorf("%v (see --help)", err)
	}
	if fs.NArg() > 0 {
		return c, configErrorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	if c.pageSize < 1 || c.pageSize > 1000 {
		return c, configErrorf("--page-size %d must be between 1 and 1000", c.pageSize)
	}
	for _, iv := range []struct {
		flag string
		d    time.Duration
	}{{"interval", c.interval}, {"costs-interval", c.costsInterval}, {"health-interval", c.healthInterval}} {
		if iv.d < 0 || (iv.d > 0 && iv.d < time.Second) {
			return c, configErrorf("--%s %s must be 0 (off) or at least 1s", iv.flag, iv.d)
		}
	}
	if c.version {
		return c, nil
	}

	c.mode = "local"
	if c.outputsFile != "" || asg != "" {
		c.mode = "aws"
		if err := c.loadAWS(asg, tgARN, natIDs); err != nil {
			return c, err
		}
		c.endpoints = endpoints{
			autoscaling: env("AWS_ENDPOINT_URL_AUTO_SCALING", getenv("AWS_ENDPOINT_URL")),
			elbv2:       env("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", getenv("AWS_ENDPOINT_URL")),
			cloudwatch:  env("AWS_ENDPOINT_URL_CLOUDWATCH", getenv("AWS_ENDPOINT_URL")),
			ec2:         env("AWS_ENDPOINT_URL_EC2", getenv("AWS_ENDPOINT_URL")),
		}
	}
	if c.url == "" {
		c.url = "http://127.0.0.1:8080"
		if c.mode == "aws" {
			c.url = c.outputs.ServiceURL
			if c.url == "" && c.outputs.ALBDNSName != "" {
				c.url = "http://" + c.outputs.ALBDNSName
			}
		}
	}
	if c.model == "" {
		c.model = modelFromStack(c.stack)
	}
	if c.model != "dev" && c.model != "prod" && c.model != "seed" {
		return c, configErrorf("--model %q must be dev, prod or seed", c.model)
	}
	return c, nil
}

func (c *config) loadAWS(asg, tgARN, natIDs string) error {
	if c.outputsFile != "" {
		f, err := os.Open(c.outputsFile)
		if err != nil {
			return configErrorf("open outputs file: %v (write it with `cdktf deploy --outputs-file %s`)", err, c.outputsFile)
		}
		defer f.Close()
		o, err := topology.ParseOutputs(f, c.stack)
		if err != nil {
			return configErrorf("%s: %v", c.outputsFile, err)
		}
		c.outputs = o
		c.stack = o.Stack
	}
	if asg != "" {
		c.outputs.ASGName = asg
	}
	if tgARN != "" {
		c.outputs.TargetGroupARN = tgARN
	}
	if natIDs != "" {
		c.outputs.NATGatewayIDs = nil
		for _, id := range strings.Split(natIDs, ",") {
			if id = strings.TrimSpace(id); id != "" {
				c.outputs.NATGatewayIDs = append(c.outputs.NATGatewayIDs, id)
			}
		}
	}
	if c.region == "" {
		c.region = c.outputs.Region
	}
	if c.region == "" {
		return configErrorf("AWS mode needs a region: pass --region, set AWS_REGION, or use an outputs file with a region output")
	}
	if c.outputs.ASGName == "" {
		return configErrorf("AWS mode needs the Auto Scaling Group: pass --outputs or --asg")
	}
	return nil
}

// modelFromStack maps docmeta-prod to prod (and so on); dev by default.
func modelFromStack(stack string) string {
	for _, p := range []string{"prod", "seed", "dev"} {
		if strings.HasSuffix(stack, "-"+p) || stack == p {
			return p
		}
	}
	return "dev"
}
