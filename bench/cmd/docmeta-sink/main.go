// Command docmeta-sink serves bench/sink on a loopback address: the upload
// ceiling `make bench` compares docmeta against. It prints its address on
// stdout once listening and stops on SIGTERM or SIGINT.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/docmeta/docmeta/bench/sink"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "docmeta-sink:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("docmeta-sink", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	maxBody := fs.Int("max-body", 2<<30, "largest request body accepted, in bytes")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	null := fs.Bool("null", false, "reply 201 without reading the body (measures the load generator's ceiling)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("create CPU profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s (pick a free loopback port with -addr): %w", *addr, err)
	}
	fmt.Fprintln(stdout, ln.Addr().String())
	srv := sink.NewServer(*maxBody)
	if *null {
		srv.Handler = sink.NullHandler
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return srv.Shutdown()
	}
}
