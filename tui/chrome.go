package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

var (
	titleStyle     = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("212"))
	labelStyle     = lipgloss.NewStyle().Foreground(lipgloss.Color("245"))
	activeTabStyle = lipgloss.NewStyle().Bold(true).Underline(true).Foreground(lipgloss.Color("212"))
	tabStyle       = lipgloss.NewStyle().Foreground(lipgloss.Color("245"))
	errorStyle     = lipgloss.NewStyle().Foreground(lipgloss.Color("196"))
	okStyle        = lipgloss.NewStyle().Foreground(lipgloss.Color("42"))
	warnStyle      = lipgloss.NewStyle().Foreground(lipgloss.Color("214"))
	boxStyle       = lipgloss.NewStyle().Border(lipgloss.NormalBorder()).Padding(0, 1)
)

// headerView is always visible: mode, server, stack, profile, region on the
// first line (wrapped, never cut), the tabs and the active view's freshness
// on the second.
func (m *Model) headerView() string {
	c := m.cfg
	field := func(label, value string) string {
		if value == "" {
			value = "-"
		}
		return labelStyle.Render(label+" ") + value
	}
	info := strings.Join([]string{
		titleStyle.Render("docmeta"),
		field("mode", c.Mode),
		field("server", c.Server),
		field("stack", c.Stack),
		credentials(c),
		field("region", c.Region),
		field("model", c.Model),
	}, "  ")

	var tabs []string
	for i, t := range m.tabs {
		label := t.key.Help().Key + " " + t.view.Title()
		if i == m.active {
			tabs = append(tabs, activeTabStyle.Render("["+label+"]"))
		} else {
			tabs = append(tabs, tabStyle.Render(label))
		}
	}
	line := strings.Join(tabs, " ")
	// The identity line wraps rather than hiding the region on a narrow
	// terminal; resize() measures the header, so the body shrinks to match.
	info = lipgloss.NewStyle().Width(max(m.width, 1)).Render(info)
	line += "  " + m.clockView(m.width-lipgloss.Width(line)-2)
	return lipgloss.NewStyle().MaxWidth(max(m.width, 1)).Render(lipgloss.JoinVertical(lipgloss.Left, info, line))
}

// credentials names where the AWS credentials come from: the profile, or
// (when no profile is in use) their source.
func credentials(c Config) string {
	if c.Credentials != "" && c.Profile == "" {
		return labelStyle.Render("credentials ") + c.Credentials
	}
	return labelStyle.Render("profile ") + orDash(c.Profile)
}

// clockView says how fresh the active view is, in the longest form that
// fits width: the time of the last successful refresh and its age, PARTIAL
// and the calls that failed when the rest of a refresh answered, STALE (in
// words, not only colour) after a refresh where nothing came back, the
// view's interval, and a spinner while anything loads.
func (m *Model) clockView(width int) string {
	t := m.tabs[m.active]
	v := t.view
	now := m.cfg.Now()
	// state is the full form, short and shortest what gives way to width.
	var state, short, shortest string
	switch last := v.LastRefresh(); {
	case v.Partial():
		calls := failedCalls(v.Err())
		state = fmt.Sprintf("PARTIAL: %s failed, rest updated %s (%s ago)", calls, clock(last, m.cfg.Location), age(now.Sub(last)))
		short = "PARTIAL: " + calls + " failed"
		shortest = "PARTIAL: " + countCalls(len(failures(v.Err()))) + " failed"
	case last.IsZero() && v.Err() != nil:
		state, short = "STALE: refresh failed, none complete yet", "STALE: none complete"
	case last.IsZero():
		state, short = "no data yet", "no data yet"
	case v.Err() != nil:
		state = fmt.Sprintf("STALE: refresh failed, data from %s (%s ago)", clock(last, m.cfg.Location), age(now.Sub(last)))
		short = fmt.Sprintf("STALE %s ago", age(now.Sub(last)))
	default:
		state = fmt.Sprintf("updated %s (%s ago)", clock(last, m.cfg.Location), age(now.Sub(last)))
		short = fmt.Sprintf("updated %s ago", age(now.Sub(last)))
	}
	if shortest == "" {
		shortest = short
	}
	every := " · auto-refresh off"
	if t.interval > 0 {
		every = " · every " + age(t.interval)
	}
	style := labelStyle
	if v.Err() != nil {
		style = warnStyle
	}
	spin := ""
	if m.loading() {
		spin = " " + m.spinner.View() + " loading"
	}
	for _, s := range []string{state + every + spin, state + spin, short + spin, shortest + spin, shortest} {
		if lipgloss.Width(s) <= width {
			return style.Render(s)
		}
	}
	return style.Render(truncate(shortest, width))
}

