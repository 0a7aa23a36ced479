package tui

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// A failed refresh keeps the time of the last good one and marks the view
// STALE in words; the next success clears it.
func TestFailedRefreshMarksTheViewStale(t *testing.T) {
	docs := &fakeDocs{docs: sampleDocs(2)}
	clock := newTestClock()
	m := newTestModel(t, Config{Documents: docs, Now: clock.Now})
	run(t, m, m.Init())
	mustContain(t, m.View(), "updated 10:30:00 (0s ago)")

	clock.advance(90 * time.Second)
	docs.set(nil, errors.New("connection refused"))
	press(t, m, "r")
	mustContain(t, m.View(), "STALE: refresh failed, data from 10:30:00 (1m30s ago)", "error: connection refused", "report-02.pdf")
	mustNotContain(t, m.View(), "updated 10:31:30")

	clock.advance(10 * time.Second)
	docs.set(sampleDocs(3), nil)
	press(t, m, "r")
	mustContain(t, m.View(), "updated 10:31:40 (0s ago)", "report-03.pdf")
	mustNotContain(t, m.View(), "STALE")
}

func TestFirstLoadFailureIsStaleWithNoData(t *testing.T) {
	m := newTestModel(t, Config{Documents: &fakeDocs{err: errors.New("connection refused")}})
	run(t, m, m.Init())
	mustContain(t, m.View(), "STALE: refresh failed, none complete yet")
}

// At 80 columns the freshness gives up its longer forms but never the
// STALE word.
func TestStaleFitsAt80Columns(t *testing.T) {
	docs := &fakeDocs{docs: sampleDocs(2)}
	clock := newTestClock()
	m := newTestModel(t, Config{Documents: docs, Costs: StaticCosts{Report: sampleReport()}, Fleet: &fakeFleet{}, Now: clock.Now,
		Health: &fakeHealth{value: sampleHealth()}})
	m.Update(teaSize(80, 24))
	run(t, m, m.Init())
	clock.advance(3 * time.Minute)
	docs.set(nil, errors.New("connection refused"))
	press(t, m, "r")
	mustContain(t, m.View(), "[1 Documents] 2 Fleet 3 Costs 4 Health  STALE", "3m ago", "? help • q quit")
}

// Each view has its own interval: the clock refreshes only the active view
// once its last answer is older than its interval, and switching to a view
// older than its interval refreshes it at once.
func TestPerViewIntervals(t *testing.T) {
	docs := &fakeDocs{docs: sampleDocs(1)}
	fleet := &countingFleet{}
	costs := &countingCosts{report: sampleReport()}
	clock := newTestClock()
	m := newTestModel(t, Config{Documents: docs, Fleet: fleet, Costs: costs, Now: clock.Now,
		Intervals: Intervals{Documents: 15 * time.Second, Fleet: 15 * time.Second, Costs: time.Hour}})
	m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	run(t, m, m.Init())
	if fleet.calls != 1 || costs.calls != 1 {
		t.Fatalf("start: fleet %d, costs %d fetches, want 1 each", fleet.calls, costs.calls)
	}

	// Costs on screen: 20 minutes of ticks fetch no costs and no fleet.
	press(t, m, "3")
	for i := 0; i < 20; i++ {
		clock.advance(time.Minute)
		tick(t, m)
	}
	if fleet.calls != 1 || costs.calls != 1 {
		t.Errorf("20 min on Costs: fleet %d, costs %d fetches, want 1 and 1 (Costs every 1h, Fleet not on screen)", fleet.calls, costs.calls)
	}
	// Fleet is 20 minutes old: switching to it refreshes it.
	press(t, m, "2")
	if fleet.calls != 2 {
		t.Errorf("switching to a 20-minute-old Fleet: %d fetches, want 2", fleet.calls)
	}
	// Back on Costs before its hour: no fetch; after it, the tick fetches.
	press(t, m, "3")
	if costs.calls != 1 {
		t.Errorf("switching to 20-minute-old Costs (1h interval): %d fetches, want 1", costs.calls)
	}
	clock.advance(40 * time.Minute)
	tick(t, m)
	if costs.calls != 2 {
		t.Errorf("Costs after 1h: %d fetches, want 2", costs.calls)
	}
	// A fresh view is not refetched on switching.
	press(t, m, "2", "3")
	if costs.calls != 2 {
		t.Errorf("Costs switched back to while fresh: %d fetches, want 2", costs.calls)
	}
}

// Interval 0 is off: neither ticks nor switching fetch.
func TestIntervalZeroNeverRefreshes(t *testing.T) {
	fleet := &countingFleet{}
	clock := newTestClock()
	m := newTestModel(t, Config{Documents: &fakeDocs{}, Fleet: fleet, Now: clock.Now})
	run(t, m, m.Init())
	clock.advance(time.Hour)
	press(t, m, "2")
	tick(t, m)
	if fleet.calls != 1 {
		t.Errorf("%d fleet fetches with auto-refresh off, want 1", fleet.calls)
	}
	mustContain(t, m.View(), "auto-refresh off")
}

// At 80 columns with four tabs, "loading" still fits on the tabs line
// (the interval gives way first).
func TestLoadingFitsTheTabsLineAt80Columns(t *testing.T) {
	m := newTestModel(t, Config{Mode: "aws", Documents: &fakeDocs{docs: sampleDocs(1)}, Health: &fakeHealth{value: sampleHealth()},
		Intervals: Intervals{Documents: 15 * time.Second}})
	m.Update(teaSize(80, 24))
	run(t, m, m.Init())
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("r")}) // started, not answered
	var line string
	for _, l := range strings.Split(m.View(), "\n") {
		if strings.Contains(l, "[1 Documents]") {
			line = l
		}
	}
	if !strings.Contains(line, "[1 Documents] 2 Fleet 3 Costs 4 Health  updated 10:30:00 (0s ago)") || !strings.Contains(line, "loading") {
		t.Errorf("tabs line at 80 columns: %q", line)
	}
}
