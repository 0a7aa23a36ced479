package tui

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/docmeta/docmeta/backend"
)

// fixedNow is the clock of every test: 2026-11-27 09:30 UTC.
var fixedNow = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

// testZone is a fixed UTC+1 zone, so "local time" is provably applied.
var testZone = time.FixedZone("CET", 3600)

// fakeDocs serves a fixed newest-first list in pages; the cursor is the index
// of the next document. err, when set, fails every call.
type fakeDocs struct {
	mu    sync.Mutex
	docs  []backend.Document
	err   error
	calls []string // cursors asked for
}

func (f *fakeDocs) ListDocuments(_ context.Context, limit int, cursor string) (DocumentPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, cursor)
	if f.err != nil {
		return DocumentPage{}, f.err
	}
	start := 0
	if cursor != "" {
		fmt.Sscanf(cursor, "c%d", &start)
	}
	end := min(start+limit, len(f.docs))
	p := DocumentPage{Documents: append([]backend.Document(nil), f.docs[start:end]...)}
	if end < len(f.docs) {
		p.NextCursor = fmt.Sprintf("c%d", end)
	}
	return p, nil
}

func (f *fakeDocs) set(docs []backend.Document, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs, f.err = docs, err
}

// sampleDocs returns n documents, newest first, one minute apart.
func sampleDocs(n int) []backend.Document {
	docs := make([]backend.Document, n)
	for i := range docs {
		docs[i] = backend.Document{
			ID:                  fmt.Sprintf("0193a1b2-0000-7000-8000-%012d", n-i),
			Filename:            fmt.Sprintf("report-%02d.pdf", n-i),
			SizeBytes:           int64(1536 * (n - i)),
			UploadedAt:          time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC).Add(time.Duration(n-i) * time.Minute),
			SHA256:              strings.Repeat(fmt.Sprintf("%x", (n-i)%16), 64),
			ContentType:         "application/pdf",
			DeclaredContentType: "application/octet-stream",
		}
	}
	return docs
}

// fakeSource is the fake of every source whose fetch answers one value:
// fakeSource[Fleet] is a FleetSource, fakeSource[CostReport] a CostSource,
// fakeSource[ServiceHealth] a HealthSource. set changes the answer between
// refreshes; the lock lets a test do so while a fetch runs.
type fakeSource[T any] struct {
	mu    sync.Mutex
	value T
	err   error
}

type (
	fakeFleet  = fakeSource[Fleet]
	fakeCosts  = fakeSource[CostReport]
	fakeHealth = fakeSource[ServiceHealth]
)

func (f *fakeSource[T]) get() (T, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.value, f.err
}

func (f *fakeSource[T]) set(v T, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.value, f.err = v, err
}

func (f *fakeSource[T]) Fleet(context.Context) (T, error)  { return f.get() }
func (f *fakeSource[T]) Costs(context.Context) (T, error)  { return f.get() }
func (f *fakeSource[T]) Health(context.Context) (T, error) { return f.get() }

func sampleGroup() *Group {
	return &Group{
		Name: "docmeta-dev-asg", Desired: 2, Min: 1, Max: 3,
		LaunchTemplate: "docmeta-dev-lt", TemplateVersion: "7",
		TargetGroupARN: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/docmeta-dev/0123456789abcdef",
		Refresh: &InstanceRefresh{ID: "r-1", Status: "InProgress", PercentComplete: 50, InstancesToUpdate: 1,
			StartTime: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)},
		Instances: []Instance{
			{ID: "i-0aaa1111bbbb2222c", AvailabilityZone: "us-east-1a", LifecycleState: "InService", HealthStatus: "Healthy",
				LaunchTemplateVersion: "7", LaunchTime: time.Date(2026, 11, 20, 14, 5, 0, 0, time.UTC),
				Target: Target{ID: "i-0aaa1111bbbb2222c", State: "healthy"}},
			{ID: "i-0ddd3333eeee4444f", AvailabilityZone: "us-east-1b", LifecycleState: "Pending", HealthStatus: "Healthy",
				LaunchTemplateVersion: "6", LaunchTime: time.Date(2026, 11, 27, 8, 46, 40, 0, time.UTC),
				Target: Target{ID: "i-0ddd3333eeee4444f", State: "unhealthy",
					Reason: "Target.FailedHealthChecks", Description: "Health checks failed with these codes: [502]"}},
		},
	}
}

