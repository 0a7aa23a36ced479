package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/docmeta/docmeta/internal/awsconf"
)

const usage = `usage:
  docmeta-ops cost [flags]       monthly cost of seed, dev and prod (docmeta-ops cost -h)
  docmeta-ops teardown [flags]   export, verify, then destroy safely (docmeta-ops teardown -h)
  docmeta-ops smoke [flags]      prove a deployment works end to end (docmeta-ops smoke -h)
`

// run dispatches to a subcommand. Everything it needs from the process comes
// in as arguments, so tests drive it fully.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("missing subcommand: cost, teardown or smoke")
	}
	switch args[0] {
	case "cost":
		return runCost(ctx, args[1:], getenv, stdout, stderr)
	case "teardown":
		return runTeardown(ctx, args[1:], getenv, stdout, stderr)
	case "smoke":
		return runSmoke(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown subcommand %q: want cost, teardown or smoke", args[0])
}

// parseFlags parses and turns -h into a clean exit.
func parseFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	err = fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return true, nil
	}
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	return false, err
}

// loadAWSConfig builds the SDK configuration for region and the given
// endpoint overrides ("" for AWS). Credentials come from getenv's
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY when set, else the SDK's
// default chain (AWS_PROFILE from getenv, shared config, SSO, instance role).
func loadAWSConfig(ctx context.Context, getenv func(string) string, region string, endpoints ...string) (aws.Config, error) {
	return awsconf.Load(ctx, awsconf.Settings{
		Region:          region,
		Profile:         getenv("AWS_PROFILE"),
		Endpoints:       endpoints,
		AccessKeyID:     getenv("AWS_ACCESS_KEY_ID"),
		SecretAccessKey: getenv("AWS_SECRET_ACCESS_KEY"),
		SessionToken:    getenv("AWS_SESSION_TOKEN"),
	})
}

// execAttached runs argv with the operator's terminal, so `cdktf destroy`
// can ask for its own confirmation.
func execAttached(stdout, stderr io.Writer) func(ctx context.Context, argv []string) error {
	return func(_ context.Context, argv []string) error {
		path, err := exec.LookPath(argv[0])
		if err != nil {
			return fmt.Errorf("%s not found on PATH: install it (npm install -g cdktf-cli@0.20.11) or run the printed command yourself: %w", argv[0], err)
		}
		// Not tied to ctx: Ctrl-C reaches cdktf through the terminal's
		// process group and it stops Terraform cleanly; killing it here
		// could leave the state locked.
		cmd := exec.Command(path, argv[1:]...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
		return cmd.Run()
	}
}
