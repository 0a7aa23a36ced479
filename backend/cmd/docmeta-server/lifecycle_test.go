package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/docmeta/docmeta/internal/dynalitetest"
)

// TestShutdownLetsInFlightUploadFinish: an upload whose body is still
// arriving when shutdown starts is completed, acknowledged and stored, and
// run returns nil; new connections are refused.
func TestShutdownLetsInFlightUploadFinish(t *testing.T) {
	getenv := env(t, nil)
	s := start(t, getenv)
	c := dial(t, s)
	br := bufio.NewReader(c)
	body := partHead + "finished during shutdown\r\n--B--\r\n"
	// "100 Continue" is the server's word that it has read this request's
	// head and is processing the request: from then on shutdown must wait
	// for it. No sleep and no guess that the request has got that far.
	fmt.Fprintf(c, uploadHeadExpectContinue, len(body))
	readContinue(t, br)
	io.WriteString(c, body[:20])

	s.cancel() // what SIGTERM does in main
	waitFor(t, func() bool { return strings.Contains(s.out.String(), `"msg":"shutting down"`) })
	io.WriteString(c, body[20:])
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated || !resp.Close {
		t.Fatalf("in-flight upload: %d (close %v) %s", resp.StatusCode, resp.Close, b)
	}
	if err := <-s.done; err != nil {
		t.Fatalf("run: %v", err)
	}
	s.done = nil
	if _, err := http.Get(s.url + "/status"); err == nil {
		t.Fatal("the server still accepts connections after shutdown")
	}

	s = start(t, getenv)
	if p := s.list(""); len(p.Documents) != 1 || p.Documents[0].SizeBytes != int64(len("finished during shutdown")) {
		t.Fatalf("after restart: %+v", p.Documents)
	}
}

// TestStoreOutageIs503: with DynamoDB unreachable, uploads get 503 with
// Retry-After (never 500, never 201); once it is back they succeed without
// restarting the server.
func TestStoreOutageIs503(t *testing.T) {
	dl := dynalitetest.Start(t)
	cfg := dl.NewTable(t)
	s := start(t, env(t, map[string]string{
		"DOCMETA_STORE": "dynamodb", "AWS_REGION": cfg.Region, "DOCMETA_TABLE": cfg.Table,
		"AWS_ENDPOINT_URL_DYNAMODB": cfg.Endpoint,
	}))
	s.upload("before.txt", "before")
	dl.Stop()

	req, _ := http.NewRequest("POST", s.url+"/upload", strings.NewReader("--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"during.txt\"\r\n\r\nx\r\n--B--\r\n"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=B")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(b), `"unavailable"`) {
		t.Fatalf("upload during the outage: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	if status, body := s.request("GET", "/status", "", nil, ""); status != http.StatusOK {
		t.Fatalf("/status during the outage: %d %s", status, body)
	}

	dl.Restart()
	s.upload("after.txt", "after")
	if p := s.list(""); len(p.Documents) != 2 {
		t.Fatalf("after the outage the listing has %s", ids(p.Documents))
	}
}

// uploadHeadExpectContinue is uploadHead asking for 100 Continue.
const uploadHeadExpectContinue = "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n"

// readContinue reads the interim "100 Continue" response.
func readContinue(t *testing.T, br *bufio.Reader) {
	t.Helper()
	line, err := br.ReadString('\n')
	if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
		t.Fatalf("want HTTP/1.1 100 Continue, got %q, %v", line, err)
	}
	if blank, err := br.ReadString('\n'); err != nil || blank != "\r\n" {
		t.Fatalf("malformed 100 Continue: %q, %v", blank, err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
