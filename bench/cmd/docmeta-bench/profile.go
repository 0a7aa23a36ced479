package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"sync"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/backend/bolt"
	"github.com/docmeta/docmeta/backend/dynamo"
	"github.com/docmeta/docmeta/backend/httpapi"
)

// profilePhase runs the upload handler in this process, on each store in
// turn, under a CPU profile while the generator loads it, writes
// <dir>/<store>.pprof and prints the profile's top entries with the
// generator's own samples left out. The real binary is what the other
// phases measure; this is only to see where its time goes.
func (b *bench) profilePhase(ctx context.Context) error {
	if err := os.MkdirAll(b.cfg.profileDir, 0o755); err != nil {
		return err
	}
	for _, name := range []string{"bolt", "dynamodb"} {
		var store backend.Store
		switch name {
		case "bolt":
			s, err := bolt.Open(filepath.Join(b.cfg.workDir, "profile-bolt.db"))
			if err != nil {
				return err
			}
			store = s
		case "dynamodb":
			d, err := b.startDynalite(ctx, "dynalite-profile")
			if err != nil {
				return err
			}
			defer d.stop()
			s, err := dynamo.Open(ctx, d.config())
			if err != nil {
				return err
			}
			store = s
		}
		if err := b.profileStore(ctx, name, store); err != nil {
			store.Close()
			return err
		}
		store.Close()
	}
	return nil
}

func (b *bench) profileStore(ctx context.Context, name string, store backend.Store) error {
	// Access logs go through a buffered file, as the server's do.
	logf, err := os.Create(filepath.Join(b.cfg.workDir, "profile-"+name+".log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	lw := bufio.NewWriterSize(logf, 64<<10)
	defer lw.Flush()
	api, err := httpapi.New(httpapi.Config{Store: store, StoreName: name, Version: "profile",
		APIKeys: []string{benchAPIKey}, Logger: slog.New(slog.NewJSONHandler(&lockedWriter{w: lw}, nil))})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := api.Server()
	go srv.Serve(ln)
	defer srv.Shutdown()

	path := filepath.Join(b.cfg.profileDir, name+".pprof")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	_, _, err = b.load(ctx, "in-process "+name+" (profiled)", ln.Addr().String(), nil, nil)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	exe, _ := os.Executable()
	top := exec.Command("go", "tool", "pprof", "-top", "-cum", "-nodecount=30", "-ignore=internal/loadgen", exe, path)
	out, err := top.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go tool pprof on %s: %v\n%s", path, err, out)
	}
	fmt.Fprintf(b.log, "   profile %s (generator samples ignored):\n%s", path, out)
	return nil
}

// lockedWriter serialises writes from the handler goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
