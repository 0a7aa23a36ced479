// Command docmeta-bench is `make bench`: it starts loopback servers itself
// (the sink, docmeta on bolt, dynalite and docmeta on DynamoDB), loads them
// with internal/loadgen, measures a 1 GiB streamed upload and the start-up
// time, prints a table and writes bench/out/results.json.
//
// It is a report, not a test: a missed target or a run with errors is said
// loudly in the table and the JSON, and the exit status is non-zero only if
// a phase could not run at all.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/docmeta/docmeta/bench/report"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "docmeta-bench:", err)
		os.Exit(1)
	}
}

// config is the validated command line.
type config struct {
	serverBin, sinkBin, dynaliteScript string
	out                                string
	conns, size, largeMiB, starts      int
	rounds, largeRuns                  int
	warmup, duration                   time.Duration
	phases                             map[string]bool
	// sweep is every connection count at which the sink and bolt are
	// measured, fewest first; it always includes conns.
	sweep      []int
	workDir    string
	profileDir string
}

var allPhases = []string{"null", "sink", "bolt", "dynamodb", "large", "start"}

func parse(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("docmeta-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.serverBin, "server", "bin/docmeta-server", "docmeta server binary")
	fs.StringVar(&c.sinkBin, "sink", "bin/docmeta-sink", "sink server binary")
	fs.StringVar(&c.dynaliteScript, "dynalite", "tools/dynalite/node_modules/dynalite/cli.js", "dynalite's cli.js (installed by `make tools`)")
	fs.StringVar(&c.out, "out", "bench/out/results.json", "where to write the JSON results")
	fs.IntVar(&c.conns, "conns", 64, "concurrent connections of the load phases")
	fs.IntVar(&c.size, "size", 1024, "bytes of each uploaded file in the load phases")
	fs.IntVar(&c.largeMiB, "large-mib", 1024, "size of the large streamed upload, in MiB")
	fs.IntVar(&c.rounds, "rounds", 3, "interleaved rounds of the load phases (sink, bolt, PutItem, DynamoDB); medians are reported")
	fs.IntVar(&c.largeRuns, "large-runs", 3, "large uploads sent (the median rate is reported)")
	fs.IntVar(&c.starts, "starts", 5, "server starts timed for start_to_healthy_ms (the median is reported)")
	fs.DurationVar(&c.warmup, "warmup", time.Second, "unmeasured load before each measured phase")
	fs.DurationVar(&c.duration, "duration", 5*time.Second, "measured length of each load phase")
	fs.StringVar(&c.profileDir, "profile", "", "also CPU-profile the handler in-process on each store and write <dir>/<store>.pprof")
	sweep := fs.String("sweep", "1,4,16", "comma-separated connection counts at which the sink and bolt are also measured (besides -conns); empty for none")
	phases := fs.String("phases", strings.Join(allPhases, ","), "comma-separated phases to run")
	err := fs.Parse(args)
	if err != nil {
		return c, err
	}
	if c.conns < 1 || c.size < 1 || c.largeMiB < 1 || c.starts < 1 || c.rounds < 1 || c.largeRuns < 1 || c.duration <= 0 || c.warmup < 0 {
		return c, fmt.Errorf("-conns, -size, -large-mib, -starts, -rounds and -duration must be positive")
	}
	if c.sweep, err = parseSweep(*sweep, c.conns); err != nil {
		return c, err
	}
	c.phases = map[string]bool{}
	for _, p := range strings.Split(*phases, ",") {
		known := false
		for _, a := range allPhases {
			known = known || a == p
		}
		if !known {
			return c, fmt.Errorf("unknown phase %q in -phases; choose from %s", p, strings.Join(allPhases, ","))
		}
		c.phases[p] = true
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parse(args, stderr)
	if err != nil {
		return err
	}
	cfg.workDir, err = os.MkdirTemp("", "docmeta-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(cfg.workDir)

	res := report.New()
	res.Machine = machine()
	fmt.Fprintf(stdout, "docmeta-bench: %s; %d connections (sink and bolt also at %v), %d-byte files, %s per phase after %s warm-up, %d rounds\n",
		res.Machine, cfg.conns, cfg.sweep, cfg.size, cfg.duration, cfg.warmup, cfg.rounds)
	b := &bench{cfg: cfg, res: res, log: stdout}
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"null", b.nullPhase},
		{"load", b.loadPhases},
		{"large", b.largePhase},
		{"start", b.startPhase},
		{"profile", b.profilePhase},
	}
	for _, s := range steps {
		skip := !cfg.phases[s.name]
		switch s.name {
		case "profile":
			skip = cfg.profileDir == ""
		case "load":
			skip = !cfg.phases["sink"] && !cfg.phases["bolt"] && !cfg.phases["dynamodb"]
		}
		if skip || ctx.Err() != nil {
			continue
		}
		if s.name != "load" {
			fmt.Fprintf(stdout, "== %s\n", s.name)
		}
		if err := s.fn(ctx); err != nil {
			res.Fail(s.name, err)
			fmt.Fprintf(stdout, "   FAILED: %v\n", err)
		}
	}
	res.Set("other_load_cores_max", b.maxOther)
	if b.maxOther > 0.25 {
		res.Warn(fmt.Sprintf("other processes used up to %.2f of the %d cores during measured phases: rates are low and latencies high by about that share; rerun on an idle machine for clean numbers", b.maxOther, runtime.NumCPU()))
	}
	res.Set("io_stall_percent_max", 100*b.maxIOStall)
	if b.maxIOStall > 0.20 { // bolt's own fsyncs account for a few percent
		res.Warn(fmt.Sprintf("tasks were stalled on I/O up to %.0f%% of a measured phase (/proc/pressure/io): the disk was busy, and bolt's fsync-bound rate and p99 suffer first", 100*b.maxIOStall))
	}
	fmt.Fprintln(stdout)
	res.PrintTable(stdout)
	if err := res.WriteJSON(cfg.out); err != nil {
		return fmt.Errorf("write %s: %w", cfg.out, err)
	}
	abs, _ := filepath.Abs(cfg.out)
	fmt.Fprintf(stdout, "results written to %s\n", abs)
	if len(res.Failures) > 0 {
		return fmt.Errorf("%d phase(s) could not run; see FAILED PHASE above", len(res.Failures))
	}
	return ctx.Err()
}

// parseSweep reads -sweep and adds conns: sorted, without duplicates.
func parseSweep(list string, conns int) ([]int, error) {
	counts := []int{conns}
	for _, f := range strings.Split(list, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-sweep %q: %q is not a positive connection count (example: -sweep 1,4,16)", list, f)
		}
		counts = append(counts, n)
	}
	slices.Sort(counts)
	return slices.Compact(counts), nil
}

// machine describes where the numbers were taken.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%d CPUs (%s), %s %s/%s", runtime.NumCPU(), model, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
