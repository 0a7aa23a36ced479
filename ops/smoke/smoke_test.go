package smoke

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/internal/dynalitetest"
	"github.com/docmeta/docmeta/internal/edgetest"
)

// stepLine is one printed step: status, name, time, detail.
var stepLine = regexp.MustCompile(`(?m)^  (ok|FAIL|skip)\s+(\S+)\s+(\S+)  (.*)$`)

// steps maps each printed step to its status, and checks that every step
// that ran printed its time.
func steps(t *testing.T, out string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, m := range stepLine.FindAllStringSubmatch(out, -1) {
		got[m[2]] = m[1]
		if m[1] != "skip" && !regexp.MustCompile(`^([0-9]+ms|[0-9]+\.[0-9]s)$`).MatchString(m[3]) {
			t.Errorf("step %s printed time %q", m[2], m[3])
		}
	}
	return got
}

func wantFailure(t *testing.T, err error, step string, problem, fix string) *Failure {
	t.Helper()
	var f *Failure
	if !errors.As(err, &f) {
		t.Fatalf("err = %v, want a *Failure of step %s", err, step)
	}
	if f.Step != step || !strings.Contains(f.Problem, problem) || !strings.Contains(f.Fix, fix) {
		t.Fatalf("failure = step %q, problem %q, fix %q; want step %q, problem ~%q, fix ~%q", f.Step, f.Problem, f.Fix, step, problem, fix)
	}
	if !strings.Contains(err.Error(), step) || !strings.Contains(err.Error(), "fix: ") {
		t.Errorf("error %q does not name the step and the fix", err)
	}
	return f
}

func TestSmokePassesAgainstTheRealServerBehindVerifiedTLS(t *testing.T) {
	d := deploy(t, []string{testKey})
	out, err := runSmoke(t, d.config())
	if err != nil {
		t.Fatalf("smoke: %v", err)
	}
	got := steps(t, out)
	for _, s := range []string{"status", "upload", "get", "list", "auth", "not-found", "instances", "targets", "alarms"} {
		if got[s] != "ok" {
			t.Errorf("step %s: %q, want ok", s, got[s])
		}
	}
	if !strings.Contains(out, "TLS verified") || !strings.HasSuffix(out, "smoke check passed\n") {
		t.Errorf("output lacks the TLS note or the verdict")
	}
	// The upload reached the store with the digest the smoke check computed
	// and printed.
	page, err := d.Store.List(context.Background(), backend.ListOptions{Limit: 10})
	if err != nil || len(page.Documents) != 1 {
		t.Fatalf("store holds %+v (%v), want the one smoke upload (the keyless one refused)", page.Documents, err)
	}
	doc := page.Documents[0]
	if doc.SizeBytes != DefaultUploadBytes || !strings.HasPrefix(doc.Filename, "docmeta-smoke-") ||
		!strings.Contains(out, doc.ID) || !strings.Contains(out, doc.SHA256[:12]) {
		t.Errorf("stored %+v does not match the output", doc)
	}
}

func TestSmokeRefusesACertificateFromAnUntrustedCA(t *testing.T) {
	d := deploy(t, []string{testKey})
	cfg := d.config()
	cfg.HTTP = &http.Client{} // system roots: the test CA is not among them
	out, err := runSmoke(t, cfg)
	wantFailure(t, err, "status", "TLS certificate not trusted", "--ca-file")
	got := steps(t, out)
	if got["upload"] != "FAIL" || got["get"] != "skip" || got["list"] != "skip" {
		t.Errorf("steps = %v: the upload must fail the same way and get/list be skipped", got)
	}
	if page, _ := d.Store.List(context.Background(), backend.ListOptions{}); len(page.Documents) != 0 {
		t.Errorf("an upload went through an unverified connection: %+v", page.Documents)
	}
}

func TestSmokeRefusesACertificateForAnotherHost(t *testing.T) {
	d := deploy(t, []string{testKey}, "docmeta.example")
	_, err := runSmoke(t, d.config())
	wantFailure(t, err, "status", "not valid for this host", "service_url")
}

