package tui

import (
	"fmt"
	"io"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// copyKey copies the selected row's ID (Documents, Fleet).
var copyKey = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy ID (OSC 52)"))

// copiedMsg reports a copy for the status line.
type copiedMsg struct {
	text string
	err  error
}

// copyCmd sends text to the terminal's clipboard with an OSC 52 escape
// sequence (xterm, kitty, WezTerm, iTerm2, Windows Terminal; tmux with
// set-clipboard on). A terminal without OSC 52 ignores the sequence, so
// copying is harmless there; nothing confirms it arrived, and the status
// line says so. tmux wraps the sequence in its passthrough when Tmux is set.
func copyCmd(w io.Writer, tmux bool, text string) tea.Cmd {
	if w == nil || text == "" {
		return nil
	}
	return func() tea.Msg {
		seq := osc52.New(text)
		if tmux {
			seq = seq.Tmux()
		}
		_, err := seq.WriteTo(w)
		return copiedMsg{text: text, err: err}
	}
}

func (c copiedMsg) String() string {
	if c.err != nil {
		return errorStyle.Render(fmt.Sprintf("copy failed: %v", c.err))
	}
	return okStyle.Render(fmt.Sprintf("copied %s (OSC 52: reaches the clipboard where the terminal supports it)", c.text))
}
