// Package tui is docmeta's operator console: a bubbletea program with four
// views (Documents, Fleet, Costs and, in AWS mode, Health) over small
// data-source interfaces. Vendor
// clients (HTTP, AWS SDK) live in adapter packages under tui/; the views see
// only the domain types of sources.go.
package tui

import (
	"io"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// Config is everything the console shows and reads from.
type Config struct {
	// Mode is "local" or "aws"; Server is the API URL (or ALB URL), Stack,
	// Profile and Region name the deployment; all are shown in the header.
	Mode, Server, Stack, Profile, Region string
	// Credentials, when set, names where the AWS credentials come from if
	// not from a shared-config profile ("env", "web identity"); the header
	// then shows it instead of the profile.
	Credentials string
	// Model names the topology profile the cost model prices (dev, prod).
	Model string
	// Intervals between automatic refreshes of each view (0 disables); a
	// view is refreshed when it is on screen and its last answer is older.
	Intervals Intervals
	// PageSize is the documents page size (default 50).
	PageSize int
	// Now and Location fix the clock and the time zone (tests use fixed ones).
	Now      func() time.Time
	Location *time.Location
	// RequestTimeout bounds each data-source call (default 10s).
	RequestTimeout time.Duration

	// Logger, when set, receives every fetch with its duration and error
	// and full panic stacks (--debug-log).
	Logger *slog.Logger
	// Clipboard receives the OSC 52 sequence `y` sends (the terminal);
	// nil disables copying. ClipboardTmux wraps it for tmux's passthrough.
	Clipboard     io.Writer
	ClipboardTmux bool

	Documents DocumentsSource
	Fleet     FleetSource
	Costs     CostSource
	// Health is the AWS-mode service health; nil leaves its tab out.
	Health HealthSource
}

// Intervals are the auto-refresh periods by view.
type Intervals struct {
	Documents, Fleet, Costs, Health time.Duration
}

func (c Config) withDefaults() Config {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Location == nil {
		c.Location = time.Local
	}
	if c.PageSize <= 0 {
		c.PageSize = 50
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 10 * time.Second
	}
	return c
}

// view is one tab of the console, in the soft-serve component style: it owns
// its key map, sizes itself, and fetches its own data through tea.Cmds.
type view interface {
	Title() string
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	// Refresh starts a new fetch; results of older fetches are dropped.
	Refresh() tea.Cmd
	Loading() bool
	Err() error
	// Partial: the last refresh failed in part; what came back is shown.
	Partial() bool
	LastRefresh() time.Time
	Answered() time.Time
	due(now time.Time, interval time.Duration) bool
	// Capturing is true while the view takes raw text (the filter), so the
	// root must not treat keys as global shortcuts.
	Capturing() bool
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// tab binds a view to its key and its auto-refresh interval: the one table
// the key handler, the tabs line and the help are drawn from.
type tab struct {
	key      key.Binding
	view     view
	interval time.Duration
}

// Model is the root of the console.
type Model struct {
	cfg     Config
	keys    globalKeys
	tabs    []tab
	active  int
	help    help.Model
	spinner spinner.Model
	spin    bool
	tickGen int
	width   int
	height  int
	quit    bool
	// notice replaces the status line until the next key (a copy's result).
	notice string
	// after schedules the next auto-refresh (tea.Tick; tests replace it).
	after func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
}

// New builds the console. Sources left nil show a message naming the flag
// that provides them.
func New(cfg Config) *Model {
	cfg = cfg.withDefaults()
	m := &Model{
		cfg:     cfg,
		keys:    newGlobalKeys(),
		help:    help.New(),
		spinner: spinner.New(spinner.WithSpinner(spinner.Line)),
		after:   tea.Tick,
	}
	iv := cfg.Intervals
	m.addTab("1", "documents", newDocumentsView(cfg), iv.Documents)
	m.addTab("2", "fleet", newFleetView(cfg), iv.Fleet)
	m.addTab("3", "costs", newCostsView(cfg), iv.Costs)
	if cfg.Health != nil {
		m.addTab("4", "service health", newHealthView(cfg), iv.Health)
	}
	return m
}

func (m *Model) addTab(k, help string, v view, interval time.Duration) {
	m.tabs = append(m.tabs, tab{key: key.NewBinding(key.WithKeys(k), key.WithHelp(k, help)), view: v, interval: interval})
}

// clockPeriod is how often the header's data age is redrawn and the active
// view checked against its interval.
const clockPeriod = time.Second

// tickMsg is the clock; gen drops ticks of an older schedule.
type tickMsg struct{ gen int }

func (m *Model) scheduleTick() tea.Cmd {
	m.tickGen++
	gen := m.tickGen
	return m.after(clockPeriod, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// Init loads every view once and starts the clock.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.scheduleTick()}
	for _, t := range m.tabs {
		cmds = append(cmds, t.view.Refresh())
	}
	cmds = append(cmds, m.startSpinner())
	return tea.Batch(cmds...)
}

func (m *Model) loading() bool {
	for _, t := range m.tabs {
		if t.view.Loading() {
			return true
		}
	}
	return false
}

// current is the active view.
func (m *Model) current() view { return m.tabs[m.active].view }

// refreshIfDue refreshes the active view when its last answer is older than
// its interval: on every clock tick and on switching to it, so a view is
// never shown older than its interval without a fetch under way.
func (m *Model) refreshIfDue() tea.Cmd {
	t := m.tabs[m.active]
	if !t.view.due(m.cfg.Now(), t.interval) {
		return nil
	}
	return tea.Batch(t.view.Refresh(), m.startSpinner())
}

// switchTo makes tab i active and refreshes it if its data is too old.
func (m *Model) switchTo(i int) tea.Cmd {
	m.active = i
	return m.refreshIfDue()
}

// startSpinner runs the spinner only while something loads, so an idle
// console sends no messages at all.
func (m *Model) startSpinner() tea.Cmd {
	if m.spin || !m.loading() {
		return nil
	}
	m.spin = true
	return m.spinner.Tick
}

// Update routes global keys to the root and everything else to the views,
// then reflows: a new error or help toggle may change the chrome's height.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer m.logPanic("update")
	cmd := m.update(msg)
	if _, spin := msg.(spinner.TickMsg); !spin {
		m.resize()
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return nil
	case spinner.TickMsg:
		if !m.loading() {
			m.spin = false
			return nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return cmd
	case tickMsg:
		if msg.gen != m.tickGen {
			return nil
		}
		// A fetch still running is left to answer (due is false while
		// loading): replacing it would drop its answer, and a source slower
		// than the interval would never show one. `r` replaces it on purpose.
		return tea.Batch(m.refreshIfDue(), m.scheduleTick())
	case copiedMsg:
		m.notice = msg.String()
		return nil
	case tea.KeyMsg:
		m.notice = ""
		// Terminals deliver fast typing (and tmux send-keys) as one message
		// holding several runes; each is a key press of its own here, so
		// "1/beta" switches view, opens the filter and types "beta".
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste {
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				if m.quit {
					break
				}
				cmd := m.update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
				cmds = append(cmds, cmd)
			}
			return tea.Batch(cmds...)
		}
		if cmd, handled := m.handleKey(msg); handled {
			return cmd
		}
		return m.current().Update(msg)
	}
	// Data messages carry their own type; every view ignores the others'.
	var cmds []tea.Cmd
	for _, t := range m.tabs {
		cmds = append(cmds, t.view.Update(msg))
	}
	cmds = append(cmds, m.startSpinner())
	return tea.Batch(cmds...)
}

func (m *Model) handleKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	if key.Matches(msg, m.keys.ForceQuit) {
		m.quit = true
		return tea.Quit, true
	}
	if m.current().Capturing() {
		return nil, false
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		m.quit = true
		return tea.Quit, true
	case key.Matches(msg, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
		return nil, true
	case key.Matches(msg, m.keys.Refresh):
		return tea.Batch(m.current().Refresh(), m.startSpinner()), true
	case key.Matches(msg, m.keys.Next):
		return m.switchTo((m.active + 1) % len(m.tabs)), true
	case key.Matches(msg, m.keys.Prev):
		return m.switchTo((m.active + len(m.tabs) - 1) % len(m.tabs)), true
	}
	for i, t := range m.tabs {
		if key.Matches(msg, t.key) {
			return m.switchTo(i), true
		}
	}
	return nil, false
}

// resize gives the active view whatever the header, status line and help
// leave; called on every size or layout change so each view reflows.
func (m *Model) resize() {
	m.help.Width = m.width
	h := m.height - lipgloss.Height(m.headerView()) - lipgloss.Height(m.footerView())
	if h < 1 {
		h = 1
	}
	for _, t := range m.tabs {
		t.view.SetSize(m.width, h)
	}
}

// View draws header, tabs, the active view, the status line and help.
func (m *Model) View() string {
	defer m.logPanic("view")
	if m.quit {
		return ""
	}
	if m.width == 0 {
		return "docmeta console: waiting for the terminal size..."
	}
	body := m.current().View()
	bodyHeight := m.height - lipgloss.Height(m.headerView()) - lipgloss.Height(m.footerView())
	if bodyHeight < 1 {
		bodyHeight = 1
	}
	body = lipgloss.NewStyle().Height(bodyHeight).MaxHeight(bodyHeight).MaxWidth(m.width).Render(body)
	// MaxWidth is the last guard: no component may wrap the terminal.
	return lipgloss.NewStyle().MaxWidth(m.width).Render(
		lipgloss.JoinVertical(lipgloss.Left, m.headerView(), body, m.footerView()))
}

// logPanic writes a panic's full stack to the debug log, then lets it go on:
// bubbletea restores the terminal and prints it, and the log keeps it after
// the screen is gone.
func (m *Model) logPanic(where string) {
	if m.cfg.Logger == nil {
		return
	}
	if r := recover(); r != nil {
		m.cfg.Logger.Error("panic", "in", where, "value", r, "stack", string(debug.Stack()))
		panic(r)
	}
}