func TestSmokeWithAWrongKeyFailsTheUploadAndNamesTheKey(t *testing.T) {
	d := deploy(t, []string{testKey})
	cfg := d.config()
	cfg.APIKey = "not-the-key"
	out, err := runSmoke(t, cfg)
	wantFailure(t, err, "upload", "401 unauthorized", "--api-key")
	got := steps(t, out)
	if got["status"] != "ok" || got["get"] != "skip" || got["auth"] != "ok" || got["alarms"] != "ok" {
		t.Errorf("steps = %v", got)
	}
	if !strings.Contains(out, `smoke check FAILED at step "upload"`) {
		t.Error("the verdict does not name the first failed step")
	}
}

func TestSmokeFailsWhenTheServerAcceptsUploadsWithoutAKey(t *testing.T) {
	d := deploy(t, nil) // anonymous
	_, err := runSmoke(t, d.config())
	wantFailure(t, err, "auth", "accepted (201)", "SSM parameter")
}

func TestSmokeDetectsADigestChangedOnTheWay(t *testing.T) {
	d := deploy(t, []string{testKey})
	d.Rewrite = func(r *http.Request, body []byte) []byte {
		if r.URL.Path != "/upload" {
			return body
		}
		return regexpSHA.ReplaceAll(body, []byte(`"sha256":"`+strings.Repeat("0", 64)+`"`))
	}
	out, err := runSmoke(t, d.config())
	wantFailure(t, err, "upload", "differs from the sent bytes'", "body unchanged")
	if steps(t, out)["get"] != "skip" {
		t.Error("get ran without an acknowledged upload")
	}
}

var regexpSHA = regexp.MustCompile(`"sha256":"[0-9a-f]{64}"`)

func TestSmokeNamesTheFleetWhenTheEdgeHasNoHealthyServer(t *testing.T) {
	d := deploy(t, []string{testKey})
	d.Edge = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Server", "CloudFront")
		http.Error(w, "502 ERROR: The request could not be satisfied.", http.StatusBadGateway)
		return true
	}
	cfg := d.config()
	fleet := healthyFleet()
	fleet.Targets[1] = Target{ID: "i-0bbb", State: "unhealthy", Reason: "Target.FailedHealthChecks", Description: "Health checks failed"}
	cfg.Fleet = &fakeFleet{state: fleet}
	out, err := runSmoke(t, cfg)
	wantFailure(t, err, "status", "502 from CloudFront", "targets step")
	got := steps(t, out)
	if got["targets"] != "FAIL" || !strings.Contains(out, "i-0bbb unhealthy Target.FailedHealthChecks") {
		t.Errorf("the targets step does not explain the 502: %v", got)
	}
}

func TestSmokeFailsWhenAPathOutsideTheAPIIsServed(t *testing.T) {
	d := deploy(t, []string{testKey})
	d.Edge = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasPrefix(r.URL.Path, "/docmeta-smoke-") {
			w.Write([]byte("default page"))
			return true
		}
		return false
	}
	_, err := runSmoke(t, d.config())
	wantFailure(t, err, "not-found", "want 404", "listener rules")
}

func TestSmokeWaitsForTheListingIndex(t *testing.T) {
	d := deploy(t, []string{testKey})
	var lists atomic.Int32
	d.Rewrite = func(r *http.Request, body []byte) []byte {
		if r.URL.Path == "/documents" && lists.Add(1) <= 2 {
			return []byte(`{"documents":[]}`) // the index has not caught up yet
		}
		return body
	}
	out, err := runSmoke(t, d.config())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "(attempt 3)") {
		t.Error("the list step did not retry until the upload showed")
	}

	lists.Store(-1000)
	cfg := d.config()
	cfg.ListAttempts = 3
	_, err = runSmoke(t, cfg)
	wantFailure(t, err, "list", "after 3 attempts", "by-day index")
}

