package loadgen_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/docmeta/docmeta/bench/sink"
	"github.com/docmeta/docmeta/internal/loadgen"
)

// startSink serves the sink on a loopback port for the test's lifetime.
func startSink(t *testing.T, handler fasthttp.RequestHandler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := sink.NewServer(1 << 20)
	if handler != nil {
		srv.Handler = handler
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown() })
	return ln.Addr().String()
}

func TestRunCountsEveryResponseAndChecksBodies(t *testing.T) {
	addr := startSink(t, nil)
	const total = 600
	reqs := make([][]byte, total)
	want := make([]string, total)
	for i := range reqs {
		content := []byte(fmt.Sprintf("document %d", i))
		reqs[i] = loadgen.Upload{Host: addr, Filename: fmt.Sprintf("f%d.txt", i), Content: content}.Raw()
		sum := sha256.Sum256(content)
		want[i] = hex.EncodeToString(sum[:])
	}
	var mu sync.Mutex
	seen := map[int]bool{}
	res, err := loadgen.Run(context.Background(), loadgen.Config{
		Addr: addr, Conns: 8, Requests: reqs, Total: total,
		OnResponse: func(i int, resp *fasthttp.Response) {
			var got struct{ SHA256 string }
			if err := json.Unmarshal(resp.Body(), &got); err != nil || got.SHA256 != want[i] {
				t.Errorf("request %d: status %d body %s; want sha256 %s", i, resp.StatusCode(), resp.Body(), want[i])
			}
			mu.Lock()
			seen[i] = true
			mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Clean() || res.OK != total || res.Status[201] != total || len(seen) != total {
		t.Fatalf("result %v, %d distinct requests answered; want %d clean 201s", res, len(seen), total)
	}
	if res.Latency.Count != total || res.Latency.P50 <= 0 || res.Latency.P99 < res.Latency.P50 || res.Latency.Max < res.Latency.P99 {
		t.Fatalf("latency summary %+v is inconsistent", res.Latency)
	}
}

func TestRunCountsNon2xxResponses(t *testing.T) {
	addr := startSink(t, nil)
	good := loadgen.Upload{Host: addr, Filename: "a.txt", Content: []byte("x")}.Raw()
	wrongField := loadgen.Upload{Host: addr, Field: "document", Filename: "a.txt", Content: []byte("x")}.Raw()
	res, err := loadgen.Run(context.Background(), loadgen.Config{
		Addr: addr, Conns: 4, Requests: [][]byte{good, wrongField}, Total: 100,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK != 50 || res.Status[400] != 50 || res.Non2xx() != 50 || res.Clean() {
		t.Fatalf("result %v status %v; want 50 OK and 50 counted as 400", res, res.Status)
	}
}

func TestRunReconnectsWhenTheServerClosesConnections(t *testing.T) {
	addr := startSink(t, func(ctx *fasthttp.RequestCtx) {
		sink.Handler(ctx)
		ctx.SetConnectionClose()
	})
	req := loadgen.Upload{Host: addr, Filename: "a.txt", Content: []byte("x")}.Raw()
	res, err := loadgen.Run(context.Background(), loadgen.Config{Addr: addr, Conns: 4, Requests: [][]byte{req}, Total: 80})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Clean() {
		t.Fatalf("result %v; want every request answered over fresh connections", res)
	}
}

func TestRunCountsTransportErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens here any more: every dial is refused
	req := loadgen.Upload{Host: addr, Filename: "a.txt", Content: []byte("x")}.Raw()
	res, err := loadgen.Run(context.Background(), loadgen.Config{Addr: addr, Conns: 2, Requests: [][]byte{req}, Total: 10, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.TransportErrors != 10 || res.OK != 0 || res.FirstError == "" {
		t.Fatalf("result %v; want 10 transport errors", res)
	}
}

func TestRunStopsAfterDuration(t *testing.T) {
	addr := startSink(t, nil)
	req := loadgen.Upload{Host: addr, Filename: "a.txt", Content: []byte("x")}.Raw()
	res, err := loadgen.Run(context.Background(), loadgen.Config{Addr: addr, Conns: 2, Requests: [][]byte{req}, Duration: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK == 0 || !res.Clean() {
		t.Fatalf("result %v; want some clean requests", res)
	}
}

func TestRunRefusesUnusableConfig(t *testing.T) {
	for _, cfg := range []loadgen.Config{
		{},
		{Addr: "127.0.0.1:1", Conns: 1, Total: 1},
		{Addr: "127.0.0.1:1", Conns: 0, Requests: [][]byte{{}}, Total: 1},
		{Addr: "127.0.0.1:1", Conns: 1, Requests: [][]byte{{}}},
	} {
		if _, err := loadgen.Run(context.Background(), cfg); err == nil {
			t.Errorf("Run(%+v) = nil error; want a refusal", cfg)
		}
	}
}

func TestSummarise(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	got := loadgen.Summarise(d)
	if got.P50 != 50*time.Millisecond || got.P90 != 90*time.Millisecond || got.P99 != 99*time.Millisecond || got.Max != 100*time.Millisecond || got.Count != 100 {
		t.Fatalf("Summarise = %+v", got)
	}
	if (loadgen.Summarise(nil) != loadgen.Latency{}) {
		t.Fatal("Summarise(nil) should be zero")
	}
}
