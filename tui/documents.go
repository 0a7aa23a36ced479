package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/table"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/docmeta/docmeta/backend"
)

// pageResult is one page fetch's answer: which page, fetched with which cursor.
type pageResult struct {
	index  int // page number the fetch was for
	cursor string
	page   DocumentPage
}

type documentsKeys struct {
	Up, Down, NextPage, PrevPage, Filter, Detail, Back key.Binding
}

func newDocumentsKeys() documentsKeys {
	return documentsKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		NextPage: key.NewBinding(key.WithKeys("n", "right", "pgdown"), key.WithHelp("n/→", "next page")),
		PrevPage: key.NewBinding(key.WithKeys("p", "left", "pgup"), key.WithHelp("p/←", "previous page")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter page")),
		Detail:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close / clear")),
	}
}

// documentsView lists document metadata newest first, one API page at a time.
type documentsView struct {
	*loader[pageResult]
	cfg  Config
	keys documentsKeys

	// cursors[i] is the cursor that fetched page i (cursors[0] == "").
	cursors []string
	index   int
	next    string
	docs    []backend.Document
	shown   []backend.Document

	table     table.Model
	filter    lineInput
	filtering bool
	detail    bool

	width, height int
}

func newDocumentsView(cfg Config) *documentsView {
	v := &documentsView{loader: newLoader[pageResult](cfg, "Documents"), cfg: cfg, keys: newDocumentsKeys(), cursors: []string{""}, table: newSelectTable()}
	// The table indexes its columns by cell: they must exist before the
	// first page, which may arrive before the terminal's size does.
	v.resize()
	return v
}

func (v *documentsView) Title() string   { return "Documents" }
func (v *documentsView) Capturing() bool { return v.filtering }

func (v *documentsView) ShortHelp() []key.Binding {
	if v.filtering {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		}
	}
	return []key.Binding{v.keys.Detail, v.keys.NextPage, v.keys.PrevPage, v.keys.Filter, copyKey}
}

func (v *documentsView) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{v.keys.Up, v.keys.Down, v.keys.Detail, v.keys.Back},
		{v.keys.NextPage, v.keys.PrevPage, v.keys.Filter, copyKey},
	}
}

// Refresh reloads the page on screen.
func (v *documentsView) Refresh() tea.Cmd { return v.fetch(v.index) }

func (v *documentsView) fetch(index int) tea.Cmd {
	if v.cfg.Documents == nil {
		v.fail(Errorf(ProblemOther, nil, "no documents source: start with --url (local) or --outputs (aws)"))
		return nil
	}
	src, cursor := v.cfg.Documents, v.cursors[min(index, len(v.cursors)-1)]
	if index == len(v.cursors) {
		cursor = v.next
	}
	limit := v.cfg.PageSize
	return v.start(func(ctx context.Context) (pageResult, error) {
		page, err := src.ListDocuments(ctx, limit, cursor)
		return pageResult{index: index, cursor: cursor, page: page}, err
	})
}

func (v *documentsView) Update(msg tea.Msg) tea.Cmd {
	if m, ok := v.accept(msg); ok {
		// An older refresh that answers late never gets here; a failure
		// keeps the page on screen.
		if m.err != nil {
			return nil
		}
		r := m.val
		v.index = r.index
		v.cursors = append(v.cursors[:min(r.index, len(v.cursors))], r.cursor)
		v.next = r.page.NextCursor
		v.docs = r.page.Documents
		v.applyFilter()
		return nil
	}
	if k, ok := msg.(tea.KeyMsg); ok {
		return v.handleKey(k)
	}
	return nil
}