func TestSmokeAWSChecks(t *testing.T) {
	d := deploy(t, []string{testKey})
	cases := map[string]struct {
		fleet                *fakeFleet
		alarms               *fakeAlarms
		step, problem, fixed string
	}{
		"instance pending": {
			fleet:  &fakeFleet{state: FleetState{Group: "g", Desired: 2, InService: []string{"i-1"}, NotInService: []string{"i-2 Pending"}, Targets: []Target{{ID: "i-1", State: "healthy"}}}},
			alarms: &fakeAlarms{report: quietAlarms()},
			step:   "instances", problem: "1 of 2 desired instances in service; others: i-2 Pending", fixed: "describe-scaling-activities --auto-scaling-group-name g",
		},
		"in service but not registered": {
			fleet:  &fakeFleet{state: FleetState{Group: "g", Desired: 1, InService: []string{"i-1"}, Targets: nil}},
			alarms: &fakeAlarms{report: quietAlarms()},
			step:   "targets", problem: "i-1 in service but not a target; no target registered", fixed: "Session Manager",
		},
		"alarm firing": {
			fleet:  &fakeFleet{state: healthyFleet()},
			alarms: &fakeAlarms{report: AlarmReport{Where: "docmeta-dev-*", Checked: 7, Firing: []Alarm{{Name: "docmeta-dev-target-5xx", Region: "us-east-1", Reason: "Threshold Crossed"}}}},
			step:   "alarms", problem: "1 of 7 alarms in ALARM: docmeta-dev-target-5xx (us-east-1): Threshold Crossed", fixed: "CloudWatch",
		},
		"no alarms found": {
			fleet:  &fakeFleet{state: healthyFleet()},
			alarms: &fakeAlarms{report: AlarmReport{Where: "docmeta-dev-* in us-east-1"}},
			step:   "alarms", problem: "no CloudWatch alarm named docmeta-dev-* in us-east-1", fixed: "outputs file",
		},
		"no credentials": {
			fleet:  &fakeFleet{err: errors.New("no usable AWS credentials")},
			alarms: &fakeAlarms{report: quietAlarms()},
			step:   "instances", problem: "no usable AWS credentials", fixed: "--no-aws",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := d.config()
			cfg.Fleet, cfg.Alarms = tc.fleet, tc.alarms
			_, err := runSmoke(t, cfg)
			wantFailure(t, err, tc.step, tc.problem, tc.fixed)
		})
	}
}

func TestSmokeWithoutAWSSkipsTheAWSChecksVisibly(t *testing.T) {
	d := deploy(t, []string{testKey})
	cfg := d.config()
	cfg.Fleet, cfg.Alarms, cfg.SkipReason = nil, nil, "--no-aws given"
	out, err := runSmoke(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := steps(t, out)
	for _, s := range []string{"instances", "targets", "alarms"} {
		if got[s] != "skip" {
			t.Errorf("step %s: %q, want skip", s, got[s])
		}
	}
	if strings.Count(out, "--no-aws given") != 3 {
		t.Error("skipped steps do not say why")
	}
}

func TestSmokeRefusesPlainHTTPOffLoopbackUnlessAllowed(t *testing.T) {
	err := Run(context.Background(), Config{ServiceURL: "http://docmeta-dev-1.us-east-1.elb.amazonaws.com"}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "--allow-http") {
		t.Fatalf("err = %v", err)
	}
	for _, bad := range []string{"", "docmeta.example", "ftp://x"} {
		if err := Run(context.Background(), Config{ServiceURL: bad}, &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "service_url") {
			t.Errorf("%q: err = %v", bad, err)
		}
	}
}

func TestSmokePassesWithTheDynamoDBStore(t *testing.T) {
	cfg := dynalitetest.Start(t).NewTable(t)
	store, err := dynamo.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	d := deployment{edgetest.DeployStore(t, store, "dynamodb", []string{testKey})}
	out, err := runSmoke(t, d.config())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "store dynamodb") || steps(t, out)["list"] != "ok" {
		t.Errorf("not a DynamoDB-backed pass:\n%s", out)
	}
}

func TestSmokeTransportFailuresNameTheFix(t *testing.T) {
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	_, err := runSmoke(t, Config{ServiceURL: strings.Replace(plain.URL, "http://", "https://", 1), SkipReason: "no AWS in this test"})
	wantFailure(t, err, "status", "not a TLS server", "current outputs file")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "https://" + ln.Addr().String()
	ln.Close() // nothing listens there any more: connection refused
	_, err = runSmoke(t, Config{ServiceURL: closed, SkipReason: "no AWS in this test"})
	wantFailure(t, err, "status", "no answer", "deployment is up")
}
