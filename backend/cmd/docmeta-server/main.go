// Command docmeta-server serves the docmeta HTTP API: streaming uploads
// whose metadata it keeps in an embedded bbolt file or in DynamoDB.
//
// Configuration comes from flags and DOCMETA_* / AWS_* environment
// variables (a flag wins); see -help and docs/CONFIGURATION.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/docmeta/docmeta/internal/buildinfo"
)

// buildVersion is set at link time: -ldflags "-X main.buildVersion=v1.2.3".
var buildVersion string

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	go func() {
		// After the first signal, a second one kills the process at once.
		<-ctx.Done()
		stop()
	}()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "docmeta-server:", err)
		os.Exit(1)
	}
}

// version is buildVersion, or the VCS revision Go stamped into the binary.
func version() string { return buildinfo.Version(buildVersion) }
