package main

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/bench/report"
	"github.com/docmeta/docmeta/internal/loadgen"
)

// loadTarget is one thing the load rounds measure: the sink, docmeta on
// bolt, dynalite's PutItem ceiling, docmeta on DynamoDB.
type loadTarget struct {
	name    string
	conns   int
	measure func(ctx context.Context, label string) (loadgen.Result, []usage, error)
	results []loadgen.Result
	cpu     [][]usage
}

// loadPhases starts every process once, then measures the targets in
// cfg.rounds interleaved rounds (sink and bolt at each connection count of
// cfg.sweep, PutItem, DynamoDB, sink, ...)
// and reports medians. Interleaving puts each ratio's two sides under the
// same conditions of a machine that may be busy with other work, and the
// median discards a round spoiled by it.
func (b *bench) loadPhases(ctx context.Context) error {
	var targets []*loadTarget
	var closers []func() error
	defer func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}()
	if b.cfg.phases["sink"] {
		p, err := b.startSink("sink", false)
		if err != nil {
			return err
		}
		closers = append(closers, p.Stop)
		reqs := b.uploads(p.Addr(), 4096)
		for _, conns := range b.cfg.sweep {
			targets = append(targets, &loadTarget{name: "sink", conns: conns, measure: func(ctx context.Context, label string) (loadgen.Result, []usage, error) {
				return b.loadWith(ctx, label, p.Addr(), conns, reqs, []string{"sink"}, []int{p.Pid()})
			}})
		}
	}
	if b.cfg.phases["bolt"] {
		if ms, err := probeFsync(b.cfg.workDir, 50); err == nil {
			fmt.Fprintf(b.log, "   disk: 4 KiB write + fdatasync takes %.2f ms (median of 50)\n", ms)
			b.res.Set("fdatasync_ms", ms)
		}
		dir := filepath.Join(b.cfg.workDir, "bolt-data")
		p, err := b.startServer("docmeta-bolt", func(addr string) []string { return b.boltEnv(addr, dir) })
		if err != nil {
			return err
		}
		closers = append(closers, p.Stop)
		reqs := b.uploads(p.Addr(), 4096)
		for _, conns := range b.cfg.sweep {
			targets = append(targets, &loadTarget{name: "bolt", conns: conns, measure: func(ctx context.Context, label string) (loadgen.Result, []usage, error) {
				return b.loadWith(ctx, label, p.Addr(), conns, reqs, []string{"server"}, []int{p.Pid()})
			}})
		}
	}
	if b.cfg.phases["dynamodb"] {
		// Two fresh in-memory dynalites, one per side, so neither side
		// works on a table the other has filled.
		dp, err := b.startDynalite(ctx, "dynalite-putitem")
		if err != nil {
			return err
		}
		closers = append(closers, func() error { dp.stop(); return nil })
		// dynamo.Open builds the SDK client exactly as the server does
		// (timeouts, retries, connection pool), so the two sides differ only
		// by the HTTP upload path in front of the store.
		store, err := dynamo.Open(ctx, dp.config())
		if err != nil {
			return err
		}
		targets = append(targets, &loadTarget{name: "putitem", conns: b.cfg.conns, measure: func(ctx context.Context, label string) (loadgen.Result, []usage, error) {
			return b.putItems(ctx, label, store, dp.cmd.Process.Pid)
		}})

		ds, err := b.startDynalite(ctx, "dynalite-server")
		if err != nil {
			return err
		}
		closers = append(closers, func() error { ds.stop(); return nil })
		p, err := b.startServer("docmeta-dynamodb", func(addr string) []string {
			return []string{
				"DOCMETA_ADDR=" + addr, "DOCMETA_STORE=dynamodb", "DOCMETA_TABLE=" + benchTable,
				"AWS_REGION=" + benchRegion, "AWS_ENDPOINT_URL_DYNAMODB=" + ds.endpoint,
				"DOCMETA_API_KEYS=" + benchAPIKey,
			}
		})
		if err != nil {
			return err
		}
		closers = append(closers, p.Stop)
		reqs := b.uploads(p.Addr(), 4096)
		targets = append(targets, &loadTarget{name: "dynamodb", conns: b.cfg.conns, measure: func(ctx context.Context, label string) (loadgen.Result, []usage, error) {
			return b.loadWith(ctx, label, p.Addr(), b.cfg.conns, reqs, []string{"server", "dynalite"}, []int{p.Pid(), ds.cmd.Process.Pid})
		}})
	}

	// Sink and bolt at the same connection count side by side, so each
	// share's two sides are measured a few seconds apart.
	sort.SliceStable(targets, func(i, j int) bool { return sweepOrder(targets[i]) < sweepOrder(targets[j]) })
	labels := map[string]string{"sink": "sink", "bolt": "docmeta bolt", "putitem": "dynalite PutItem (SDK)", "dynamodb": "docmeta dynamodb"}
	for round := 1; round <= b.cfg.rounds && ctx.Err() == nil; round++ {
		for _, t := range targets {
			label := fmt.Sprintf("%s, %d conns #%d", labels[t.name], t.conns, round)
			fmt.Fprintf(b.log, "== %s\n", label)
			r, cpu, err := t.measure(ctx, label)
			if err != nil {
				return fmt.Errorf("%s: %w", label, err)
			}
			t.results = append(t.results, r)
			t.cpu = append(t.cpu, cpu)
		}
	}
	for _, t := range targets {
		b.reportTarget(t)
	}
	for _, c := range closers {
		if err := c(); err != nil {
			return err
		}
	}
	closers = nil
	return nil
}

