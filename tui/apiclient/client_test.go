package apiclient

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/tui"
)

const pageJSON = `{"documents":[
 {"id":"0193a1b2-0000-7000-8000-000000000002","filename":"b.txt","size_bytes":12,"uploaded_at":"2026-11-27T08:02:00.000000Z","sha256":"bb","content_type":"text/plain; charset=utf-8","declared_content_type":"text/plain"},
 {"id":"0193a1b2-0000-7000-8000-000000000001","filename":"a.pdf","size_bytes":2048,"uploaded_at":"2026-11-27T08:01:00.000000Z","sha256":"aa","content_type":"application/pdf","declared_content_type":""}
],"next_cursor":"CUR2"}`

func TestListDocumentsSendsKeyLimitCursor(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(pageJSON))
	}))
	defer srv.Close()
	c, err := New(srv.URL+"/", "k3y", nil)
	if err != nil {
		t.Fatal(err)
	}
	page, err := c.ListDocuments(context.Background(), 25, "CUR1")
	if err != nil {
		t.Fatal(err)
	}
	if got.URL.Path != "/documents" || got.URL.Query().Get("limit") != "25" || got.URL.Query().Get("cursor") != "CUR1" {
		t.Errorf("request %s", got.URL)
	}
	if got.Header.Get("Authorization") != "Bearer k3y" {
		t.Errorf("Authorization = %q", got.Header.Get("Authorization"))
	}
	if len(page.Documents) != 2 || page.NextCursor != "CUR2" {
		t.Fatalf("page = %+v", page)
	}
	d := page.Documents[1]
	if d.Filename != "a.pdf" || d.SizeBytes != 2048 || !d.UploadedAt.Equal(time.Date(2026, 11, 27, 8, 1, 0, 0, time.UTC)) {
		t.Errorf("document = %+v", d)
	}
}

func TestErrorsAreClassified(t *testing.T) {
	cases := []struct {
		status  int
		body    string
		problem tui.Problem
		want    string
	}{
		{401, `{"error":{"code":"unauthorized","message":"missing or unknown API key"}}`, tui.ProblemUnauthorized, "pass --api-key or set DOCMETA_API_KEY"},
		{429, `slow down`, tui.ProblemThrottled, "next refresh retries"},
		{503, `{"error":{"code":"unavailable","message":"store unreachable"}}`, tui.ProblemUnreachable, "store unreachable"},
		{404, `nope`, tui.ProblemNotFound, "is --url a docmeta server?"},
		{400, `{"error":{"code":"invalid","message":"bad cursor"}}`, tui.ProblemOther, "invalid: bad cursor"},
		{200, `<html>`, tui.ProblemOther, "did not answer docmeta JSON"},
	}
	for _, tc := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			w.Write([]byte(tc.body))
		}))
		c, _ := New(srv.URL, "", nil)
		_, err := c.ListDocuments(context.Background(), 10, "")
		srv.Close()
		if tui.ProblemOf(err) != tc.problem || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("HTTP %d: got %v (%v), want %v containing %q", tc.status, err, tui.ProblemOf(err), tc.problem, tc.want)
		}
	}
}

func TestServerDown(t *testing.T) {
	// A port that was just free: nothing listens there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, _ := New("http://"+addr, "", nil)
	_, err = c.ListDocuments(context.Background(), 10, "")
	if tui.ProblemOf(err) != tui.ProblemUnreachable || !strings.Contains(err.Error(), "make run") {
		t.Errorf("got %v", err)
	}
	f, err := c.Fleet(context.Background())
	if err == nil || f.Server == nil || f.Server.Reachable || f.Server.Latency != 0 || f.Server.Problem == "" {
		t.Errorf("fleet of a down server = %+v, %v", f.Server, err)
	}
}

func TestFleetReportsStatusAndLatency(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/status" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"status":"ok","version":"v1.2.3","store":"bolt"}`))
	}))
	defer srv.Close()
	c, _ := New(srv.URL, "", nil)
	ticks := []time.Time{time.Unix(100, 0), time.Unix(100, 0).Add(1500 * time.Microsecond)}
	c.now = func() time.Time { t := ticks[0]; ticks = ticks[1:]; return t }
	f, err := c.Fleet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s := f.Server
	if !s.Reachable || s.Version != "v1.2.3" || s.Store != "bolt" || s.Latency != 1500*time.Microsecond || s.URL != srv.URL {
		t.Errorf("status = %+v", s)
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:8080", "ftp://x", "http://"} {
		if _, err := New(u, "", nil); err == nil || !strings.Contains(err.Error(), "--url") {
			t.Errorf("New(%q) = %v", u, err)
		}
	}
}
