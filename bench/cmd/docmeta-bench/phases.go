package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"time"

	"github.com/docmeta/docmeta/bench/report"
	"github.com/docmeta/docmeta/internal/loadgen"
	"github.com/docmeta/docmeta/internal/serverproc"

	"github.com/docmeta/docmeta/internal/testenv"
)

// benchAPIKey is configured on every docmeta server the bench starts, so
// the measured path includes authentication as in production.
const benchAPIKey = "bench-key-0123456789abcdef"

// bench carries the configuration and results through the phases.
type bench struct {
	cfg config
	res *report.Results
	log io.Writer
	// maxOther is the most CPU (in cores) other processes used during any
	// measured window.
	maxOther float64
	// maxIOStall is the largest share of a measured window in which tasks
	// were stalled on I/O.
	maxIOStall float64
}

// uploads prebuilds n distinct raw upload requests of cfg.size random bytes.
func (b *bench) uploads(addr string, n int) [][]byte {
	reqs := make([][]byte, n)
	for i := range reqs {
		content := make([]byte, b.cfg.size)
		rand.Read(content)
		reqs[i] = loadgen.Upload{
			Host: addr, APIKey: benchAPIKey, Filename: fmt.Sprintf("bench-%05d.bin", i), Content: content,
		}.Raw()
	}
	return reqs
}

// load warms addr up, then measures cfg.duration of uploads and records the
// phase in the report, with the CPU used by the processes in procs (names
// and pids) and by the generator itself.
func (b *bench) load(ctx context.Context, name, addr string, procs []string, pids []int) (loadgen.Result, []usage, error) {
	return b.loadWith(ctx, name, addr, b.cfg.conns, b.uploads(addr, 4096), procs, pids)
}

// loadWith is load with prebuilt requests over conns connections.
func (b *bench) loadWith(ctx context.Context, name, addr string, conns int, reqs [][]byte, procs []string, pids []int) (loadgen.Result, []usage, error) {
	if b.cfg.warmup > 0 {
		if _, err := loadgen.Run(ctx, loadgen.Config{Addr: addr, Conns: conns, Requests: reqs, Duration: b.cfg.warmup}); err != nil {
			return loadgen.Result{}, nil, err
		}
	}
	meter := meterCPU(procs, pids)
	r, err := loadgen.Run(ctx, loadgen.Config{Addr: addr, Conns: conns, Requests: reqs, Duration: b.cfg.duration})
	if err != nil {
		return r, nil, err
	}
	cpu := meter.stop(r.OK)
	b.noteOther(cpu)
	b.record(name, r, describe(cpu))
	return r, cpu, nil
}

// setCPU records the per-operation CPU cost of one process of a phase.
func (b *bench) setCPU(key, process string, cpu []usage) {
	for _, u := range cpu {
		if u.name == process {
			b.res.Set(key, u.usPerOp)
		}
	}
}

// record adds a load result to the report's phase table and the log.
func (b *bench) record(name string, r loadgen.Result, note string) {
	fmt.Fprintf(b.log, "   %s\n", r)
	if note != "" {
		fmt.Fprintf(b.log, "   %s\n", note)
	}
	b.res.Runs = append(b.res.Runs, report.Run{
		Name: name, Sent: r.Sent, OK: r.OK, Non2xx: r.Non2xx(), Status: r.Status,
		TransportErrors: r.TransportErrors, FirstError: r.FirstError, Seconds: r.Elapsed.Seconds(), Note: note,
	})
}

// startSink runs the sink binary; null makes it skip the body.
func (b *bench) startSink(name string, null bool) (*serverproc.Proc, error) {
	addr, err := testenv.FreeAddr()
	if err != nil {
		return nil, err
	}
	args := []string{"-addr", addr}
	if null {
		args = append(args, "-null")
	}
	return serverproc.Start(serverproc.Config{Name: name, Bin: b.cfg.sinkBin, Args: args, Addr: addr,
		LogPath: filepath.Join(b.cfg.workDir, name+".log")})
}

// nullPhase loads a handler that ignores the body: the ceiling of the
// generator plus fasthttp on this machine.
func (b *bench) nullPhase(ctx context.Context) error {
	p, err := b.startSink("null", true)
	if err != nil {
		return err
	}
	defer p.Stop()
	r, _, err := b.load(ctx, "null (generator ceiling)", p.Addr(), []string{"null"}, []int{p.Pid()})
	if err != nil {
		return err
	}
	b.res.Set(report.LoadgenCeilingPerS, r.OKPerSecond())
	return nil
}

// serverEnv is the environment of a docmeta server on the bolt store.
func (b *bench) boltEnv(addr, dataDir string, extra ...string) []string {
	return append([]string{
		"DOCMETA_ADDR=" + addr, "DOCMETA_STORE=bolt", "DOCMETA_DATA_DIR=" + dataDir,
		"DOCMETA_API_KEYS=" + benchAPIKey,
	}, extra...)
}

// startServer runs docmeta on a fresh loopback address with the
// environment env builds for that address.
func (b *bench) startServer(name string, env func(addr string) []string) (*serverproc.Proc, error) {
	addr, err := testenv.FreeAddr()
	if err != nil {
		return nil, err
	}
	return serverproc.Start(serverproc.Config{Name: name, Bin: b.cfg.serverBin, Env: env(addr), Addr: addr,
		LogPath: filepath.Join(b.cfg.workDir, name+".log")})
}

// startPhase times cfg.starts fresh starts of docmeta on an empty bolt data
// directory, exec to first 200 from /status, and reports the median.
func (b *bench) startPhase(ctx context.Context) error {
	var times []time.Duration
	for i := 0; i < b.cfg.starts && ctx.Err() == nil; i++ {
		dir := filepath.Join(b.cfg.workDir, fmt.Sprintf("start-%d", i))
		p, err := b.startServer(fmt.Sprintf("docmeta-start-%d", i), func(addr string) []string { return b.boltEnv(addr, dir) })
		if err != nil {
			return err
		}
		times = append(times, p.HealthyAfter)
		if err := p.Stop(); err != nil {
			return err
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	fmt.Fprintf(b.log, "   start to healthy: %v\n", times)
	b.res.Set(report.StartToHealthyMs, loadgen.Ms(times[len(times)/2]))
	b.res.Set("start_to_healthy_max_ms", loadgen.Ms(times[len(times)-1]))
	return nil
}
