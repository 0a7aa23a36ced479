// Package serverproc runs an HTTP server binary (docmeta or the sink) as a
// child process on a loopback address, for `make bench` and the reliability
// tests. A separate process keeps the client's CPU and memory out of the
// server's accounting (VmHWM, VmRSS) and lets tests send it real signals.
package serverproc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

// Config describes the process to start.
type Config struct {
	// Name labels the process in errors.
	Name string
	// Bin is the executable; Args its arguments.
	Bin  string
	Args []string
	// Env is the child's whole environment besides PATH and HOME, so a
	// developer's own DOCMETA_* variables cannot change a measurement.
	Env []string
	// Addr is where the child serves HTTP; GET /status must answer 200
	// there once it is ready.
	Addr string
	// LogPath receives the child's stdout and stderr.
	LogPath string
	// StartTimeout bounds the wait for /status (default 15s).
	StartTimeout time.Duration
}

// Proc is a running child process.
type Proc struct {
	cfg     Config
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
	// HealthyAfter is the time from exec to the first 200 from /status.
	HealthyAfter time.Duration
}

// Start execs the process and waits until GET /status answers 200.
func Start(cfg Config) (*Proc, error) {
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 15 * time.Second
	}
	logf, err := os.Create(cfg.LogPath)
	if err != nil {
		return nil, fmt.Errorf("%s: create log %s: %w", cfg.Name, cfg.LogPath, err)
	}
	defer logf.Close() // the child holds its own descriptor
	cmd := exec.Command(cfg.Bin, cfg.Args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, cfg.Env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := &Proc{cfg: cfg, cmd: cmd, exited: make(chan struct{})}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: start %s (build it first; `make bench` does): %w", cfg.Name, cfg.Bin, err)
	}
	go func() { p.waitErr = cmd.Wait(); close(p.exited) }()
	deadline := start.Add(cfg.StartTimeout)
	for {
		if StatusOK(cfg.Addr) {
			p.HealthyAfter = time.Since(start)
			return p, nil
		}
		select {
		case <-p.exited:
			return nil, fmt.Errorf("%s exited before answering /status (%v); its log:\n%s", cfg.Name, p.waitErr, p.Tail())
		default:
		}
		if time.Now().After(deadline) {
			p.Kill()
			return nil, fmt.Errorf("%s did not answer GET /status on %s within %s; its log:\n%s", cfg.Name, cfg.Addr, cfg.StartTimeout, p.Tail())
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// Addr is where the process serves.
func (p *Proc) Addr() string { return p.cfg.Addr }

// Pid is the process id.
func (p *Proc) Pid() int { return p.cmd.Process.Pid }

// StatusOK reports whether GET /status on addr answers 200, over a fresh
// connection.
func StatusOK(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte("GET /status HTTP/1.1\r\nHost: " + addr + "\r\nConnection: close\r\n\r\n")); err != nil {
		return false
	}
	var resp fasthttp.Response
	if err := resp.Read(bufio.NewReader(c)); err != nil {
		return false
	}
	return resp.StatusCode() == 200
}

// PeakRSSMiB is the process's high-water resident set (VmHWM), the kernel's
// accounting of its peak memory.
func (p *Proc) PeakRSSMiB() (float64, error) { return p.memMiB("VmHWM:") }

// RSSMiB is the process's current resident set (VmRSS).
func (p *Proc) RSSMiB() (float64, error) { return p.memMiB("VmRSS:") }

func (p *Proc) memMiB(field string) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Pid()))
	if err != nil {
		return 0, fmt.Errorf("read %s of %s: %w", field, p.cfg.Name, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == field && f[2] == "kB" {
			kb, err := strconv.ParseFloat(f[1], 64)
			return kb / 1024, err
		}
	}
	return 0, fmt.Errorf("no %s line in /proc/%d/status", field, p.Pid())
}

// Signal sends sig to the process.
func (p *Proc) Signal(sig syscall.Signal) error { return p.cmd.Process.Signal(sig) }

// Wait waits at most bound for the process to exit and returns its exit
// code; ok is false if it was still running (it is left running).
func (p *Proc) Wait(bound time.Duration) (code int, ok bool) {
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode(), true
	case <-time.After(bound):
		return 0, false
	}
}

// Exited reports whether the process has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// Stop sends SIGTERM and waits for a clean exit, killing after 30s. A
// non-zero exit is an error carrying the log's tail.
func (p *Proc) Stop() error {
	if p.Exited() {
		return p.exitError()
	}
	_ = p.Signal(syscall.SIGTERM)
	if _, ok := p.Wait(30 * time.Second); !ok {
		p.Kill()
		return fmt.Errorf("%s did not exit within 30s of SIGTERM; killed", p.cfg.Name)
	}
	return p.exitError()
}

func (p *Proc) exitError() error {
	var ee *exec.ExitError
	if errors.As(p.waitErr, &ee) {
		return fmt.Errorf("%s exited with %v; its log:\n%s", p.cfg.Name, p.waitErr, p.Tail())
	}
	return p.waitErr
}

// Kill ends the process group at once and waits for it. Killing an exited
// process does nothing.
func (p *Proc) Kill() {
	if p.Exited() {
		return
	}
	_ = syscall.Kill(-p.Pid(), syscall.SIGKILL)
	<-p.exited
}

// Tail returns the last lines of the process's log for error messages.
func (p *Proc) Tail() string {
	b, _ := os.ReadFile(p.cfg.LogPath)
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// CPUSeconds is the user plus system CPU time the process has used.
func (p *Proc) CPUSeconds() (float64, error) { return ProcessCPUSeconds(p.Pid()) }

// ProcessCPUSeconds reads the user plus system CPU time of any process
// from /proc/<pid>/stat (in clock ticks of 1/100 s, the Linux USER_HZ).
func ProcessCPUSeconds(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read CPU time of process %d: %w", pid, err)
	}
	// The command name (field 2) may contain spaces; fields after its
	// closing parenthesis are fixed: utime and stime are the 12th and 13th.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	f := strings.Fields(s[i+1:])
	if i < 0 || len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat: %q", pid, s)
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unexpected /proc/%d/stat: %q", pid, s)
	}
	return (utime + stime) / 100, nil
}
