//go:build reliability

package reliability

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/docmeta/docmeta/backend"
)

// TestKilledServerLosesNoAcknowledgedUpload kills the server on the
// embedded store with SIGKILL in the middle of a load from 16 clients,
// then starts it again on the same data directory. Every acknowledged
// upload must be listed, with its metadata, once; the only other documents
// allowed are uploads of the same load whose answer the kill cut off.
//
// Uploads are acknowledged from the write-ahead log and reach bbolt up to
// 20 ms later, so at the kill bbolt lacks the last few hundred of them and
// the restart must replay them from the log: the test requires the
// server's "recovered documents" line to prove that path ran. A process
// kill keeps the page cache, so this is not a power-cut test; the store's
// own tests cover torn and unsynced log tails.
func TestKilledServerLosesNoAcknowledgedUpload(t *testing.T) {
	const uploads, killAfter = 6000, 2000
	srv := startServer(t, boltEnv(t)...)
	addr := srv.Addr()
	b := newBatch(addr, "killed", uploads)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var kill sync.Once
	var dead sync.WaitGroup
	o := b.send(ctx, addr, 16, uploads, func(o *outcome, status int) {
		if len(o.acked) >= killAfter {
			kill.Do(func() {
				dead.Add(1)
				go func() { defer dead.Done(); srv.Kill(); cancel() }()
			})
		}
	})
	dead.Wait()
	o.reportBad(t)
	if len(o.acked) < killAfter {
		t.Fatalf("the server was never killed: %d uploads acknowledged, statuses %v", len(o.acked), o.status)
	}
	t.Logf("before and during the kill: %v, statuses %v", o.res, o.status)

	srv = srv.restart(t)
	if !strings.Contains(srv.Tail(), "recovered documents from its write-ahead log") {
		t.Errorf("the restarted server replayed nothing from its log, so this run did not test recovery; log:\n%s", srv.Tail())
	}
	byName := map[string]int{}
	for i, name := range b.names {
		byName[name] = i
	}
	lost := func(d backend.Document) bool {
		i, ok := byName[d.Filename]
		return ok && d.SizeBytes == b.sizes[i] && d.SHA256 == b.sums[i]
	}
	listed := listAll(t, addr, uploads)
	checkListingWith(t, listed, o.acked, lost)
	t.Logf("after the restart: %d acknowledged uploads all listed, %d more stored whose answer the kill cut off",
		len(o.acked), len(listed)-len(o.acked))
}
