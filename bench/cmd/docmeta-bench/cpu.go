package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/docmeta/docmeta/bench/serverproc"
)

// cpuMeter measures the CPU time of the processes of one phase (the
// server, the store, and this process, which is the client) over the
// measured window: on a 2-core machine shared by all of them it shows which
// process the throughput was bought with.
type cpuMeter struct {
	names []string
	pids  []int
	start []float64
	t0    time.Time
}

// meterCPU starts measuring the named processes and this one ("client").
func meterCPU(names []string, pids []int) *cpuMeter {
	m := &cpuMeter{names: append(names, "client"), pids: append(pids, os.Getpid()), t0: time.Now()}
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
func (m *cpuMeter) stop(ops int) []usage {
	wall := time.Since(m.t0).Seconds()
	var out []usage
	for i, pid := range m.pids {
		s, err := serverproc.ProcessCPUSeconds(pid)
		if err != nil {
			continue
		}
		u := usage{name: m.names[i], cpuSeconds: s - m.start[i], cores: (s - m.start[i]) / wall}
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
		parts = append(parts, fmt.Sprintf("%s %.2f cores (%.0f µs/op)", u.name, u.cores, u.usPerOp))
	}
	return "CPU: " + strings.Join(parts, ", ")
}