func sampleReport() CostReport {
	return CostReport{
		Profile: CostModel{Name: "dev", Region: "us-east-1", PricesAsOf: "2026-11-01", InterfaceEndpointAZs: 2, Lines: []CostLine{
			{Kind: "compute", Item: "EC2 instances", Quantity: "1 x t4g.micro", Monthly: 6.13},
			{Kind: "alb", Item: "Application Load Balancer", Quantity: "1", Monthly: 16.43},
			{Kind: KindEndpoint, Item: "Interface endpoints", Quantity: "2 x 1 AZ", Monthly: 14.60},
		}},
		Seed: CostModel{Name: "seed", Region: "us-east-1", PricesAsOf: "2026-11-01", NATGateways: 1, InterfaceEndpointAZs: 6, Lines: []CostLine{
			{Kind: "compute", Item: "EC2 instances", Quantity: "1 x t3.micro", Monthly: 7.59},
			{Kind: "alb", Item: "Application Load Balancer", Quantity: "1", Monthly: 16.43},
			{Kind: KindEndpoint, Item: "Interface endpoints", Quantity: "3 x 2 AZ", Monthly: 43.80},
			{Kind: KindNAT, Item: "NAT gateway hours", Quantity: "1 x 730 h", Monthly: 32.85},
			{Kind: KindIPv4, Item: "Public IPv4 (NAT)", Quantity: "1 x 730 h", Monthly: 3.65},
		}},
	}
}

func newTestModel(t *testing.T, cfg Config) *Model {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return fixedNow }
	}
	cfg.Location = testZone
	if cfg.Mode == "" {
		cfg.Mode, cfg.Server, cfg.Stack, cfg.Model = "local", "http://127.0.0.1:8080", "local", "dev"
	}
	m := New(cfg)
	// The clock would sleep in run(); tests deliver ticks with tick().
	m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	return m
}

// run executes cmd and feeds every resulting message back into m, the way
// the bubbletea runtime would, except spinner frames and auto-refresh ticks
// (which would sleep); it returns the messages it delivered.
func run(t *testing.T, m *Model, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	var delivered []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case spinner.TickMsg, tickMsg:
		case tea.QuitMsg:
			delivered = append(delivered, msg)
		default:
			delivered = append(delivered, msg)
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
	return delivered
}

func press(t *testing.T, m *Model, keys ...string) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	for _, k := range keys {
		_, cmd := m.Update(keyMsg(k))
		out = append(out, run(t, m, cmd)...)
	}
	return out
}

// keyMsg turns a key as the help names it into the message bubbletea
// sends: names for special keys, any other text as typed runes.
func keyMsg(k string) tea.KeyMsg {
	special := map[string]tea.KeyType{"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab,
		"down": tea.KeyDown, "backspace": tea.KeyBackspace, "ctrl+c": tea.KeyCtrlC}
	if t, ok := special[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func mustContain(t *testing.T, screen string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(screen, w) {
			t.Errorf("screen lacks %q:\n%s", w, screen)
		}
	}
}

func mustNotContain(t *testing.T, screen string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(screen, w) {
			t.Errorf("screen shows %q but should not:\n%s", w, screen)
		}
	}
}

// checkStaleRefreshDropped refreshes the tab behind key twice, with change
// applied to its source in between, and delivers the newer answer before
// the older one: the screen must keep the newer data, because a slow answer
// to an earlier request must never overwrite a fresher one.
func checkStaleRefreshDropped(t *testing.T, m *Model, key string, change func(), newer, older []string) {
	t.Helper()
	v := m.tabs[int(key[0]-'1')].view
	olderMsg := v.Refresh()()
	change()
	newerMsg := v.Refresh()()
	m.Update(newerMsg)
	m.Update(olderMsg)
	press(t, m, key)
	mustContain(t, m.View(), newer...)
	mustNotContain(t, m.View(), older...)
	if v.Loading() {
		t.Error("still loading after the newest refresh answered")
	}
}

func hasQuit(msgs []tea.Msg) bool {
	for _, m := range msgs {
		if _, ok := m.(tea.QuitMsg); ok {
			return true
		}
	}
	return false
}

func teaSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// hangingDocs answers only when release is closed (two documents) or when
// the request's context ends (its error); started counts the calls.
type hangingDocs struct {
	release chan struct{}
	mu      sync.Mutex
	started int
}

func (h *hangingDocs) ListDocuments(ctx context.Context, _ int, _ string) (DocumentPage, error) {
	h.mu.Lock()
	h.started++
	h.mu.Unlock()
	select {
	case <-ctx.Done():
		return DocumentPage{}, ctx.Err()
	case <-h.release:
		return DocumentPage{Documents: sampleDocs(2)}, nil
	}
}

func (h *hangingDocs) calls() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.started
}

// async runs cmd (and every command of a batch) on goroutines, as the
// bubbletea runtime does, and delivers their messages, except spinner
// frames and auto-refresh ticks; the channel closes when all have returned.
func async(cmd tea.Cmd) <-chan tea.Msg {
	out := make(chan tea.Msg, 16)
	var wg sync.WaitGroup
	var start func(tea.Cmd)
	start = func(c tea.Cmd) {
		if c == nil {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch msg := c().(type) {
			case nil, spinner.TickMsg, tickMsg:
			case tea.BatchMsg:
				for _, c := range msg {
					start(c)
				}
			default:
				out <- msg
			}
		}()
	}
	start(cmd)
	go func() { wg.Wait(); close(out) }()
	return out
}

