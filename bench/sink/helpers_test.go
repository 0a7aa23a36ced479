package sink_test

import (
	"bufio"
	"testing"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"

	"github.com/docmeta/docmeta/bench/sink"
)

// roundTrip sends one raw request to a sink served over an in-memory
// listener and returns the parsed response.
func roundTrip(t *testing.T, raw []byte) *fasthttp.Response {
	t.Helper()
	ln := fasthttputil.NewInmemoryListener()
	srv := sink.NewServer(1 << 20)
	go srv.Serve(ln)
	defer srv.Shutdown()
	c, err := ln.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(raw); err != nil {
		t.Fatal(err)
	}
	resp := &fasthttp.Response{}
	if err := resp.Read(bufio.NewReader(c)); err != nil {
		t.Fatalf("read response: %v", err)
	}
	return resp
}
