package main

import (
	"io"
	"slices"
	"strings"
	"testing"
)

func TestParseDefaultsAndRefusals(t *testing.T) {
	c, err := parse(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.conns != 64 || c.size != 1024 || c.largeMiB != 1024 || c.rounds != 3 || len(c.phases) != len(allPhases) || c.profileDir != "" {
		t.Fatalf("defaults %+v do not match the issue's load (64 connections, 1 KiB, 1 GiB, all phases)", c)
	}
	for _, args := range [][]string{
		{"-phases", "bolt,nope"},
		{"-conns", "0"},
		{"-rounds", "0"},
		{"-duration", "0s"},
	} {
		if _, err := parse(args, io.Discard); err == nil {
			t.Errorf("parse(%v) accepted", args)
		}
	}
	if !slices.Equal(c.sweep, []int{1, 4, 16, 64}) {
		t.Fatalf("default sweep %v; want the issue's 1, 4, 16, 64 connections", c.sweep)
	}
	if c, err := parse([]string{"-conns", "8", "-sweep", "32, 1,8"}, io.Discard); err != nil || !slices.Equal(c.sweep, []int{1, 8, 32}) {
		t.Fatalf("-conns 8 -sweep '32, 1,8' = %v, %v; want [1 8 32]", c.sweep, err)
	}
	if c, err := parse([]string{"-sweep", ""}, io.Discard); err != nil || !slices.Equal(c.sweep, []int{64}) {
		t.Fatalf("-sweep '' = %v, %v; want only -conns", c.sweep, err)
	}
	for _, bad := range []string{"0", "x", "4,-1"} {
		if _, err := parse([]string{"-sweep", bad}, io.Discard); err == nil || !strings.Contains(err.Error(), "-sweep") {
			t.Errorf("-sweep %q: err %v; want one naming -sweep", bad, err)
		}
	}
	c, err = parse([]string{"-phases", "sink,large"}, io.Discard)
	if err != nil || !c.phases["sink"] || !c.phases["large"] || c.phases["bolt"] {
		t.Fatalf("parse -phases sink,large = %v, %v", c.phases, err)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{9, 1, 5}, 5}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v; want %v", c.in, got, c.want)
		}
	}
}

func TestDescribeSeparatesOtherProcesses(t *testing.T) {
	got := describe([]usage{{name: "server", cores: 0.5, usPerOp: 60}, {name: otherName, cores: 0.25}, {name: ioStallName, cores: 0.125}})
	if got != "CPU: server 0.50 cores (60 µs/op), other processes 0.25 cores, I/O stall 12% of the time" {
		t.Fatalf("describe = %q", got)
	}
}
