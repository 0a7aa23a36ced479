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
// are drawn after them whatever the width. The full form is the global
// keys' column, then the view's.
func (m *Model) helpView() string {
	v := m.current()
	if m.help.ShowAll {
		// The global column comes first: bubbles/help drops the columns
		// that do not fit from the right.
		m.help.Width = m.width
		global := []key.Binding{m.viewKeys(), m.keys.Next, m.keys.Prev, m.keys.Refresh, m.keys.Help, m.keys.Quit, m.keys.ForceQuit}
		return m.help.FullHelpView(append([][]key.Binding{global}, v.FullHelp()...))
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

// viewKeys is one help entry for the tab keys ("1-4 switch view").
func (m *Model) viewKeys() key.Binding {
	first, last := m.tabs[0].key.Help().Key, m.tabs[len(m.tabs)-1].key.Help().Key
	return key.NewBinding(key.WithKeys(first, last), key.WithHelp(first+"-"+last, "switch view"))
}