func (v *documentsView) handleKey(msg tea.KeyMsg) tea.Cmd {
	if v.filtering {
		switch msg.String() {
		case "enter":
			v.filtering = false
			v.filter.Blur()
			v.resize()
			return nil
		case "esc":
			v.filtering = false
			v.filter.Blur()
			v.filter.SetValue("")
			v.applyFilter()
			v.resize()
			return nil
		}
		v.filter.Update(msg)
		v.applyFilter()
		return nil
	}
	switch {
	case key.Matches(msg, v.keys.Back):
		if v.detail {
			v.detail = false
		} else if v.filter.Value() != "" {
			v.filter.SetValue("")
			v.applyFilter()
		}
		v.resize()
		return nil
	case key.Matches(msg, v.keys.Detail):
		if len(v.shown) > 0 {
			v.detail = !v.detail
			v.resize()
		}
		return nil
	case key.Matches(msg, copyKey):
		if c := v.table.Cursor(); c >= 0 && c < len(v.shown) {
			return copyCmd(v.cfg.Clipboard, v.cfg.ClipboardTmux, v.shown[c].ID)
		}
		return nil
	case key.Matches(msg, v.keys.Filter):
		v.filtering = true
		v.detail = false
		v.filter.Focus()
		v.resize()
		return nil
	case key.Matches(msg, v.keys.NextPage):
		if v.next == "" || v.loading {
			return nil
		}
		return v.fetch(v.index + 1)
	case key.Matches(msg, v.keys.PrevPage):
		if v.index == 0 || v.loading {
			return nil
		}
		return v.fetch(v.index - 1)
	}
	var cmd tea.Cmd
	v.table, cmd = v.table.Update(msg)
	v.markCursor()
	return cmd
}

// rows renders the shown documents; the row at cursor gets a "▸" marker so
// the selection is visible without colour (monochrome terminals, captures).
func (v *documentsView) rows(cursor int) []table.Row {
	rows := make([]table.Row, len(v.shown))
	for i, d := range v.shown {
		row := table.Row{
			selectMark(i == cursor) + d.Filename,
			humanBytes(d.SizeBytes),
			d.UploadedAt.In(v.cfg.Location).Format("2006-01-02 15:04:05"),
			d.ContentType,
		}
		if v.showHash() {
			row = append(row, shortHash(d.SHA256))
		}
		rows[i] = row
	}
	return rows
}

func (v *documentsView) markCursor() {
	c := v.table.Cursor()
	v.table.SetRows(v.rows(c))
	v.table.SetCursor(c)
}

