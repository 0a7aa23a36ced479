//go:build reliability

package reliability

import (
	"context"
	"testing"
)

// integrityUploads and integrityClients are the load the integrity claim is
// made at: many more uploads than clients, so every connection is reused
// hundreds of times; both stores get the full count.
const (
	integrityUploads = 20000
	integrityClients = 64
)

// testIntegrity sends integrityUploads distinct uploads from
// integrityClients connections and checks that the listing holds exactly the
// acknowledged documents with their sizes and SHA-256, once each.
func testIntegrity(t *testing.T, srv *server) {
	b := newBatch(srv.Addr(), "integrity", integrityUploads)
	o := b.send(context.Background(), srv.Addr(), integrityClients, integrityUploads, nil)
	o.reportBad(t)
	if !o.res.Clean() {
		t.Errorf("load against a healthy store was not clean: %v, statuses %v", o.res, o.status)
	}
	t.Logf("%d uploads from %d clients: %v", integrityUploads, integrityClients, o.res)
	checkListing(t, listAll(t, srv.Addr(), integrityUploads), o.acked)
	if len(o.acked) != integrityUploads {
		t.Fatalf("%d of %d uploads acknowledged", len(o.acked), integrityUploads)
	}
}

func TestIntegrityUnderLoadBolt(t *testing.T) {
	testIntegrity(t, startServer(t, boltEnv(t)...))
}

func TestIntegrityUnderLoadDynamoDB(t *testing.T) {
	env, _ := dynamoEnv(t)
	testIntegrity(t, startServer(t, env...))
}