func clock(t time.Time, loc *time.Location) string { return t.In(loc).Format("15:04:05") }

// age is a duration the way a person reads it at a glance: 42s, 5m, 3h, 2d.
func age(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return trimZero(fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second)))
	case d < 48*time.Hour:
		return trimZero(fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute)))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}

// trimZero drops a zero second part ("5m00s" -> "5m").
func trimZero(s string) string {
	if strings.HasSuffix(s, "m00s") {
		return strings.TrimSuffix(s, "00s")
	}
	if strings.HasSuffix(s, "h00m") {
		return strings.TrimSuffix(s, "00m")
	}
	return s
}

// footerView is the status line (the active view's last error, or ok) and
// the help.
func (m *Model) footerView() string {
	v := m.current()
	status := okStyle.Render("ok")
	if err := v.Err(); err != nil {
		status = errorStyle.Render(m.errorStatus(err))
	}
	if n := m.notice; n != "" {
		status = n
	}
	// Errors wrap to two lines so the fix they name stays readable.
	status = lipgloss.NewStyle().Width(max(m.width, 1)).MaxHeight(statusLines).Render(status)
	return lipgloss.JoinVertical(lipgloss.Left, status, m.helpView())
}

// statusLines is the height of the status line: enough for an error and
// the fix it names at 80 columns.
const statusLines = 2

// errorStatus is the status line for err: its classification and message,
// or, when several calls failed, the first one with a tail saying how many
// more failed and where to read them all. The tail is never cut: the
// first message gives way to it.
func (m *Model) errorStatus(err error) string {
	all := failures(err)
	first := all[0]
	text := ProblemOf(first).String() + ": " + first.Error()
	if len(all) == 1 {
		return text
	}
	where := "rerun with --debug-log"
	if m.cfg.Logger != nil {
		where = "see --debug-log"
	}
	return wrapKeepingTail(text, fmt.Sprintf(" (+%d more failed: %s)", len(all)-1, where), m.width, statusLines)
}

// wrapKeepingTail wraps text followed by tail into at most lines lines of
// width cells, cutting text (marked with an ellipsis) rather than tail.
func wrapKeepingTail(text, tail string, width, lines int) string {
	full := wrap(text+tail, width)
	if lipgloss.Height(full) <= lines || lipgloss.Width(tail) >= width {
		return full
	}
	wrapped := strings.Split(wrap(text, width), "\n")
	rest := strings.Join(wrapped[lines-1:], " ")
	last := truncate(rest, width-lipgloss.Width(tail)) + tail
	return strings.Join(append(wrapped[:lines-1:lines-1], last), "\n")
}

// truncate cuts s to width cells, marking the cut with an ellipsis.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}

// wrap breaks s into lines of at most width cells at spaces, cutting a word
// only when it is longer than a line; unlike a lipgloss width, it pads
// nothing, so text that fits is returned unchanged.
func wrap(s string, width int) string {
	if width < 1 || lipgloss.Width(s) <= width {
		return s
	}
	return ansi.Wrap(s, width, "")
}

// humanBytes renders a size in binary units ("1.5 KiB").
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for v := n / unit; v >= unit && exp < 5; v /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