// reportTarget sets a target's metrics to the medians over the rounds.
func (b *bench) reportTarget(t *loadTarget) {
	rate := func(r loadgen.Result) float64 { return r.OKPerSecond() }
	p50 := func(r loadgen.Result) float64 { return loadgen.Ms(r.Latency.P50) }
	p99 := func(r loadgen.Result) float64 { return loadgen.Ms(r.Latency.P99) }
	set := func(key string, f func(loadgen.Result) float64) { b.res.Set(key, medianOf(t.results, f)) }
	cpu := func(key, process string) {
		var v []float64
		for _, us := range t.cpu {
			for _, u := range us {
				if u.name == process {
					v = append(v, u.usPerOp)
				}
			}
		}
		if len(v) > 0 {
			b.res.Set(key, median(v))
		}
	}
	switch t.name {
	case "sink":
		b.res.SetSink(t.conns, medianOf(t.results, rate), medianOf(t.results, p50), medianOf(t.results, p99))
	case "bolt":
		b.res.SetBolt(t.conns, medianOf(t.results, rate), medianOf(t.results, p50), medianOf(t.results, p99))
	}
	if t.conns != b.cfg.conns {
		return // the headline metrics are those at -conns
	}
	switch t.name {
	case "sink":
		set(report.SinkUploadsPerS, rate)
		set(report.SinkP99Ms, p99)
		cpu("sink_cpu_us_per_upload", "sink")
	case "bolt":
		set(report.UploadsPerSBolt, rate)
		set(report.P50MsBolt, p50)
		set(report.P99MsBolt, p99)
		cpu("server_cpu_us_per_upload_bolt", "server")
	case "putitem":
		set(report.DynalitePutItemPerS, rate)
		set(report.DynalitePutItemP99Ms, p99)
		cpu("dynalite_cpu_us_per_put_putitem", "dynalite")
		cpu("client_cpu_us_per_put_putitem", "client")
	case "dynamodb":
		set(report.UploadsPerSDynamo, rate)
		set(report.P50MsDynamo, p50)
		set(report.P99MsDynamo, p99)
		cpu("server_cpu_us_per_upload_dynamodb", "server")
		cpu("dynalite_cpu_us_per_put_dynamodb", "dynalite")
	}
}

// sweepOrder sorts the sink and bolt targets by connection count, ahead of
// the DynamoDB pair.
func sweepOrder(t *loadTarget) int {
	if t.name == "sink" || t.name == "bolt" {
		return t.conns
	}
	return math.MaxInt
}

func medianOf(rs []loadgen.Result, f func(loadgen.Result) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	return median(v)
}

// median of v (the mean of the middle two for an even count).
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// putItems drives store.Put (one conditional PutItem per document, the
// exact item docmeta writes) from cfg.conns goroutines: a warm-up, then
// cfg.duration measured. Failed Puts count as transport errors.
func (b *bench) putItems(ctx context.Context, label string, store *dynamo.Store, dynalitePid int) (loadgen.Result, []usage, error) {
	ids := &backend.IDGenerator{}
	put := func(d time.Duration) loadgen.Result {
		var stop atomic.Bool
		t := time.AfterFunc(d, func() { stop.Store(true) })
		defer t.Stop()
		var mu sync.Mutex
		var lat []time.Duration
		res := loadgen.Result{Status: map[int]int{}}
		var wg sync.WaitGroup
		start := time.Now()
		for w := 0; w < b.cfg.conns; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				ok, failed := 0, 0
				var first error
				for !stop.Load() && ctx.Err() == nil {
					id, at := ids.Next()
					t0 := time.Now()
					err := store.Put(ctx, backend.Document{ID: id, Filename: "bench.bin", SizeBytes: int64(b.cfg.size), UploadedAt: at,
						SHA256: "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef", ContentType: "application/octet-stream",
						DeclaredContentType: "application/octet-stream"})
					if err != nil {
						failed++
						if first == nil {
							first = err
						}
						continue
					}
					ok++
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				defer mu.Unlock()
				res.Sent += ok + failed
				res.OK += ok
				res.TransportErrors += failed
				if first != nil && res.FirstError == "" {
					res.FirstError = first.Error()
				}
				lat = append(lat, mine...)
			}()
		}
		wg.Wait()
		res.Elapsed = time.Since(start)
		res.Status[200] = res.OK
		res.Latency = loadgen.Summarise(lat)
		return res
	}
	if b.cfg.warmup > 0 {
		put(b.cfg.warmup)
	}
	meter := meterCPU([]string{"dynalite"}, []int{dynalitePid})
	r := put(b.cfg.duration)
	cpu := meter.stop(r.OK)
	b.noteOther(cpu)
	b.record(label, r, "dynamo.Store.Put, one conditional PutItem each; "+describe(cpu))
	return r, cpu, nil
}
