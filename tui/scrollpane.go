package tui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
)

// scrollKeys are the viewport's own scroll keys, named for the help.
type scrollKeys struct{ Up, Down, PageUp, PageDown key.Binding }

// scrollPane is a viewport with its scroll keys and their help: the body of
// every view that shows one block of text.
type scrollPane struct {
	vp   viewport.Model
	keys scrollKeys
}

func newScrollPane() scrollPane {
	return scrollPane{vp: viewport.New(0, 0), keys: scrollKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", " ", "f"), key.WithHelp("pgdn/f", "page down")),
	}}
}

func (p *scrollPane) setSize(width, height int) { p.vp.Width, p.vp.Height = width, height }

func (p *scrollPane) setContent(s string) { p.vp.SetContent(s) }

func (p *scrollPane) scroll(msg tea.KeyMsg) tea.Cmd {
	var cmd tea.Cmd
	p.vp, cmd = p.vp.Update(msg)
	return cmd
}

// View draws the visible part of the text.
func (p *scrollPane) View() string { return p.vp.View() }

// ShortHelp lists the keys worth a place in the one-line help.
func (p *scrollPane) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.PageDown}
}

// FullHelp lists every scroll key.
func (p *scrollPane) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.keys.Up, p.keys.Down, p.keys.PageUp, p.keys.PageDown}}
}
