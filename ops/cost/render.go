package cost

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes the report as indented JSON (the --json form the console
// and scripts read).
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the human table: per profile every line item at idle and
// under the workload, totals, the prices with their sources, what is not
// modelled, and last the dev-vs-seed line.
func (r Report) WriteText(out io.Writer) error {
	w := &errWriter{w: out}
	wl := r.Workload
	w.printf("docmeta monthly cost estimate, region %s, USD, 1 month = %s hours\n", r.Region, num(r.HoursPerMonth))
	w.printf("prices: %s table recorded %s; every price's source and date is listed below the profiles\n", r.Prices.Region, r.Prices.Recorded)
	w.printf("idle     = deployed, no client traffic, empty table\n")
	w.printf("workload = %s uploads/month × %s MiB, %s reads/month (each a listing page of %d; its read units follow the profile's DOCMETA_LISTING_SHARDS, see the reads line), %s WRU per upload, %s GB/month through NAT (where a NAT exists), %s GB/month through interface endpoints, %d table export(s)/month\n",
		num(float64(wl.UploadsPerMonth)), num(wl.AvgUploadMiB), num(float64(wl.ReadsPerMonth)), wl.ListingPageSize,
		num(wl.WriteUnitsPerUpload), num(wl.NATGBPerMonth), num(wl.EndpointGBPerMonth), wl.ExportsPerMonth)
	for _, e := range r.Estimates {
		w.printf("\n== %s (stack %s) ==\n", e.Profile, e.Stack)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "line item\tcount\t idle $/mo\t workload $/mo\tbasis (workload column)\n")
		for _, it := range e.Items {
			fmt.Fprintf(tw, "%s\t%d %s\t%10.2f\t%14.2f\t%s\n", it.Name, it.Count, it.CountUnit, it.IdleUSD, it.WorkloadUSD, it.WorkloadBasis)
		}
		fmt.Fprintf(tw, "TOTAL %s\t\t%10.2f\t%14.2f\n", e.Profile, e.IdleTotalUSD, e.WorkloadTotalUSD)
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	w.printf("\nprices used (%s):\n", r.Prices.Region)
	for _, p := range r.Prices.Prices {
		dated := "recorded " + p.Date
		if p.Published != "" {
			dated += ", published " + p.Published
		}
		w.printf("  %-28s %-9s per %s; %s, %s\n", p.Key, usd(p.USD), p.Unit, p.Source, dated)
	}
	w.printf("%s\n", r.Prices.Provenance)
	w.printf("not modelled: %s\n", strings.Join(r.NotModelled, "; "))
	verdict := "meets"
	if !r.Comparison.AtMostHalf {
		verdict = "MISSES"
	}
	w.printf("both %s and %s: %s\n", r.Comparison.Profile, r.Comparison.Baseline, strings.Join(r.Comparison.SharedCapabilities, "; "))
	if len(r.Comparison.MissingCapabilities) > 0 {
		verdict = "MISSES"
		w.printf("%s LACKS: %s\n", r.Comparison.Profile, strings.Join(r.Comparison.MissingCapabilities, "; "))
	}
	w.printf("target (%s at most half of %s at idle, same capabilities): %s\n", r.Comparison.Profile, r.Comparison.Baseline, verdict)
	w.printf("%s\n", r.Comparison)
	return w.err
}

// errWriter keeps the first write error so rendering code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
