package tui

import (
	"context"
	"errors"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

func TestQuitKeys(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m := newTestModel(t, Config{Documents: &fakeDocs{}})
		run(t, m, m.Init())
		if !hasQuit(press(t, m, k)) {
			t.Errorf("%s did not quit", k)
		}
		if m.View() != "" {
			t.Errorf("%s left a screen behind: %q", k, m.View())
		}
	}
}

func TestTabsAndHelp(t *testing.T) {
	m := newTestModel(t, Config{Documents: &fakeDocs{}, Fleet: &fakeFleet{value: Fleet{Server: &ServerStatus{URL: "u", Reachable: true}}},
		Costs: StaticCosts{Report: sampleReport()}})
	run(t, m, m.Init())
	want := []string{"Fleet", "Costs", "Documents", "Fleet"}
	for _, w := range want {
		press(t, m, "tab")
		if m.ActiveTitle() != w {
			t.Fatalf("tab went to %s, want %s", m.ActiveTitle(), w)
		}
	}
	press(t, m, "3")
	if m.ActiveTitle() != "Costs" {
		t.Fatalf("3 went to %s", m.ActiveTitle())
	}
	press(t, m, "1")
	mustNotContain(t, m.View(), "shift+tab")
	press(t, m, "?")
	mustContain(t, m.View(), "shift+tab", "previous view", "ctrl+c", "filter page", "close / clear")
	press(t, m, "?")
	mustNotContain(t, m.View(), "shift+tab")
}

func TestSpinnerWhileLoadingAndTheClock(t *testing.T) {
	docs := &fakeDocs{docs: sampleDocs(1)}
	clock := newTestClock()
	m := newTestModel(t, Config{Documents: docs, Intervals: Intervals{Documents: 30 * time.Second}, Now: clock.Now})
	var scheduled []time.Duration
	m.after = func(d time.Duration, _ func(time.Time) tea.Msg) tea.Cmd {
		scheduled = append(scheduled, d)
		return nil
	}
	init := m.Init()
	mustContain(t, m.View(), "no data yet · every 30s", "loading")
	run(t, m, init)
	mustContain(t, m.View(), "updated 10:30:00 (0s ago) · every 30s")
	mustNotContain(t, m.View(), "loading")

	// The clock redraws the age; before the interval it fetches nothing...
	clock.advance(29 * time.Second)
	docs.set(sampleDocs(2), nil)
	if msgs := tick(t, m); len(msgs) != 0 {
		t.Errorf("a tick before the interval fetched: %v", msgs)
	}
	mustContain(t, m.View(), "updated 10:30:00 (29s ago)")
	// ...at the interval it refreshes the active view.
	clock.advance(time.Second)
	tick(t, m)
	mustContain(t, m.View(), "report-02.pdf", "updated 10:30:30 (0s ago)")

	// A tick of an older schedule does nothing.
	clock.advance(time.Minute)
	docs.set(sampleDocs(3), nil)
	_, cmd := m.Update(tickMsg{gen: m.tickGen - 1})
	if cmd != nil {
		t.Error("a stale tick started work")
	}
	mustNotContain(t, m.View(), "report-03.pdf", "loading")
	for _, d := range scheduled {
		if d != clockPeriod {
			t.Errorf("scheduled a %s tick, want every tick at %s", d, clockPeriod)
		}
	}
	if len(scheduled) != 3 {
		t.Errorf("scheduled %d ticks, want 3 (start, after each current tick)", len(scheduled))
	}
}

func TestMissingSourcesNameTheFlag(t *testing.T) {
	m := newTestModel(t, Config{})
	run(t, m, m.Init())
	mustContain(t, m.View(), "no documents source: start with --url")
	press(t, m, "2")
	mustContain(t, m.View(), "no fleet source")
	press(t, m, "3")
	mustContain(t, m.View(), "no cost source")
}

func TestTinyTerminalDoesNotPanic(t *testing.T) {
	m := newTestModel(t, Config{Documents: &fakeDocs{docs: sampleDocs(5)}, Fleet: &fakeFleet{value: Fleet{Group: sampleGroup()}},
		Costs: StaticCosts{Report: sampleReport()}})
	run(t, m, m.Init())
	for _, size := range []tea.WindowSizeMsg{{Width: 1, Height: 1}, {Width: 10, Height: 3}, {Width: 0, Height: 0}} {
		m.Update(size)
		for _, k := range []string{"1", "enter", "2", "3", "?"} {
			press(t, m, k)
			_ = m.View()
		}
	}
}

