package tui

import (
	tea "github.com/charmbracelet/bubbletea"
)

// lineInput is the one-line text entry of the documents filter: typed runes
// append, backspace deletes, ctrl+u clears. (bubbles/textinput would pull a
// clipboard dependency into the module for no gain here.)
type lineInput struct {
	value   []rune
	focused bool
}

func (l *lineInput) Focus()            { l.focused = true }
func (l *lineInput) Blur()             { l.focused = false }
func (l *lineInput) Value() string     { return string(l.value) }
func (l *lineInput) SetValue(s string) { l.value = []rune(s) }

// Update edits the value from one key press.
func (l *lineInput) Update(msg tea.KeyMsg) {
	switch msg.Type {
	case tea.KeyRunes, tea.KeySpace:
		l.value = append(l.value, msg.Runes...)
	case tea.KeyBackspace:
		if len(l.value) > 0 {
			l.value = l.value[:len(l.value)-1]
		}
	case tea.KeyCtrlU:
		l.value = nil
	}
}

// View shows the prompt, the value and, while focused, a block cursor.
func (l *lineInput) View() string {
	s := "/" + string(l.value)
	if l.focused {
		s += "█"
	} else if len(l.value) > 0 {
		s = labelStyle.Render("filter ") + s + labelStyle.Render("  (esc clears)")
	}
	return s
}