// deliver feeds every message of ch into m once the commands behind it have
// returned; it fails the test if they have not within 10 seconds (a bound
// against a hang, not a timing assertion).
func deliver(t *testing.T, m *Model, ch <-chan tea.Msg) []tea.Msg {
	t.Helper()
	var msgs []tea.Msg
	deadline := time.After(10 * time.Second)
	for {
		select {
		case msg, ok := <-ch:
			if !ok {
				return msgs
			}
			msgs = append(msgs, msg)
			_, next := m.Update(msg)
			msgs = append(msgs, run(t, m, next)...)
		case <-deadline:
			t.Fatalf("commands still running after 10s; delivered %v", msgs)
			return msgs
		}
	}
}

// testClock is a clock a test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: fixedNow} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// tick delivers one clock tick of the current schedule and runs what it starts.
func tick(t *testing.T, m *Model) []tea.Msg {
	t.Helper()
	_, cmd := m.Update(tickMsg{gen: m.tickGen})
	return run(t, m, cmd)
}

// countingFleet answers a reachable local server and counts the calls
// (tests deliver messages on the test goroutine).
type countingFleet struct{ calls int }

func (f *countingFleet) Fleet(context.Context) (Fleet, error) {
	f.calls++
	return Fleet{Server: &ServerStatus{URL: "u", Reachable: true}}, nil
}

type countingCosts struct {
	calls  int
	report CostReport
}

func (c *countingCosts) Costs(context.Context) (CostReport, error) {
	c.calls++
	return c.report, nil
}

// sampleHealth is three hours at five minutes ending at fixedNow: steady
// traffic, a burst of target 5xx and an unhealthy host around 08:40 UTC,
// and three scaling activities.
func sampleHealth() ServiceHealth {
	const n = 36
	start := fixedNow.Add(-3 * time.Hour)
	series := func(label, unit string, bad bool, f func(i int) float64) Series {
		s := Series{Label: label, Unit: unit, Bad: bad, Values: make([]float64, n)}
		for i := range s.Values {
			s.Values[i] = f(i)
		}
		return s
	}
	spike := func(i int) bool { return i >= 13 && i <= 15 }
	return ServiceHealth{
		Start: start, End: fixedNow, Period: 5 * time.Minute,
		Series: []Series{
			series("ALB requests", "req", false, func(i int) float64 { return float64(300 + 40*(i%7)) }),
			series("ALB 5XX (target)", "err", true, func(i int) float64 {
				if spike(i) {
					return float64(12 * (i - 12))
				}
				return 0
			}),
			series("ALB 5XX (ELB)", "err", true, func(int) float64 { return 0 }),
			series("Response p50", "ms", false, func(i int) float64 { return 4 + float64(i%3) }),
			series("Response p99", "ms", false, func(i int) float64 {
				if spike(i) {
					return 900
				}
				return 40 + float64(i%5)*5
			}),
			series("Unhealthy hosts", "hosts", true, func(i int) float64 {
				if spike(i) {
					return 1
				}
				return 0
			}),
			series("DynamoDB throttled", "thr", true, func(int) float64 { return 0 }),
			series("DynamoDB PutItem", "ms", false, func(i int) float64 { return 3.5 + float64(i%4)/2 }),
			series("DynamoDB Query", "ms", false, func(i int) float64 {
				if i < 2 {
					return math.NaN()
				}
				return 6 + float64(i%3)
			}),
		},
		Activities: []ScalingActivity{
			{Start: fixedNow.Add(-45 * time.Minute), End: fixedNow.Add(-41 * time.Minute), Status: "Successful",
				Description: "Launching a new EC2 instance: i-0ddd3333eeee4444f",
				Cause:       "At 2026-11-27T08:45:00Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 1 to 2."},
			{Start: fixedNow.Add(-50 * time.Minute), End: fixedNow.Add(-46 * time.Minute), Status: "Successful",
				Description: "Terminating EC2 instance: i-0bbb2222cccc3333d",
				Cause:       "At 2026-11-27T08:40:00Z an instance was taken out of service in response to an ELB system health check failure."},
			{Start: fixedNow.Add(-2 * time.Hour), Status: "Failed",
				Description: "Launching a new EC2 instance. Status Reason: We currently do not have sufficient t4g.small capacity in the Availability Zone you requested.",
				Cause:       "At 2026-11-27T07:30:00Z a user request update of AutoScalingGroup constraints to min: 1, max: 3, desired: 2 changing the desired capacity from 1 to 2."},
		},
	}
}

// goldenNAT is 14 days of NAT traffic, 13 to 26 November.
func goldenNAT() *fakeNAT {
	var days []DayBytes
	for d := 13; d <= 26; d++ {
		gb := []float64{3, 4, 2, 6, 5, 1, 1, 7, 8, 4, 3, 9, 2, 5}[d-13]
		days = append(days, DayBytes{Day: time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC), Bytes: gb * 1e9})
	}
	return &fakeNAT{days: days}
}

// mustFit fails for every line of screen wider than width.
func mustFit(t *testing.T, screen string, width int) {
	t.Helper()
	for _, line := range strings.Split(screen, "\n") {
		if lipgloss.Width(line) > width {
			t.Errorf("line wider than %d: %q", width, line)
		}
	}
}
