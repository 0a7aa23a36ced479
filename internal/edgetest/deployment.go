// Package edgetest runs the real docmeta API for tests of its clients (the
// smoke check): the httpapi handlers over a store on a loopback port,
// behind a TLS edge whose certificate a test CA signed, as CloudFront sits
// in front of the load balancer.
package edgetest

import (
	"bytes"
	"crypto/tls"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/backend/bolt"
	"github.com/docmeta/docmeta/backend/httpapi"
	"github.com/docmeta/docmeta/internal/testca"
)

// Key is an API key tests configure the server with.
const Key = "smoke-test-key-0123456789"

// Deployment is a running server and its edge.
type Deployment struct {
	// URL is the edge's https URL (the service_url of a deployment).
	URL   string
	CA    *testca.CA
	Store backend.Store
	// Edge, when set, may answer a request itself instead of forwarding it
	// (a misbehaving edge or load balancer); it reports whether it did.
	Edge func(w http.ResponseWriter, r *http.Request) bool
	// Rewrite, when set, may replace a forwarded answer's body.
	Rewrite func(r *http.Request, body []byte) []byte
}

// Deploy starts a server over a new bolt store with keys (none: anonymous)
// and its TLS edge with a certificate for certHosts (default 127.0.0.1).
// Both stop with the test.
func Deploy(t testing.TB, keys []string, certHosts ...string) *Deployment {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "docmeta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	return DeployStore(t, store, "bolt", keys, certHosts...)
}

// DeployStore is Deploy over the given store (closed by the caller).
func DeployStore(t testing.TB, store backend.Store, storeName string, keys []string, certHosts ...string) *Deployment {
	t.Helper()
	api, err := httpapi.New(httpapi.Config{
		Store: store, StoreName: storeName, Version: "smoke-test", APIKeys: keys,
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := api.Server()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Shutdown() })

	d := &Deployment{Store: store}
	if d.CA, err = testca.New(); err != nil {
		t.Fatal(err)
	}
	if len(certHosts) == 0 {
		certHosts = []string{"127.0.0.1"}
	}
	tlsCfg, err := d.CA.ServerConfig(certHosts...)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: ln.Addr().String()})
	proxy.ModifyResponse = d.rewrite
	edge := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d.Edge != nil && d.Edge(w, r) {
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	edge.TLS = tlsCfg
	// Refused handshakes are what some tests expect, not log noise.
	edge.Config.ErrorLog = log.New(io.Discard, "", 0)
	edge.StartTLS()
	t.Cleanup(edge.Close)
	d.URL = edge.URL
	return d
}

func (d *Deployment) rewrite(resp *http.Response) error {
	if d.Rewrite == nil {
		return nil
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	nb := d.Rewrite(resp.Request, b)
	resp.Body = io.NopCloser(bytes.NewReader(nb))
	resp.ContentLength = int64(len(nb))
	resp.Header.Del("Content-Length")
	return nil
}

// Client verifies TLS against the deployment's CA only.
func (d *Deployment) Client() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: d.CA.Pool(), MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr}
}
