// Command docmeta-console is the operator console: documents, fleet health
// and costs of a local docmeta server or a deployed stack, in one terminal.
//
//	docmeta-console                                  # local: http://127.0.0.1:8080
//	docmeta-console --url http://host:8080 --api-key KEY
//	docmeta-console --outputs outputs.json --stack docmeta-dev-us-east-1 --profile ops
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// buildVersion is set at link time: -ldflags "-X main.buildVersion=v1.2.3".
var buildVersion string

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "docmeta-console:", err)
		os.Exit(exitCode(err))
	}
}

// exitCode is 2 for bad configuration, 1 otherwise.
func exitCode(err error) int {
	if _, ok := err.(*configError); ok {
		return 2
	}
	return 1
}