func TestRunesTypedInOneBurstAreSeparateKeys(t *testing.T) {
	docs := sampleDocs(3)
	docs[0].Filename = "beta.pdf"
	m := newTestModel(t, Config{Documents: &fakeDocs{docs: docs}, Costs: StaticCosts{Report: sampleReport()}})
	run(t, m, m.Init())
	press(t, m, "3")
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("1/beta")})
	run(t, m, cmd)
	if m.ActiveTitle() != "Documents" {
		t.Fatalf("active view %s", m.ActiveTitle())
	}
	mustContain(t, m.View(), "/beta", "beta.pdf", "1 match \"beta\"")
	mustNotContain(t, m.View(), "report-02.pdf")

	// A paste is text, never shortcuts.
	press(t, m, "esc")
	_, cmd = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("2q"), Paste: true})
	if hasQuit(run(t, m, cmd)) || m.ActiveTitle() != "Documents" {
		t.Error("a pasted \"2q\" acted as shortcuts")
	}
	_, cmd = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("2q3")})
	if !hasQuit(run(t, m, cmd)) || m.ActiveTitle() != "Fleet" {
		t.Errorf("typed \"2q3\": quit and stay on Fleet, got %s", m.ActiveTitle())
	}
}

// An auto-refresh tick leaves a running fetch alone, so a source slower than
// the interval still gets its answer on screen.
func TestAutoRefreshWaitsForASlowFetch(t *testing.T) {
	docs := &hangingDocs{release: make(chan struct{})}
	clock := newTestClock()
	m := newTestModel(t, Config{Documents: docs, Intervals: Intervals{Documents: time.Second}, RequestTimeout: time.Minute, Now: clock.Now})
	m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	first := async(m.Init())
	for i := 0; i < 3; i++ { // three intervals pass while the server thinks
		clock.advance(time.Second)
		_, cmd := m.Update(tickMsg{gen: m.tickGen})
		deliver(t, m, async(cmd))
	}
	mustContain(t, m.View(), "loading")
	close(docs.release)
	deliver(t, m, first)
	mustContain(t, m.View(), "report-02.pdf", "updated 10:30:03")
	mustNotContain(t, m.View(), "loading")
	if n := docs.calls(); n != 1 {
		t.Errorf("%d fetches started, want 1 (ticks must not replace a running fetch)", n)
	}
	// Once idle, the next tick refreshes as before.
	clock.advance(time.Second)
	_, cmd := m.Update(tickMsg{gen: m.tickGen})
	deliver(t, m, async(cmd))
	if n := docs.calls(); n != 2 {
		t.Errorf("%d fetches after an idle tick, want 2", n)
	}
}

// `r` replaces a running fetch and cancels its request.
func TestRefreshKeyCancelsTheReplacedFetch(t *testing.T) {
	docs := &hangingDocs{release: make(chan struct{})}
	m := newTestModel(t, Config{Documents: docs, RequestTimeout: time.Minute})
	first := async(m.Init())
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("r")})
	second := async(cmd)
	msgs := deliver(t, m, first) // returns only because the request was cancelled
	cancelled := false
	for _, msg := range msgs {
		if l, ok := msg.(loadedMsg[pageResult]); ok && errors.Is(l.err, context.Canceled) {
			cancelled = true
		}
	}
	if !cancelled {
		t.Errorf("the replaced fetch answered %v, want context.Canceled", msgs)
	}
	mustContain(t, m.View(), "loading") // its answer was dropped
	mustNotContain(t, m.View(), "canceled")
	close(docs.release)
	deliver(t, m, second)
	mustContain(t, m.View(), "report-02.pdf", "ok")
}

func TestHeaderShowsTheCredentialsInUse(t *testing.T) {
	m := newTestModel(t, Config{Mode: "aws", Server: "https://x", Stack: "docmeta-dev", Region: "us-east-1",
		Credentials: "env"})
	mustContain(t, m.View(), "credentials env  region us-east-1")
	mustNotContain(t, m.View(), "profile")
	m = newTestModel(t, Config{Mode: "aws", Server: "https://x", Stack: "docmeta-dev", Region: "us-east-1", Profile: "ops"})
	mustContain(t, m.View(), "profile ops  region us-east-1")
}