// applyFilter narrows the loaded page to documents whose filename, type, id
// or sha256 contains the filter text (case-insensitive). The API has no
// search, so the filter applies to the page on screen.
func (v *documentsView) applyFilter() {
	q := strings.ToLower(strings.TrimSpace(v.filter.Value()))
	selected := ""
	if c := v.table.Cursor(); c >= 0 && c < len(v.shown) {
		selected = v.shown[c].ID
	}
	v.shown = v.shown[:0]
	for _, d := range v.docs {
		hay := strings.ToLower(d.Filename + "\x00" + d.ContentType + "\x00" + d.SHA256 + "\x00" + d.ID)
		if q == "" || strings.Contains(hay, q) {
			v.shown = append(v.shown, d)
		}
	}
	v.table.SetRows(v.rows(-1))
	v.resize()
	// Keep the same document selected when a refresh adds newer ones above.
	for i, d := range v.shown {
		if d.ID == selected {
			v.table.SetCursor(i)
			break
		}
	}
	// An empty table leaves the cursor at -1; put it back on a row.
	if c := v.table.Cursor(); c < 0 || c >= len(v.shown) {
		v.table.SetCursor(max(min(c, len(v.shown)-1), 0))
	}
	v.markCursor()
	if len(v.shown) == 0 {
		v.detail = false
	}
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func (v *documentsView) SetSize(width, height int) {
	v.width, v.height = width, height
	v.resize()
}

// hashMinWidth is the narrowest terminal that still gets the short SHA-256
// column; below it the detail pane (enter) shows the hash, so the filename
// and type keep readable widths at 80 columns.
const hashMinWidth = 100

func (v *documentsView) showHash() bool { return v.width >= hashMinWidth }

// resize gives the filename column whatever the fixed columns leave, and the
// table whatever the info line, filter and detail pane leave.
func (v *documentsView) resize() {
	const sizeW, timeW, hashW = 10, 19, 12
	cols := []table.Column{
		{Title: "Filename"},
		{Title: "Size", Width: sizeW},
		{Title: "Uploaded (" + v.cfg.Now().In(v.cfg.Location).Format("MST") + ")", Width: timeW},
		{Title: "Type"},
	}
	// Each cell has one cell of padding on both sides. The filename column
	// takes what is left; below 16 cells the type column gives up room first.
	rest := v.width - sizeW - timeW
	if v.showHash() {
		cols = append(cols, table.Column{Title: "SHA-256", Width: hashW})
		rest -= hashW
	}
	rest -= 2 * len(cols)
	typeW := 26
	if rest-typeW < 16 {
		typeW = max(rest-16, 10)
	}
	cols[0].Width, cols[3].Width = max(rest-typeW, 8), typeW
	if len(cols) == len(v.table.Columns()) {
		v.table.SetColumns(cols)
	} else {
		// The table indexes columns by cell: the rows must match the new
		// columns before it draws them.
		c := v.table.Cursor()
		v.table.SetRows(nil)
		v.table.SetColumns(cols)
		v.table.SetRows(v.rows(c))
		v.table.SetCursor(c)
	}
	h := v.height - 1 // info line
	if v.filtering || v.filter.Value() != "" {
		h--
	}
	if v.detail {
		h -= lipgloss.Height(v.detailView())
	}
	// The table is only as tall as its rows, so the detail pane sits right
	// under the selected document's list instead of at the screen's bottom.
	v.table.SetHeight(max(min(h, len(v.shown)+2), 3))
	v.table.SetWidth(v.width)
}

func (v *documentsView) View() string {
	parts := []string{v.infoLine()}
	if v.filtering || v.filter.Value() != "" {
		parts = append(parts, v.filter.View())
	}
	if len(v.docs) == 0 && !v.loading {
		msg := "No documents yet. Upload one: curl -F file=@report.pdf " + v.cfg.Server + "/upload"
		if v.err != nil {
			msg = "Documents could not be listed (see the status line)."
		}
		parts = append(parts, labelStyle.Render(msg))
		return strings.Join(parts, "\n")
	}
	parts = append(parts, v.table.View())
	if v.detail {
		parts = append(parts, v.detailView())
	}
	return strings.Join(parts, "\n")
}

func (v *documentsView) infoLine() string {
	s := fmt.Sprintf("page %d · %d documents", v.index+1, len(v.docs))
	if v.filter.Value() != "" {
		s += fmt.Sprintf(" · %d match %q", len(v.shown), v.filter.Value())
	}
	if v.next != "" {
		s += " · more: n"
	} else {
		s += " · last page"
	}
	if v.index > 0 {
		s += " · back: p"
	}
	return labelStyle.Render(s)
}

// detailView shows every field of the selected document.
func (v *documentsView) detailView() string {
	i := v.table.Cursor()
	if i < 0 || i >= len(v.shown) {
		return ""
	}
	d := v.shown[i]
	declared := d.DeclaredContentType
	if declared == "" {
		declared = "(none)"
	}
	// Every value wraps: at 80 columns the sha256 and the two upload times
	// do not fit on one line.
	rows := [][2]string{
		{"id", d.ID},
		{"filename", d.Filename},
		{"size", fmt.Sprintf("%s (%d bytes)", humanBytes(d.SizeBytes), d.SizeBytes)},
		{"uploaded at", d.UploadedAt.In(v.cfg.Location).Format("2006-01-02 15:04:05.000000 MST") + "  (" + d.UploadedAtString() + ")"},
		{"sha256", d.SHA256},
		{"content type", d.ContentType + " (sniffed)"},
		{"declared type", declared + " (client's claim, untrusted)"},
	}
	return fieldsPane(rows, v.width)
}
