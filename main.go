// Command docmeta-stacks is the cdktf app (`cdktf synth` runs `go run
// main.go`): it synthesizes a docmeta-<profile> and a docmeta-<profile>-exports
// stack per selected profile into cdktf.out/. The topology comes from
// topology.Load (environment, then cdktf.json context); the constructs live
// in stacks/.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/docmeta/docmeta/stacks"
	"github.com/docmeta/docmeta/topology"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func main() {
	if err := run(os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "docmeta synth:", err)
		os.Exit(1)
	}
}

func run(getenv func(string) string, stdout, stderr io.Writer) error {
	// Settings: the environment, then cdktf.json's context (overlaid by the
	// CLI's CDKTF_CONTEXT_JSON) — the same reader `docmeta-ops cost` uses,
	// so `go run .`, `cdktf synth` and `make cost` agree.
	cdktfJSON, err := os.ReadFile("cdktf.json")
	if err != nil {
		return fmt.Errorf("read cdktf.json (run from the repository root, where make synth runs): %w", err)
	}
	settings, err := topology.ContextFromCdktfJSON(cdktfJSON, getenv("CDKTF_CONTEXT_JSON"))
	if err != nil {
		return err
	}
	lookup, problems := topology.SettingsLookup(getenv, settings)
	// The output directory comes from CDKTF_OUTDIR when the cdktf CLI runs
	// us, cdktf.out otherwise.
	app := cdktf.NewApp(nil)
	deployments, warnings, err := stacks.AddProfiles(app, lookup)
	if err != nil {
		return err
	}
	if err := problems(); err != nil {
		return err
	}
	app.Synth()
	// The cdktf CLI (which sets CDKTF_CONTEXT_JSON) prints the stacks'
	// warnings itself, from their annotations.
	underCLI := getenv("CDKTF_CONTEXT_JSON") != ""
	for _, d := range deployments {
		if !underCLI {
			warnings = append(warnings, d.Warnings...)
		}
	}
	for _, w := range warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	for _, d := range deployments {
		fmt.Fprintf(stdout, "synthesized %s and %s (server sha256 %s)\n", *d.App.ToString(), *d.Exports.ToString(), d.BinarySHA256)
	}
	return nil
}
