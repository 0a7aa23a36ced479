package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
)

// globalKeys work in every view (except while a filter takes text). The
// view keys (1, 2, ...) live in the Model's tab table.
type globalKeys struct {
	Next, Prev      key.Binding
	Refresh         key.Binding
	Help            key.Binding
	Quit, ForceQuit key.Binding
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Next:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next view")),
		Prev:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous view")),
		Refresh:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// helpView is the bottom line(s). The short form always ends with `? help`
// and `q quit`: bubbles/help cuts a line that is too long from its end, so
// the view's keys get the width the global ones leave, and the global ones
// are drawn after them whatever the width. The full form is the view's
// columns, then the view switches, then the global keys.
func (m *Model) helpView() string {
	v := m.current()
	if m.help.ShowAll {
		var views []key.Binding
		for _, t := range m.tabs {
			views = append(views, t.key)
		}
		m.help.Width = m.width
		return m.help.FullHelpView(append(v.FullHelp(),
			append(views, m.keys.Next, m.keys.Prev),
			[]key.Binding{m.keys.Refresh, m.keys.Help, m.keys.Quit, m.keys.ForceQuit}))
	}
	always := m.help.ShortHelpView([]key.Binding{m.keys.Help, m.keys.Quit})
	sep := m.help.Styles.ShortSeparator.Inline(true).Render(m.help.ShortSeparator)
	rest := m.width - lipgloss.Width(always) - lipgloss.Width(sep)
	if rest < 8 {
		return always
	}
	m.help.Width = rest
	keys := append(v.ShortHelp(), m.keys.Next, m.keys.Refresh)
	return m.help.ShortHelpView(keys) + sep + always
}
