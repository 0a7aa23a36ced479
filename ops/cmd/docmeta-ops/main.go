// Command docmeta-ops is the operator's tool for a deployed docmeta:
//
//	docmeta-ops cost [--json] [--live-prices] [workload flags]
//	docmeta-ops teardown --stack docmeta-dev-us-east-1 --outputs-file outputs.json [--run-destroy]
//	docmeta-ops smoke --outputs outputs.json [--api-key KEY] [--no-aws]
//
// `cost` prints the monthly cost of the seed, dev and prod profiles from the
// same topology the stacks synthesize; `teardown` exports the table to the
// retained export bucket, verifies it, and only then lifts deletion
// protection and destroys (see docs/TEARDOWN.md); `smoke` proves a deployment
// works end to end through its service URL and, with AWS access, its fleet
// and alarms (see docs/DEPLOY.md).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "docmeta-ops:", err)
		os.Exit(1)
	}
}
