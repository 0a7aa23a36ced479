//go:build reliability

package reliability

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
)

// outageStoreTimeout is the server's DOCMETA_STORE_TIMEOUT in the outage
// test, and outageAnswerBound the longest any answer may take while the
// store is going away: a small multiple of it. That bound is a correctness
// check ("no hang": a store call is cut at the store timeout and answered
// 503), with generous slack for a loaded machine, not a speed target.
const (
	outageStoreTimeout = time.Second
	outageAnswerBound  = 5 * outageStoreTimeout
)

// TestStoreOutage kills dynalite in the middle of a load and restarts it,
// without touching the server. While the store is down uploads must get
// 503 with Retry-After, each within a small multiple of the store timeout
// (no hang), never a 500, and never a 201 for a document that was not
// stored. Once it is back, uploads must succeed again.
func TestStoreOutage(t *testing.T) {
	env, dyn := dynamoEnv(t)
	env = append(env, "DOCMETA_STORE_TIMEOUT="+outageStoreTimeout.String())
	srv := startServer(t, env...)
	addr := srv.Addr()

	// Phase 1: load; dynalite dies after 300 acknowledgements; the load
	// stops after 100 answers given during the outage (or 3000 requests).
	const killAfter, outageAnswers = 300, 100
	b := newBatch(addr, "outage", 3000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var kill sync.Once
	var down sync.WaitGroup
	killed := false
	afterKill := 0
	o := b.send(ctx, addr, 16, len(b.reqs), func(o *outcome, status int) {
		if killed {
			afterKill++
			if afterKill >= outageAnswers {
				cancel()
			}
		}
		if len(o.acked) >= killAfter {
			kill.Do(func() {
				killed = true
				down.Add(1)
				go func() { defer down.Done(); dyn.Stop() }()
			})
		}
	})
	down.Wait()
	o.reportBad(t)
	t.Logf("during the outage: %v, statuses %v", o.res, o.status)
	if !killed {
		t.Fatalf("dynalite was never stopped: only %d uploads acknowledged before the load ended", len(o.acked))
	}
	if o.res.TransportErrors > 0 {
		t.Errorf("%d requests got no answer within a minute (first: %s): the server hung or dropped them", o.res.TransportErrors, o.res.FirstError)
	}
	for code, n := range o.status {
		if code != http.StatusCreated && code != http.StatusServiceUnavailable {
			t.Errorf("%d answers with status %d; during an outage only 201 and 503 are acceptable", n, code)
		}
	}
	if o.status[http.StatusServiceUnavailable] == 0 {
		t.Errorf("no 503 seen after dynalite stopped (statuses %v)", o.status)
	}
	if o.retryAfterMissing > 0 {
		t.Errorf("%d answers of 503 had no Retry-After header", o.retryAfterMissing)
	}
	// Latency.Max covers every answer of this phase, the 503s included
	// (the 201s before the kill are the quick ones).
	if o.res.Latency.Max > outageAnswerBound {
		t.Errorf("an answer during the outage took %s; with DOCMETA_STORE_TIMEOUT=%s every answer must come within %s (a store call is cut at the store timeout)",
			o.res.Latency.Max, outageStoreTimeout, outageAnswerBound)
	}

	// Phase 2: dynalite back on the same port and data; the same server
	// process must recover by itself. The first attempts may still fail
	// while the SDK drops dead connections: probe, bounded.
	dyn.Restart()
	probe := newBatch(addr, "probe", 1)
	recovered := false
	for attempt := 0; attempt < 40 && !recovered; attempt++ {
		p := probe.send(context.Background(), addr, 1, 1, nil)
		for id, d := range p.acked {
			o.acked[id] = d
			recovered = true
		}
		if !recovered {
			time.Sleep(250 * time.Millisecond)
		}
	}
	if !recovered {
		t.Fatalf("no upload succeeded in 40 attempts after dynalite restarted; server log:\n%s", srv.Tail())
	}
	after := newBatch(addr, "after", 500).send(context.Background(), addr, 16, 500, nil)
	after.reportBad(t)
	if !after.res.Clean() {
		t.Errorf("after the restart: %v, statuses %v; want every upload acknowledged", after.res, after.status)
	}
	for id, d := range after.acked {
		o.acked[id] = d
	}
	if srv.Exited() {
		t.Fatal("the server exited during the outage")
	}

	// No 201 without an item: every acknowledged document is listed with its
	// metadata. A 503'd upload may still have been stored (its answer was
	// lost with the store); such extras are allowed, but only from the
	// outage phase.
	listed := listAll(t, addr, len(o.acked)+len(b.reqs))
	var mine []backend.Document
	extras := 0
	for _, d := range listed {
		if _, ok := o.acked[d.ID]; !ok && strings.HasPrefix(d.Filename, "outage-") && o.status[http.StatusServiceUnavailable] > 0 {
			extras++
			continue
		}
		mine = append(mine, d)
	}
	t.Logf("%d acknowledged, %d listed (%d stored although answered 503)", len(o.acked), len(listed), extras)
	checkListing(t, mine, o.acked)
}
