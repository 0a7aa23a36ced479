// Package testenv holds the small helpers that tests, the benchmark and the
// reliability suite share for giving a program its environment: a getenv
// backed by a map, and a free loopback address.
package testenv

import (
	"fmt"
	"net"
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
