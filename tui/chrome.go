package tui

import (
	"fmt"
	"strings"

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
// first line, the tabs and the refresh clock on the second.
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
	for i, v := range m.views {
		label := fmt.Sprintf("%d %s", i+1, v.Title())
		if i == m.active {
			tabs = append(tabs, activeTabStyle.Render("["+label+"]"))
		} else {
			tabs = append(tabs, tabStyle.Render(" "+label+" "))
		}
	}
	// The identity line wraps rather than hiding the region on a narrow
	// terminal; resize() measures the header, so the body shrinks to match.
	info = lipgloss.NewStyle().Width(max(m.width, 1)).Render(info)
	return lipgloss.NewStyle().MaxWidth(max(m.width, 1)).Render(
		lipgloss.JoinVertical(lipgloss.Left, info, strings.Join(tabs, " ")+"   "+m.clockView()))
}

// credentials names where the AWS credentials come from: the profile, or
// (when no profile is in use) their source.
func credentials(c Config) string {
	if c.Credentials != "" && c.Profile == "" {
		return labelStyle.Render("credentials ") + c.Credentials
	}
	return labelStyle.Render("profile ") + orDash(c.Profile)
}

// clockView shows the auto-refresh interval, the active view's last refresh
// and a spinner while anything loads.
func (m *Model) clockView() string {
	auto := "auto-refresh off"
	if m.cfg.Interval > 0 {
		auto = "auto-refresh " + m.cfg.Interval.String()
	}
	last := "never"
	if t := m.views[m.active].LastRefresh(); !t.IsZero() {
		last = t.In(m.cfg.Location).Format("15:04:05")
	}
	s := labelStyle.Render(auto + " · refreshed " + last)
	if m.loading() {
		s += " " + m.spinner.View() + " loading"
	}
	return s
}

// footerView is the status line (the active view's last error, or ok) and
// the help.
func (m *Model) footerView() string {
	v := m.views[m.active]
	status := okStyle.Render("ok")
	if err := v.Err(); err != nil {
		status = errorStyle.Render(ProblemOf(err).String() + ": " + err.Error())
	}
	// Errors wrap to two lines so the fix they name stays readable.
	status = lipgloss.NewStyle().Width(max(m.width, 1)).MaxHeight(2).Render(status)
	return lipgloss.JoinVertical(lipgloss.Left, status, m.help.View(rootHelp{global: m.keys, view: v}))
}

// truncate cuts s to width cells, marking the cut with an ellipsis.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if lipgloss.Width(s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && lipgloss.Width(string(r))+1 > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
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
