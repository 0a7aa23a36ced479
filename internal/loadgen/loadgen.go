// Package loadgen is docmeta's HTTP load generator: a fixed number of
// keep-alive connections, each writing prebuilt raw requests and parsing
// the responses with fasthttp, so that the generator's cost per request is
// one write and one response parse. It counts 2xx, other statuses and
// transport errors separately and records every latency.
package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Config describes one load run.
type Config struct {
	// Addr is the server's host:port.
	Addr string
	// Conns is the number of concurrent keep-alive connections.
	Conns int
	// Requests are complete raw HTTP/1.1 requests (see Upload.Raw); request
	// number i sends Requests[i%len(Requests)].
	Requests [][]byte
	// Total is the number of requests to send. When 0, the run lasts
	// Duration instead.
	Total int
	// Duration bounds a run whose Total is 0.
	Duration time.Duration
	// Timeout bounds each request's write and response read (default 30s).
	Timeout time.Duration
	// OnResponse, when set, is called from the worker goroutines with the
	// request number and the parsed response. resp is only valid during the
	// call.
	OnResponse func(i int, resp *fasthttp.Response)
	// OnError, when set, is called for every transport error.
	OnError func(i int, err error)
}

// Result summarises a run.
type Result struct {
	// Sent is the number of requests attempted.
	Sent int
	// OK counts 2xx responses.
	OK int
	// Status counts responses by status code (2xx included).
	Status map[int]int
	// TransportErrors counts requests that got no response: dial, write or
	// read failures and timeouts.
	TransportErrors int
	// FirstError describes the first transport error, for the report.
	FirstError string
	// Elapsed is the wall time of the whole run.
	Elapsed time.Duration
	// Latency summarises the time from writing a request to having parsed
	// its response, over all responses.
	Latency Latency
}

// Non2xx is the number of responses whose status was not 2xx.
func (r Result) Non2xx() int {
	n := 0
	for code, c := range r.Status {
		if code < 200 || code > 299 {
			n += c
		}
	}
	return n
}

// OKPerSecond is the rate of 2xx responses over the run.
func (r Result) OKPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// Clean reports whether every request got a 2xx response.
func (r Result) Clean() bool { return r.TransportErrors == 0 && r.Non2xx() == 0 && r.Sent == r.OK }

// String is a one-line summary.
func (r Result) String() string {
	return fmt.Sprintf("sent=%d ok=%d non2xx=%d transport_errors=%d elapsed=%s rate=%.0f/s p50=%s p99=%s max=%s",
		r.Sent, r.OK, r.Non2xx(), r.TransportErrors, r.Elapsed.Round(time.Millisecond), r.OKPerSecond(),
		r.Latency.P50, r.Latency.P99, r.Latency.Max)
}

// worker is one connection's state and tallies; tallies are merged after
// the run so the hot loop touches no shared memory but the request counter.
type worker struct {
	cfg       *Config
	conn      net.Conn
	br        *bufio.Reader
	resp      fasthttp.Response
	ok        int
	sent      int
	status    map[int]int
	terrs     int
	firstErr  error
	latencies []time.Duration
}

// Run sends the configured load and returns its tallies. The error is only
// for an unusable Config; failures of requests are counted in Result.
func Run(ctx context.Context, cfg Config) (Result, error) {
	switch {
	case cfg.Addr == "":
		return Result{}, errors.New("loadgen: Addr is empty")
	case cfg.Conns < 1:
		return Result{}, errors.New("loadgen: Conns must be at least 1")
	case len(cfg.Requests) == 0:
		return Result{}, errors.New("loadgen: no Requests to send")
	case cfg.Total < 0, cfg.Total == 0 && cfg.Duration <= 0:
		return Result{}, errors.New("loadgen: set Total > 0 or Duration > 0")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}

	var next atomic.Int64
	var stop atomic.Bool
	if cfg.Total == 0 {
		t := time.AfterFunc(cfg.Duration, func() { stop.Store(true) })
		defer t.Stop()
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			stop.Store(true)
		case <-done:
		}
	}()

	workers := make([]*worker, cfg.Conns)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		workers[w] = &worker{cfg: &cfg, status: map[int]int{}}
		wg.Add(1)
		go func(w *worker) {
			defer wg.Done()
			defer w.close()
			for !stop.Load() {
				i := int(next.Add(1) - 1)
				if cfg.Total > 0 && i >= cfg.Total {
					return
				}
				w.do(i)
			}
		}(workers[w])
	}
	wg.Wait()
	res := Result{Elapsed: time.Since(start), Status: map[int]int{}}
	var all []time.Duration
	for _, w := range workers {
		res.Sent += w.sent
		res.OK += w.ok
		res.TransportErrors += w.terrs
		for code, n := range w.status {
			res.Status[code] += n
		}
		if w.firstErr != nil && res.FirstError == "" {
			res.FirstError = w.firstErr.Error()
		}
		all = append(all, w.latencies...)
	}
	res.Latency = Summarise(all)
	return res, nil
}

// do sends request i on the worker's connection, dialling first if needed.
func (w *worker) do(i int) {
	w.sent++
	if w.conn == nil {
		c, err := net.DialTimeout("tcp", w.cfg.Addr, w.cfg.Timeout)
		if err != nil {
			w.fail(i, fmt.Errorf("dial %s: %w", w.cfg.Addr, err))
			// A refused dial returns at once; pausing keeps a duration run
			// against a dead server from spinning a core.
			time.Sleep(5 * time.Millisecond)
			return
		}
		w.conn = c
		w.br = bufio.NewReaderSize(c, 16<<10)
	}
	req := w.cfg.Requests[i%len(w.cfg.Requests)]
	start := time.Now()
	if err := w.conn.SetDeadline(start.Add(w.cfg.Timeout)); err != nil {
		w.fail(i, err)
		return
	}
	if _, err := w.conn.Write(req); err != nil {
		w.fail(i, fmt.Errorf("write request: %w", err))
		return
	}
	w.resp.Reset()
	if err := w.resp.Read(w.br); err != nil {
		w.fail(i, fmt.Errorf("read response: %w", err))
		return
	}
	w.latencies = append(w.latencies, time.Since(start))
	code := w.resp.StatusCode()
	w.status[code]++
	if code >= 200 && code <= 299 {
		w.ok++
	}
	if w.cfg.OnResponse != nil {
		w.cfg.OnResponse(i, &w.resp)
	}
	if w.resp.ConnectionClose() {
		w.close()
	}
}

// fail counts a transport error and drops the connection, whose state is
// unknown after it.
func (w *worker) fail(i int, err error) {
	w.terrs++
	if w.firstErr == nil {
		w.firstErr = err
	}
	if w.cfg.OnError != nil {
		w.cfg.OnError(i, err)
	}
	w.close()
}

func (w *worker) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn, w.br = nil, nil
	}
}
