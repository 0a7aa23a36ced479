package dynamo

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

type recordingClient struct {
	body   []byte
	length int64
}

func (c *recordingClient) Do(req *http.Request) (*http.Response, error) {
	c.length = req.ContentLength
	if req.Body != nil {
		c.body, _ = io.ReadAll(req.Body)
	}
	return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
}

// opaqueBody hides its reader's type, as the SDK's body wrapper does.
type opaqueBody struct{ io.Reader }

func (opaqueBody) Close() error { return nil }

func TestSingleWriteClientForwardsBodyIntact(t *testing.T) {
	payload := []byte(`{"TableName":"docs","Item":{"id":{"S":"x"}}}`)
	next := &recordingClient{}
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/", nil)
	req.Body, req.ContentLength = opaqueBody{bytes.NewReader(payload)}, int64(len(payload))
	if _, err := (singleWriteClient{next: next}).Do(req); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(next.body, payload) || next.length != int64(len(payload)) {
		t.Fatalf("forwarded body %q (length %d), want %q", next.body, next.length, payload)
	}
}

func TestSingleWriteClientPassesLargeAndUnknownBodiesThrough(t *testing.T) {
	for _, length := range []int64{-1, maxBufferedBody + 1} {
		next := &recordingClient{}
		body := opaqueBody{strings.NewReader("stream")}
		req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/", nil)
		req.Body, req.ContentLength = body, length
		if _, err := (singleWriteClient{next: next}).Do(req); err != nil {
			t.Fatal(err)
		}
		if req.Body != body || string(next.body) != "stream" {
			t.Fatalf("length %d: body replaced or altered (%q)", length, next.body)
		}
	}
}

func TestSingleWriteClientReportsShortBody(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/", nil)
	req.Body, req.ContentLength = opaqueBody{strings.NewReader("short")}, 100
	_, err := (singleWriteClient{next: &recordingClient{}}).Do(req)
	if err == nil || !strings.Contains(err.Error(), "read request body") {
		t.Fatalf("Do with a body shorter than its length: error %v, want one naming the body read", err)
	}
}
