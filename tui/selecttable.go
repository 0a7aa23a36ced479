package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/lipgloss"
)

// newSelectTable is the bubbles table every selectable list uses (Documents,
// Fleet instances): focused, bold header with a rule, the selected row in
// reverse colours (and a "▸" the rows draw, for monochrome terminals).
func newSelectTable() table.Model {
	t := table.New(table.WithFocused(true))
	styles := table.DefaultStyles()
	styles.Header = styles.Header.Bold(true).BorderStyle(lipgloss.NormalBorder()).BorderBottom(true)
	styles.Selected = styles.Selected.Bold(true).Foreground(lipgloss.Color("229")).Background(lipgloss.Color("57"))
	t.SetStyles(styles)
	return t
}

// selectMark is the first cell's prefix: "▸ " on the selected row.
func selectMark(selected bool) string {
	if selected {
		return "▸ "
	}
	return "  "
}

// fieldsPane draws label/value rows in a box as wide as width, wrapping long
// values under themselves instead of cutting them.
func fieldsPane(rows [][2]string, width int) string {
	const labelW = 15
	// The box takes a border and a padding cell on each side.
	valueW := max(width-labelW-4, 10)
	lines := make([]string, len(rows))
	for i, r := range rows {
		value := strings.ReplaceAll(wrap(r[1], valueW), "\n", "\n"+strings.Repeat(" ", labelW))
		lines[i] = labelStyle.Render(padRight(r[0], labelW)) + value
	}
	return boxStyle.Width(max(width-2, 10)).Render(strings.Join(lines, "\n"))
}
