// Command scan-summary prints a trivy JSON report of `make scan` as one line per
// finding and a count per severity, so the scan's "before exclusions" state
// is visible in the build log without the full tables.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "scan-summary:", err)
		os.Exit(1)
	}
}

type report struct {
	Results []struct {
		Target            string
		Misconfigurations []struct {
			ID, Severity, Title string
			CauseMetadata       struct{ Resource string }
		}
	}
}

func run(args []string, out io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: summary <trivy report.json>")
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("%s: not a trivy JSON report: %w", args[0], err)
	}
	counts := map[string]int{}
	var lines []string
	for _, res := range r.Results {
		for _, m := range res.Misconfigurations {
			counts[m.Severity]++
			if len(m.Title) > 70 {
				m.Title = m.Title[:67] + "..."
			}
			lines = append(lines, fmt.Sprintf("  %-8s %s %s %s (%s)", m.Severity, m.ID, res.Target, m.CauseMetadata.Resource, m.Title))
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Fprintln(out, l)
	}
	fmt.Fprintf(out, "findings: %d (CRITICAL %d, HIGH %d, MEDIUM %d, LOW %d)\n", len(lines),
		counts["CRITICAL"], counts["HIGH"], counts["MEDIUM"], counts["LOW"])
	return nil
}
