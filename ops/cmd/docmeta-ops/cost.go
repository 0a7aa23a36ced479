package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/docmeta/docmeta/ops/cost"
	"github.com/docmeta/docmeta/topology"
)

type costConfig struct {
	json            bool
	cdktfJSON       string
	cdktfJSONSet    bool
	livePrices      bool
	pricingEndpoint string
	workload        cost.Workload
}

func parseCostFlags(args []string, stderr io.Writer) (costConfig, bool, error) {
	c := costConfig{workload: cost.DefaultWorkload()}
	fs := flag.NewFlagSet("docmeta-ops cost", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&c.json, "json", false, "print the report as JSON (for the console and scripts)")
	fs.StringVar(&c.cdktfJSON, "cdktf-json", defaultCdktfJSON, "cdktf.json whose \"context\" supplies DOCMETA_* settings the environment does not set, as for the stacks")
	fs.BoolVar(&c.livePrices, "live-prices", false, "fetch current prices from the AWS Price List API (needs AWS credentials with pricing:GetProducts); required for regions without a shipped table")
	fs.StringVar(&c.pricingEndpoint, "pricing-endpoint", "", "Price List API URL override (tests, emulators)")
	w := &c.workload
	fs.Int64Var(&w.UploadsPerMonth, "uploads", w.UploadsPerMonth, "workload: uploads per month")
	fs.Float64Var(&w.AvgUploadMiB, "upload-mib", w.AvgUploadMiB, "workload: average upload size in MiB")
	fs.Int64Var(&w.ReadsPerMonth, "reads", w.ReadsPerMonth, "workload: GET /documents[/{id}] requests per month (each priced as a listing page, the costlier read)")
	fs.Float64Var(&w.NATGBPerMonth, "nat-gb", w.NATGBPerMonth, "workload: GB per month through the NAT gateways (where a NAT exists)")
	fs.Float64Var(&w.EndpointGBPerMonth, "endpoint-gb", w.EndpointGBPerMonth, "workload: GB per month through interface endpoints")
	fs.IntVar(&w.ExportsPerMonth, "exports", w.ExportsPerMonth, "workload: full table exports per month")
	help, err := parseFlags(fs, args)
	if err == nil && !help {
		err = w.Validate()
	}
	fs.Visit(func(f *flag.Flag) { c.cdktfJSONSet = c.cdktfJSONSet || f.Name == "cdktf-json" })
	return c, help, err
}

// defaultCdktfJSON is the app's cdktf.json, relative to the repository root
// where `make cost` runs.
const defaultCdktfJSON = "cdktf.json"

// settingsLookup reads settings as the stacks do: the environment, then the
// cdktf.json context (overlaid by CDKTF_CONTEXT_JSON when the cdktf CLI set
// it). A missing default cdktf.json means no context, said on stderr; a
// missing file named with --cdktf-json is an error.
func settingsLookup(c costConfig, getenv func(string) string, stderr io.Writer) (func(string) string, func() error, error) {
	data, err := os.ReadFile(c.cdktfJSON)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist) && !c.cdktfJSONSet:
		fmt.Fprintf(stderr, "docmeta-ops cost: no %s in the working directory; settings come from the environment only (run from the repository root or pass --cdktf-json)\n", c.cdktfJSON)
		data = []byte("{}")
	default:
		return nil, nil, fmt.Errorf("read --cdktf-json: %w", err)
	}
	ctx, err := topology.ContextFromCdktfJSON(data, getenv("CDKTF_CONTEXT_JSON"))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w; fix it or pass --cdktf-json", c.cdktfJSON, err)
	}
	lookup, problems := topology.SettingsLookup(getenv, ctx)
	return lookup, problems, nil
}

// runCost prints the cost report of every profile as configured by the
// environment and cdktf.json's context (the DOCMETA_* settings the stacks
// read, in the same order).
func runCost(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, help, err := parseCostFlags(args, stderr)
	if help || err != nil {
		return err
	}
	lookup, problems, err := settingsLookup(c, getenv, stderr)
	if err != nil {
		return err
	}
	var (
		configs []topology.Config
		errs    []error
	)
	for _, p := range cost.ReportProfiles {
		tc, err := cost.ProfileConfig(p, lookup)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		configs = append(configs, tc)
	}
	if err := errors.Join(append([]error{problems()}, errs...)...); err != nil {
		return err
	}
	region := configs[0].Region
	var instanceTypes []string
	for _, tc := range configs {
		if tc.Region != region {
			return fmt.Errorf("profiles are in different regions (%s: %s, %s: %s); the report compares them under one price table: set DOCMETA_REGION for all",
				configs[0].Profile, region, tc.Profile, tc.Region)
		}
		instanceTypes = append(instanceTypes, tc.InstanceType)
	}
	prices, err := priceTable(ctx, c, getenv, region, instanceTypes)
	if err != nil {
		return err
	}
	report, err := cost.BuildReport(configs, prices, c.workload)
	if err != nil {
		return err
	}
	if c.json {
		return report.WriteJSON(stdout)
	}
	return report.WriteText(stdout)
}

func priceTable(ctx context.Context, c costConfig, getenv func(string) string, region string, instanceTypes []string) (cost.PriceTable, error) {
	if !c.livePrices {
		return cost.ShippedTable(region)
	}
	awsCfg, err := loadAWSConfig(ctx, getenv, cost.PriceListRegion, c.pricingEndpoint)
	if err != nil {
		return cost.PriceTable{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return cost.FetchLive(ctx, cost.NewPriceListClient(awsCfg, c.pricingEndpoint), region, instanceTypes, time.Now())
}
