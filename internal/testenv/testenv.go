// Package testenv holds the small helpers that tests, the benchmark and the
// reliability suite share for giving a program its environment: a getenv
// backed by a map, a free loopback address, a bounded raw connection, a
// locked buffer, and the AWS settings of clients pointed at loopback fakes.
package testenv

import (
	"fmt"
	"net"
	"testing"
	"time"
)

// Getenv returns a getenv that reads m (a missing key is ""), for the
// run(ctx, args, getenv, …) of the binaries: the test decides the whole
// environment and the developer's own variables cannot leak in.
func Getenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// FreeAddr returns a loopback host:port whose port was free a moment ago,
// for a child process that must be told its address up front.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("no free loopback port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// Dial opens a TCP connection to addr for a test that speaks raw HTTP
// (heads fasthttp refuses, bodies sent slowly): the dial and every later
// read and write on it are bounded by timeout, so a server that stops
// answering fails the test instead of hanging it, and the connection is
// closed when the test ends.
func Dial(t testing.TB, addr string, timeout time.Duration) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		t.Fatalf("dial %s: %v; is the server under test still running?", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(timeout))
	return c
}
