package smoke

import (
	"bytes"
	"context"
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
	"time"

	"github.com/docmeta/docmeta/backend/bolt"
	"github.com/docmeta/docmeta/backend/httpapi"
	"github.com/docmeta/docmeta/internal/testca"
)

const testKey = "smoke-test-key-0123456789"

// deployment is the real docmeta API (httpapi over a bolt store) on a
// loopback port, behind a TLS edge whose certificate a test CA signed, as
// CloudFront sits in front of the load balancer.
type deployment struct {
	url   string
	ca    *testca.CA
	store *bolt.Store
	// edge, when set, may answer a request itself instead of forwarding it
	// (a misbehaving edge or load balancer).
	edge func(w http.ResponseWriter, r *http.Request) bool
	// rewrite, when set, may change a forwarded answer's body.
	rewrite func(r *http.Request, body []byte) []byte
}

// deploy starts a server with keys (none: anonymous) and its TLS edge for
// the host names certHosts (default 127.0.0.1).
func deploy(t *testing.T, keys []string, certHosts ...string) *deployment {
	t.Helper()
	store, err := bolt.Open(filepath.Join(t.TempDir(), "docmeta.db"))
	if err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(httpapi.Config{
		Store: store, StoreName: "bolt", Version: "smoke-test", APIKeys: keys,
		Logger: slog.New(slog.NewJSONHandler(&bytes.Buffer{}, nil)),
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
	t.Cleanup(func() {
		_ = srv.Shutdown()
		_ = store.Close()
	})

	d := &deployment{store: store}
	if d.ca, err = testca.New(); err != nil {
		t.Fatal(err)
	}
	if len(certHosts) == 0 {
		certHosts = []string{"127.0.0.1"}
	}
	tlsCfg, err := d.ca.ServerConfig(certHosts...)
	if err != nil {
		t.Fatal(err)
	}
	origin := &url.URL{Scheme: "http", Host: ln.Addr().String()}
	proxy := httputil.NewSingleHostReverseProxy(origin)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if d.rewrite == nil {
			return nil
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		resp.Body.Close()
		nb := d.rewrite(resp.Request, b.Bytes())
		resp.Body = httpNopCloser{bytes.NewReader(nb)}
		resp.ContentLength = int64(len(nb))
		resp.Header.Del("Content-Length")
		return nil
	}
	edge := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d.edge != nil && d.edge(w, r) {
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	edge.TLS = tlsCfg
	// Refused handshakes are what some tests expect; not log noise.
	edge.Config.ErrorLog = log.New(io.Discard, "", 0)
	edge.StartTLS()
	t.Cleanup(edge.Close)
	d.url = edge.URL
	return d
}

type httpNopCloser struct{ *bytes.Reader }

func (httpNopCloser) Close() error { return nil }

// trusting is a client that verifies TLS against the deployment's CA only.
func (d *deployment) trusting() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig.RootCAs = d.ca.Pool()
	return &http.Client{Transport: tr}
}

// config is a smoke run against the deployment with healthy AWS fakes.
func (d *deployment) config() Config {
	return Config{
		ServiceURL: d.url, APIKey: testKey, HTTP: d.trusting(),
		Fleet: &fakeFleet{state: healthyFleet()}, Alarms: &fakeAlarms{report: quietAlarms()},
		StepTimeout: 30 * time.Second, ListRetryWait: 10 * time.Millisecond,
	}
}

// runSmoke runs the smoke check and returns its output and error.
func runSmoke(t *testing.T, cfg Config) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := Run(context.Background(), cfg, &out)
	t.Logf("smoke output:\n%s", out.String())
	return out.String(), err
}

type fakeFleet struct {
	state FleetState
	err   error
}

func (f *fakeFleet) Fleet(context.Context) (FleetState, error) { return f.state, f.err }

func healthyFleet() FleetState {
	return FleetState{Group: "docmeta-dev-asg", Desired: 2, InService: []string{"i-0aaa", "i-0bbb"},
		Targets: []Target{{ID: "i-0aaa", State: "healthy"}, {ID: "i-0bbb", State: "healthy"}}}
}

type fakeAlarms struct {
	report AlarmReport
	err    error
}

func (f *fakeAlarms) Alarms(context.Context) (AlarmReport, error) { return f.report, f.err }

func quietAlarms() AlarmReport {
	return AlarmReport{Where: "docmeta-dev-* in us-east-1", Checked: 7}
}
