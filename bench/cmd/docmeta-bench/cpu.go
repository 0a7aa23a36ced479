package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/docmeta/docmeta/internal/serverproc"
)

// cpuMeter measures the CPU time of the processes of one phase (the
// server, the store, and this process, which is the client) over the
// measured window: on a 2-core machine shared by all of them it shows which
// process the throughput was bought with.
type cpuMeter struct {
	names     []string
	pids      []int
	start     []float64
	busyStart float64
	ioStart   float64
	t0        time.Time
}

// ioStallName labels the share of the window in which some task was
// stalled on I/O (Linux pressure stall information): fsync-bound phases
// (bolt) slow down when other work keeps the disk busy.
const ioStallName = "io stall"

// ioStallSeconds is the "some" total of /proc/pressure/io in seconds, or
// -1 where the kernel does not expose pressure information.
func ioStallSeconds() float64 {
	b, err := os.ReadFile("/proc/pressure/io")
	if err != nil {
		return -1
	}
	line, _, _ := strings.Cut(string(b), "\n")
	for _, f := range strings.Fields(line) {
		if v, ok := strings.CutPrefix(f, "total="); ok {
			us, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return -1
			}
			return us / 1e6
		}
	}
	return -1
}

// otherName labels the CPU the rest of the machine used in a window.
const otherName = "other processes"

// machineBusySeconds is the CPU time all processors have spent busy since
// boot, from the first line of /proc/stat (user, nice, system, irq,
// softirq and steal; idle and iowait left out), in seconds.
func machineBusySeconds() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	busy := 0.0
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		v, _ := strconv.ParseFloat(f[i], 64)
		busy += v
	}
	return busy / 100
}

// meterCPU starts measuring the named processes and this one ("client").
func meterCPU(names []string, pids []int) *cpuMeter {
	m := &cpuMeter{names: append(names, "client"), pids: append(pids, os.Getpid()), t0: time.Now(), busyStart: machineBusySeconds(), ioStart: ioStallSeconds()}
	for _, pid := range m.pids {
		s, _ := serverproc.ProcessCPUSeconds(pid)
		m.start = append(m.start, s)
	}
	return m
}

// usage is one process's share of a measured window.
type usage struct {
	name       string
	cores      float64 // CPU seconds per wall second
	usPerOp    float64 // CPU microseconds per completed operation
	cpuSeconds float64
}

// stop ends the window; ops is the number of operations completed in it.
func (m *cpuMeter) stop(ops int) (out []usage) {
	wall := time.Since(m.t0).Seconds()
	ours := 0.0
	defer func() {
		other := machineBusySeconds() - m.busyStart - ours
		out = append(out, usage{name: otherName, cpuSeconds: other, cores: max(0, other/wall)})
		if io := ioStallSeconds(); io >= 0 && m.ioStart >= 0 {
			// cores holds the stalled share of the wall time here.
			out = append(out, usage{name: ioStallName, cpuSeconds: io - m.ioStart, cores: (io - m.ioStart) / wall})
		}
	}()
	for i, pid := range m.pids {
		s, err := serverproc.ProcessCPUSeconds(pid)
		if err != nil {
			continue
		}
		u := usage{name: m.names[i], cpuSeconds: s - m.start[i], cores: (s - m.start[i]) / wall}
		ours += u.cpuSeconds
		if ops > 0 {
			u.usPerOp = (s - m.start[i]) / float64(ops) * 1e6
		}
		out = append(out, u)
	}
	return out
}

// describe renders usages as a note for the phase table.
func describe(us []usage) string {
	var parts []string
	for _, u := range us {
		if u.name == otherName {
			parts = append(parts, fmt.Sprintf("%s %.2f cores", u.name, u.cores))
			continue
		}
		if u.name == ioStallName {
			parts = append(parts, fmt.Sprintf("I/O stall %.0f%% of the time", 100*u.cores))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %.2f cores (%.0f µs/op)", u.name, u.cores, u.usPerOp))
	}
	return "CPU: " + strings.Join(parts, ", ")
}

// noteOther remembers the largest CPU share other processes took in any
// measured window, for the report's warning.
func (b *bench) noteOther(us []usage) {
	for _, u := range us {
		if u.name == otherName && u.cores > b.maxOther {
			b.maxOther = u.cores
		}
		if u.name == ioStallName && u.cores > b.maxIOStall {
			b.maxIOStall = u.cores
		}
	}
}

// probeFsync times n 4 KiB writes, each followed by fdatasync, in dir and
// returns the median in milliseconds: the disk's commit latency, which
// bounds the embedded store's log batches.
func probeFsync(dir string, n int) (float64, error) {
	f, err := os.CreateTemp(dir, "fsync-probe-")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	page := make([]byte, 4096)
	var ms []float64
	for i := 0; i < n; i++ {
		t0 := time.Now()
		if _, err := f.WriteAt(page, int64(i)*4096); err != nil {
			return 0, err
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			return 0, err
		}
		ms = append(ms, float64(time.Since(t0))/float64(time.Millisecond))
	}
	return median(ms), nil
}
