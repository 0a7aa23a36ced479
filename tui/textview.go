package tui

import (
	"context"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// textView is the shared body of the views that load one value and draw it
// as scrollable text (Fleet, Costs): the loader, the scroll pane, the value
// on screen, and the hooks that make each view its own.
type textView[T any] struct {
	*loader[T]
	scrollPane

	title string
	// subject names what the view shows, in its placeholder lines.
	subject string
	// fetch reads the source; nil when none is configured, and missing is
	// then the status line's error.
	fetch   func(context.Context) (T, error)
	missing error
	// keep says whether an answer (possibly failed) replaces the value on
	// screen, or the last good one stays.
	keep func(val T, err error) bool
	// partial, when set, says whether a failed answer carries part of the
	// data (some of the view's calls answered): it is then kept and shown
	// as current, and the header says PARTIAL instead of STALE.
	partial func(val T) bool
	// content draws value (loaded is false until keep accepted one).
	content func() string

	value  T
	loaded bool
	width  int
}

func newTextView[T any](cfg Config, title, subject string) textView[T] {
	return textView[T]{loader: newLoader[T](cfg, title), scrollPane: newScrollPane(), title: title, subject: subject}
}

// placeholder stands in for the content while no answer is on screen: the
// first fetch failed (the status line says why) or is still awaited.
func (v *textView[T]) placeholder() string {
	if v.err != nil {
		return strings.ToUpper(v.subject[:1]) + v.subject[1:] + " unavailable (see the status line)."
	}
	return "Loading " + v.subject + "..."
}

func (v *textView[T]) Title() string   { return v.title }
func (v *textView[T]) Capturing() bool { return false }

// Refresh starts a fetch replacing any running one.
func (v *textView[T]) Refresh() tea.Cmd {
	if v.fetch == nil {
		v.fail(v.missing)
		return nil
	}
	return v.start(v.fetch)
}

func (v *textView[T]) Update(msg tea.Msg) tea.Cmd {
	if m, ok := v.accept(msg); ok {
		partial := m.err != nil && v.partial != nil && v.partial(m.val)
		if partial {
			v.keepPartial()
		}
		if partial || v.keep(m.val, m.err) {
			v.value, v.loaded = m.val, true
		}
		v.setContent(v.content())
		return nil
	}
	if k, ok := msg.(tea.KeyMsg); ok {
		return v.scroll(k)
	}
	return nil
}

func (v *textView[T]) SetSize(width, height int) {
	v.width = width
	v.setSize(width, height)
	v.setContent(v.content())
}
