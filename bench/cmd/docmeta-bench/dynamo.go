package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/docmeta/docmeta/backend/dynamo"

	"github.com/docmeta/docmeta/internal/testenv"
)

const (
	benchRegion = "us-east-1"
	benchTable  = "docmeta-bench"
)

// dynalite is one running dynalite process (in memory: the two phases that
// use it each get a fresh one, so both start from an empty table).
type dynalite struct {
	cmd      *exec.Cmd
	exited   chan struct{}
	endpoint string
}

// startDynalite runs dynalite on a free loopback port and creates the
// docmeta table in it with the store's own CreateTable.
func (b *bench) startDynalite(ctx context.Context, name string) (*dynalite, error) {
	if _, err := os.Stat(b.cfg.dynaliteScript); err != nil {
		return nil, fmt.Errorf("dynalite is not installed at %s: run `make tools`: %w", b.cfg.dynaliteScript, err)
	}
	addr, err := testenv.FreeAddr()
	if err != nil {
		return nil, err
	}
	host, port, _ := net.SplitHostPort(addr)
	logf, err := os.Create(filepath.Join(b.cfg.workDir, name+".log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command("node", b.cfg.dynaliteScript, "--host", host, "--port", port, "--createTableMs", "0")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start dynalite (needs Node.js 20+ and `make tools`): %w", err)
	}
	d := &dynalite{cmd: cmd, exited: make(chan struct{}), endpoint: "http://" + addr}
	go func() { cmd.Wait(); close(d.exited) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if resp, err := http.Get(d.endpoint); err == nil {
			resp.Body.Close()
			break
		}
		select {
		case <-d.exited:
			return nil, fmt.Errorf("dynalite exited at start; see %s", logf.Name())
		default:
		}
		if time.Now().After(deadline) {
			d.stop()
			return nil, fmt.Errorf("dynalite did not answer on %s within 15s", d.endpoint)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := dynamo.CreateTable(ctx, d.config()); err != nil {
		d.stop()
		return nil, err
	}
	return d, nil
}

func (d *dynalite) config() dynamo.Config {
	return dynamo.Config{Region: benchRegion, Table: benchTable, Endpoint: d.endpoint}
}

func (d *dynalite) stop() {
	_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
	<-d.exited
}
