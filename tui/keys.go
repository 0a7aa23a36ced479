package tui

import "github.com/charmbracelet/bubbles/key"

// globalKeys work in every view (except while a filter takes text).
type globalKeys struct {
	Documents, Fleet, Costs key.Binding
	Next, Prev              key.Binding
	Refresh                 key.Binding
	Help                    key.Binding
	Quit, ForceQuit         key.Binding
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Documents: key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "documents")),
		Fleet:     key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "fleet")),
		Costs:     key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "costs")),
		Next:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next view")),
		Prev:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous view")),
		Refresh:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// rootHelp joins the active view's bindings with the global ones for
// bubbles/help, which asks for both forms.
type rootHelp struct {
	global globalKeys
	view   view
}

func (h rootHelp) ShortHelp() []key.Binding {
	return append(h.view.ShortHelp(), h.global.Next, h.global.Refresh, h.global.Help, h.global.Quit)
}

func (h rootHelp) FullHelp() [][]key.Binding {
	g := h.global
	return append(h.view.FullHelp(),
		[]key.Binding{g.Documents, g.Fleet, g.Costs, g.Next, g.Prev},
		[]key.Binding{g.Refresh, g.Help, g.Quit, g.ForceQuit})
}
