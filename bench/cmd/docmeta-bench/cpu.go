package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/docmeta/docmeta/bench/serverproc"
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
	t0        time.Time
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
	m := &cpuMeter{names: append(names, "client"), pids: append(pids, os.Getpid()), t0: time.Now(), busyStart: machineBusySeconds()}
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
	}
}
