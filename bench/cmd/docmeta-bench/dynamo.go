package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/bench/loadgen"
	"github.com/docmeta/docmeta/bench/report"
)

const (
	benchRegion = "us-east-1"
	benchTable  = "docmeta-bench"
)

// dynalite is one running dynalite process (in memory: the two phases that
// use it each get a fresh one, so both start from an empty table).
type dynalite struct {
	cmd      *exec.Cmd
	exited   chan struct{}
	endpoint string
}

// startDynalite runs dynalite on a free loopback port and creates the
// docmeta table in it with the store's own CreateTable.
func (b *bench) startDynalite(ctx context.Context, name string) (*dynalite, error) {
	if _, err := os.Stat(b.cfg.dynaliteScript); err != nil {
		return nil, fmt.Errorf("dynalite is not installed at %s: run `make tools`: %w", b.cfg.dynaliteScript, err)
	}
	addr, err := freeAddrForDynalite()
	if err != nil {
		return nil, err
	}
	host, port, _ := net.SplitHostPort(addr)
	logf, err := os.Create(filepath.Join(b.cfg.workDir, name+".log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command("node", b.cfg.dynaliteScript, "--host", host, "--port", port, "--createTableMs", "0")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start dynalite (needs Node.js 20+ and `make tools`): %w", err)
	}
	d := &dynalite{cmd: cmd, exited: make(chan struct{}), endpoint: "http://" + addr}
	go func() { cmd.Wait(); close(d.exited) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if resp, err := http.Get(d.endpoint); err == nil {
			resp.Body.Close()
			break
		}
		select {
		case <-d.exited:
			return nil, fmt.Errorf("dynalite exited at start; see %s", logf.Name())
		default:
		}
		if time.Now().After(deadline) {
			d.stop()
			return nil, fmt.Errorf("dynalite did not answer on %s within 15s", d.endpoint)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := dynamo.CreateTable(ctx, d.config()); err != nil {
		d.stop()
		return nil, err
	}
	return d, nil
}

func freeAddrForDynalite() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("no free loopback port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func (d *dynalite) config() dynamo.Config {
	return dynamo.Config{Region: benchRegion, Table: benchTable, Endpoint: d.endpoint}
}

func (d *dynalite) stop() {
	_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
	<-d.exited
}

// dynamoPhase measures dynalite's own PutItem rate from an SDK client at
// the benchmark's concurrency (the store ceiling), then docmeta on the
// DynamoDB store against a fresh dynalite under the same upload load.
func (b *bench) dynamoPhase(ctx context.Context) error {
	if err := b.putItemPhase(ctx); err != nil {
		return err
	}
	d, err := b.startDynalite(ctx, "dynalite-server")
	if err != nil {
		return err
	}
	defer d.stop()
	p, err := b.startServer("docmeta-dynamodb", func(addr string) []string {
		return []string{
			"DOCMETA_ADDR=" + addr, "DOCMETA_STORE=dynamodb", "DOCMETA_TABLE=" + benchTable,
			"AWS_REGION=" + benchRegion, "AWS_ENDPOINT_URL_DYNAMODB=" + d.endpoint,
			"DOCMETA_API_KEYS=" + benchAPIKey,
		}
	})
	if err != nil {
		return err
	}
	r, cpu, err := b.load(ctx, "docmeta dynamodb", p.Addr(), []string{"server", "dynalite"}, []int{p.Pid(), d.cmd.Process.Pid})
	if stopErr := p.Stop(); err == nil {
		err = stopErr
	}
	if err != nil {
		return err
	}
	b.setCPU("server_cpu_us_per_upload_dynamodb", "server", cpu)
	b.setCPU("dynalite_cpu_us_per_put_dynamodb", "dynalite", cpu)
	b.res.Set(report.UploadsPerSDynamo, r.OKPerSecond())
	b.res.Set(report.P50MsDynamo, loadgen.Ms(r.Latency.P50))
	b.res.Set(report.P99MsDynamo, loadgen.Ms(r.Latency.P99))
	return nil
}

// putItemPhase drives dynamo.Store.Put (one conditional PutItem per
// document, the exact item docmeta writes) from cfg.conns goroutines.
func (b *bench) putItemPhase(ctx context.Context) error {
	d, err := b.startDynalite(ctx, "dynalite-putitem")
	if err != nil {
		return err
	}
	defer d.stop()
	// dynamo.Open builds the SDK client exactly as the server does
	// (timeouts, retries, connection pool), so the two phases differ only
	// by the HTTP upload path in front of the store.
	store, err := dynamo.Open(ctx, d.config())
	if err != nil {
		return err
	}
	ids := &backend.IDGenerator{}
	put := func(stop *atomic.Bool) (loadgen.Result, error) {
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
		return res, nil
	}
	timed := func(d time.Duration) (loadgen.Result, error) {
		var stop atomic.Bool
		t := time.AfterFunc(d, func() { stop.Store(true) })
		defer t.Stop()
		return put(&stop)
	}
	if b.cfg.warmup > 0 {
		if _, err := timed(b.cfg.warmup); err != nil {
			return err
		}
	}
	meter := meterCPU([]string{"dynalite"}, []int{d.cmd.Process.Pid})
	r, err := timed(b.cfg.duration)
	if err != nil {
		return err
	}
	cpu := meter.stop(r.OK)
	b.record("dynalite PutItem (SDK)", r, "dynamo.Store.Put, one conditional PutItem each; "+describe(cpu))
	b.setCPU("dynalite_cpu_us_per_put_putitem", "dynalite", cpu)
	b.setCPU("client_cpu_us_per_put_putitem", "client", cpu)
	b.res.Set(report.DynalitePutItemPerS, r.OKPerSecond())
	b.res.Set(report.DynalitePutItemP99Ms, loadgen.Ms(r.Latency.P99))
	return nil
}
