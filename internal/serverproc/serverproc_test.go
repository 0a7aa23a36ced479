package serverproc

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docmeta/docmeta/bench/sink"

	"github.com/docmeta/docmeta/internal/testenv"
)

// TestMain lets the test binary play the child server: with
// SERVERPROC_HELPER_ADDR set it serves the sink there until SIGTERM and
// exits with SERVERPROC_HELPER_EXIT (default 0).
func TestMain(m *testing.M) {
	if addr := os.Getenv("SERVERPROC_HELPER_ADDR"); addr != "" {
		os.Exit(helper(addr))
	}
	os.Exit(m.Run())
}

func helper(addr string) int {
	if os.Getenv("SERVERPROC_HELPER_FAIL") != "" {
		fmt.Println("helper: refusing to start, as asked")
		return 3
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Println(err)
		return 1
	}
	srv := sink.NewServer(1 << 20)
	go srv.Serve(ln)
	<-ctx.Done()
	srv.Shutdown()
	if os.Getenv("SERVERPROC_HELPER_EXIT") == "7" {
		return 7
	}
	return 0
}

func start(t *testing.T, env ...string) (*Proc, error) {
	t.Helper()
	addr, err := testenv.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	p, err := Start(Config{Name: "helper", Bin: os.Args[0], Env: append(env, "SERVERPROC_HELPER_ADDR="+addr),
		Addr: addr, LogPath: filepath.Join(t.TempDir(), "log"), StartTimeout: 10 * time.Second})
	if p != nil {
		t.Cleanup(p.Kill)
	}
	return p, err
}

func TestStartMeasureAndStop(t *testing.T) {
	p, err := start(t)
	if err != nil {
		t.Fatal(err)
	}
	if p.HealthyAfter <= 0 || !StatusOK(p.Addr()) {
		t.Fatalf("HealthyAfter %v, status ok %v", p.HealthyAfter, StatusOK(p.Addr()))
	}
	peak, err := p.PeakRSSMiB()
	if err != nil || peak <= 0 {
		t.Fatalf("PeakRSSMiB = %v, %v", peak, err)
	}
	rss, err := p.RSSMiB()
	if err != nil || rss <= 0 || rss > peak {
		t.Fatalf("RSSMiB = %v, %v (peak %v)", rss, err, peak)
	}
	if cpu, err := p.CPUSeconds(); err != nil || cpu < 0 {
		t.Fatalf("CPUSeconds = %v, %v", cpu, err)
	}
	// Burn CPU in this process until its counter moves (it ticks in
	// hundredths of a second); bounded by work, not by the clock: 1e9
	// additions take far more than a tick on any machine.
	before, err := ProcessCPUSeconds(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	after, x := before, 0
	for round := 0; after == before && round < 1000; round++ {
		for i := 0; i < 1e6; i++ {
			x += i
		}
		after, _ = ProcessCPUSeconds(os.Getpid())
	}
	if after <= before {
		t.Fatalf("ProcessCPUSeconds(self) stayed at %v over 1e9 additions (%d)", before, x)
	}
	if err := p.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if code, ok := p.Wait(time.Second); !ok || code != 0 || !p.Exited() {
		t.Fatalf("after Stop: code %d exited %v", code, ok)
	}
}

func TestSignalAndExitCode(t *testing.T) {
	p, err := start(t, "SERVERPROC_HELPER_EXIT=7")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code, ok := p.Wait(30 * time.Second); !ok || code != 7 {
		t.Fatalf("exit code %d (exited %v); want 7", code, ok)
	}
	if err := p.Stop(); err == nil {
		t.Fatal("Stop of a process that exited 7 reported no error")
	}
}

func TestStartReportsAnEarlyExitWithItsLog(t *testing.T) {
	_, err := start(t, "SERVERPROC_HELPER_FAIL=1")
	if err == nil || !strings.Contains(err.Error(), "refusing to start, as asked") {
		t.Fatalf("Start error %v; want the child's log in it", err)
	}
}
