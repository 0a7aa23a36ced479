// Package tui is docmeta's operator console: a bubbletea program with three
// views (Documents, Fleet, Costs) over small data-source interfaces. Vendor
// clients (HTTP, AWS SDK) live in adapter packages under tui/; the views see
// only the domain types of sources.go.
package tui

import (
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
	// Interval between automatic refreshes of the active view; 0 disables.
	Interval time.Duration
	// PageSize is the documents page size (default 50).
	PageSize int
	// Now and Location fix the clock and the time zone (tests use fixed ones).
	Now      func() time.Time
	Location *time.Location
	// RequestTimeout bounds each data-source call (default 10s).
	RequestTimeout time.Duration

	Documents DocumentsSource
	Fleet     FleetSource
	Costs     CostSource
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
	LastRefresh() time.Time
	// Capturing is true while the view takes raw text (the filter), so the
	// root must not treat keys as global shortcuts.
	Capturing() bool
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
}

// Model is the root of the console.
type Model struct {
	cfg     Config
	keys    globalKeys
	views   []view
	active  int
	help    help.Model
	spinner spinner.Model
	spin    bool
	tickGen int
	width   int
	height  int
	quit    bool
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
	m.views = []view{
		newDocumentsView(cfg),
		newFleetView(cfg),
		newCostsView(cfg),
	}
	return m
}

// tickMsg triggers an automatic refresh; gen drops ticks of an older schedule.
type tickMsg struct{ gen int }

func (m *Model) scheduleTick() tea.Cmd {
	if m.cfg.Interval <= 0 {
		return nil
	}
	m.tickGen++
	gen := m.tickGen
	return m.after(m.cfg.Interval, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// Init loads every view once and starts the auto-refresh clock.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.scheduleTick()}
	for _, v := range m.views {
		cmds = append(cmds, v.Refresh())
	}
	cmds = append(cmds, m.startSpinner())
	return tea.Batch(cmds...)
}

func (m *Model) loading() bool {
	for _, v := range m.views {
		if v.Loading() {
			return true
		}
	}
	return false
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
		// A fetch still running is left to answer: replacing it would drop
		// its answer, and a source slower than the interval would never
		// show one. `r` still replaces it on purpose.
		if m.views[m.active].Loading() {
			return m.scheduleTick()
		}
		return tea.Batch(m.views[m.active].Refresh(), m.scheduleTick(), m.startSpinner())
	case tea.KeyMsg:
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
		return m.views[m.active].Update(msg)
	}
	// Data messages carry their own type; every view ignores the others'.
	var cmds []tea.Cmd
	for _, v := range m.views {
		cmds = append(cmds, v.Update(msg))
	}
	cmds = append(cmds, m.startSpinner())
	return tea.Batch(cmds...)
}

func (m *Model) handleKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	if key.Matches(msg, m.keys.ForceQuit) {
		m.quit = true
		return tea.Quit, true
	}
	if m.views[m.active].Capturing() {
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
		return tea.Batch(m.views[m.active].Refresh(), m.startSpinner()), true
	case key.Matches(msg, m.keys.Next):
		m.active = (m.active + 1) % len(m.views)
		return nil, true
	case key.Matches(msg, m.keys.Prev):
		m.active = (m.active + len(m.views) - 1) % len(m.views)
		return nil, true
	case key.Matches(msg, m.keys.Documents):
		m.active = 0
	case key.Matches(msg, m.keys.Fleet):
		m.active = 1
	case key.Matches(msg, m.keys.Costs):
		m.active = 2
	default:
		return nil, false
	}
	return nil, true
}

// resize gives the active view whatever the header, status line and help
// leave; called on every size or layout change so each view reflows.
func (m *Model) resize() {
	m.help.Width = m.width
	h := m.height - lipgloss.Height(m.headerView()) - lipgloss.Height(m.footerView())
	if h < 1 {
		h = 1
	}
	for _, v := range m.views {
		v.SetSize(m.width, h)
	}
}

// View draws header, tabs, the active view, the status line and help.
func (m *Model) View() string {
	if m.quit {
		return ""
	}
	if m.width == 0 {
		return "docmeta console: waiting for the terminal size..."
	}
	body := m.views[m.active].View()
	bodyHeight := m.height - lipgloss.Height(m.headerView()) - lipgloss.Height(m.footerView())
	if bodyHeight < 1 {
		bodyHeight = 1
	}
	body = lipgloss.NewStyle().Height(bodyHeight).MaxHeight(bodyHeight).MaxWidth(m.width).Render(body)
	// MaxWidth is the last guard: no component may wrap the terminal.
	return lipgloss.NewStyle().MaxWidth(m.width).Render(
		lipgloss.JoinVertical(lipgloss.Left, m.headerView(), body, m.footerView()))
}
