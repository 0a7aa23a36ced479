package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// grid renders rows of cells as aligned text columns no wider than width:
// columns keep their natural width while it fits, and the flexible column
// (the last one by default) gives up cells first.
type grid struct {
	headers []string
	rows    [][]string
	// flex is the index of the column that shrinks when width is short.
	flex int
}

func (g grid) render(width int) string {
	n := len(g.headers)
	widths := make([]int, n)
	for i, h := range g.headers {
		widths[i] = lipgloss.Width(h)
	}
	for _, r := range g.rows {
		for i := 0; i < n && i < len(r); i++ {
			widths[i] = max(widths[i], lipgloss.Width(r[i]))
		}
	}
	total := 2 * (n - 1)
	for _, w := range widths {
		total += w
	}
	if over := total - width; over > 0 {
		widths[g.flex] = max(widths[g.flex]-over, 3)
	}
	line := func(cells []string, style func(string) string) string {
		out := make([]string, n)
		for i := 0; i < n; i++ {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			c = truncate(c, widths[i])
			out[i] = c + strings.Repeat(" ", widths[i]-lipgloss.Width(c))
		}
		return style(strings.TrimRight(strings.Join(out, "  "), " "))
	}
	lines := []string{line(g.headers, func(s string) string { return lipgloss.NewStyle().Bold(true).Render(s) })}
	for _, r := range g.rows {
		lines = append(lines, line(r, func(s string) string { return s }))
	}
	return strings.Join(lines, "\n")
}
