package tui

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

func TestDocumentsListNewestFirstWithHumanSizesAndLocalTime(t *testing.T) {
	docs := &fakeDocs{docs: sampleDocs(3)}
	m := newTestModel(t, Config{Documents: docs})
	run(t, m, m.Init())

	screen := m.View()
	mustContain(t, screen, "report-03.pdf", "report-01.pdf", "4.5 KiB", "1.5 KiB", "application/pdf",
		"333333333333",        // short sha256: 12 characters
		"2026-11-27 09:03:00", // 08:03 UTC shown in the fixed UTC+1 zone
		"Uploaded (CET)", "page 1 · 3 documents · last page", "mode local", "updated 10:30:00")
	mustNotContain(t, screen, strings.Repeat("3", 13))
	if strings.Index(screen, "report-03.pdf") > strings.Index(screen, "report-01.pdf") {
		t.Errorf("documents not newest first:\n%s", screen)
	}
}

func TestDocumentsPagingFollowsTheCursor(t *testing.T) {
	docs := &fakeDocs{docs: sampleDocs(5)}
	m := newTestModel(t, Config{Documents: docs, PageSize: 2})
	run(t, m, m.Init())
	mustContain(t, m.View(), "report-05.pdf", "report-04.pdf", "page 1", "more: n")
	mustNotContain(t, m.View(), "report-03.pdf")

	press(t, m, "n")
	mustContain(t, m.View(), "report-03.pdf", "report-02.pdf", "page 2", "back: p")
	press(t, m, "n")
	mustContain(t, m.View(), "report-01.pdf", "page 3", "last page")
	press(t, m, "n") // no next cursor: no call
	press(t, m, "p")
	mustContain(t, m.View(), "report-03.pdf", "page 2")
	press(t, m, "r") // refresh reloads the page on screen, not the first
	mustContain(t, m.View(), "report-03.pdf", "page 2")

	want := []string{"", "c2", "c4", "c2", "c2"}
	if strings.Join(docs.calls, ",") != strings.Join(want, ",") {
		t.Errorf("cursors asked = %q, want %q", docs.calls, want)
	}
}

func TestDocumentsFilterAndDetail(t *testing.T) {
	docs := sampleDocs(3)
	docs[1].Filename = "invoice.png"
	docs[1].ContentType = "image/png"
	m := newTestModel(t, Config{Documents: &fakeDocs{docs: docs}})
	run(t, m, m.Init())

	// While the filter takes text, q and digits are text, not shortcuts.
	msgs := press(t, m, "/", "i", "n", "v", "q")
	if hasQuit(msgs) {
		t.Fatal("q quit while typing a filter")
	}
	press(t, m, "backspace", "enter")
	screen := m.View()
	mustContain(t, screen, "invoice.png", `1 match "inv"`)
	mustNotContain(t, screen, "report-03.pdf", "report-01.pdf")

	press(t, m, "enter")
	screen = m.View()
	d := docs[1]
	mustContain(t, screen, d.ID, d.SHA256, "3.0 KiB (3072 bytes)", "image/png (sniffed)",
		"application/octet-stream (client's claim, untrusted)", "2026-11-27 09:02:00.000000 CET", d.UploadedAtString())

	press(t, m, "esc") // closes the detail
	mustNotContain(t, m.View(), d.SHA256)
	press(t, m, "esc") // clears the filter
	mustContain(t, m.View(), "report-03.pdf", "invoice.png", "report-01.pdf")
}

func TestDocumentsServerDownShowsStatusAndKeepsLastPage(t *testing.T) {
	docs := &fakeDocs{docs: sampleDocs(2)}
	m := newTestModel(t, Config{Documents: docs})
	run(t, m, m.Init())

	docs.set(nil, Errorf(ProblemUnreachable, nil, "server http://127.0.0.1:8080 is not reachable (start it with `make run` or fix --url)"))
	press(t, m, "r")
	screen := m.View()
	mustContain(t, screen, "unreachable: server http://127.0.0.1:8080 is not reachable", "report-02.pdf")

	docs.set(sampleDocs(3), nil)
	press(t, m, "r")
	screen = m.View()
	mustContain(t, screen, "report-03.pdf", "\nok")
	mustNotContain(t, screen, "unreachable")
}

func TestDocumentsUnauthorizedFirstLoad(t *testing.T) {
	docs := &fakeDocs{err: Errorf(ProblemUnauthorized, nil, "server refused the API key; pass --api-key or set DOCMETA_API_KEY")}
	m := newTestModel(t, Config{Documents: docs})
	run(t, m, m.Init())
	mustContain(t, m.View(), "unauthorized: server refused the API key", "Documents could not be listed")
}

func TestDocumentsStaleRefreshIsDropped(t *testing.T) {
	docs := &fakeDocs{docs: sampleDocs(1)}
	m := newTestModel(t, Config{Documents: docs})
	checkStaleRefreshDropped(t, m, "1", func() { docs.set(sampleDocs(4), nil) },
		[]string{"report-04.pdf", "4 documents"}, []string{"1 document"})
}

func TestEmptyListingTellsHowToUpload(t *testing.T) {
	m := newTestModel(t, Config{Documents: &fakeDocs{}})
	run(t, m, m.Init())
	mustContain(t, m.View(), "No documents yet", "curl -F file=@report.pdf http://127.0.0.1:8080/upload")
}

func TestResizeReflowsEveryView(t *testing.T) {
	m := newTestModel(t, Config{
		Documents: &fakeDocs{docs: sampleDocs(40)},
		Fleet:     &fakeFleet{value: Fleet{Group: sampleGroup()}},
		Costs:     &fakeCosts{value: sampleReport()},
	})
	run(t, m, m.Init())
	for _, size := range []tea.WindowSizeMsg{{Width: 80, Height: 24}, {Width: 160, Height: 50}, {Width: 60, Height: 15}} {
		m.Update(size)
		for _, tab := range []string{"1", "2", "3"} {
			press(t, m, tab)
			screen := m.View()
			if h := lipgloss.Height(screen); h != size.Height {
				t.Errorf("%dx%d view %s: height %d", size.Width, size.Height, tab, h)
			}
			for i, line := range strings.Split(screen, "\n") {
				if w := lipgloss.Width(line); w > size.Width {
					t.Errorf("%dx%d view %s line %d is %d wide: %q", size.Width, size.Height, tab, i, w, line)
				}
			}
		}
	}
	// In AWS mode the Costs view wraps its chart title, legend, Mean: and
	// Month: lines at the width (narrower bars when short of room) instead
	// of letting the screen cut them mid-word. The terminal is tall enough
	// to show the whole view.
	cfg := goldenConfig("aws")
	cfg.Costs = ObservedCosts{Model: sampleReport(), Metrics: goldenNAT(), NATGatewayIDs: []string{"nat-0123456789abcdef0"},
		Prices: testPrices, Days: 14, Now: func() time.Time { return fixedNow }}
	aws := New(cfg)
	aws.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	run(t, aws, aws.Init())
	press(t, aws, "3")
	for _, width := range []int{120, 80, 60, 44} {
		aws.Update(tea.WindowSizeMsg{Width: width, Height: 70})
		screen := aws.View()
		for i, line := range strings.Split(screen, "\n") {
			if w := lipgloss.Width(line); w > width {
				t.Errorf("costs at %d columns: line %d is %d wide: %q", width, i, w, line)
			}
		}
		mustContain(t, screen, "(CloudWatch", "AWS/NATGateway", "hours)", "13", "26", "UTC", "interface", "endpoints",
			"Mean:", "/day)", "GB", "Month:", "November", "projected", "other", "days", "64% less)")
	}
	// The wider terminal gives the filename column the extra room.
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
	press(t, m, "1")
	wide := m.tabs[0].view.(*documentsView).table.Columns()[0].Width
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 24})
	narrow := m.tabs[0].view.(*documentsView).table.Columns()[0].Width
	if wide-narrow != 40 {
		t.Errorf("filename column %d wide at 160 columns, %d at 120: want 40 more", wide, narrow)
	}
}

func TestRefreshKeepsTheSelectedDocument(t *testing.T) {
	docs := &fakeDocs{docs: sampleDocs(3)}
	m := newTestModel(t, Config{Documents: docs})
	run(t, m, m.Init())
	press(t, m, "down", "enter")
	mustContain(t, m.View(), "0193a1b2-0000-7000-8000-000000000002")

	// Two newer uploads arrive above it; the detail pane stays on it.
	newer := sampleDocs(5)[:2]
	docs.set(append(newer, sampleDocs(3)...), nil)
	press(t, m, "r")
	mustContain(t, m.View(), "report-05.pdf", "filename       report-02.pdf")
}

func TestLongErrorWrapsAndTheScreenKeepsItsHeight(t *testing.T) {
	long := Errorf(ProblemUnreachable, errors.New(`Get "http://127.0.0.1:8080/documents?limit=50": dial tcp 127.0.0.1:8080: connect: connection refused`),
		"server http://127.0.0.1:8080 is not reachable (start it with `make run` or fix --url)")
	docs := &fakeDocs{docs: sampleDocs(3)}
	m := newTestModel(t, Config{Documents: docs})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	run(t, m, m.Init())
	docs.set(nil, long)
	press(t, m, "r")
	screen := m.View()
	mustContain(t, screen, "fix --url)", "connection refused")
	if h := lipgloss.Height(screen); h != 30 {
		t.Errorf("screen is %d lines with a wrapped error, want 30", h)
	}
}

// The first page may arrive before the terminal reports its size.
func TestDocumentsBeforeTheWindowSize(t *testing.T) {
	m := New(Config{Documents: &fakeDocs{docs: sampleDocs(3)}, Now: func() time.Time { return fixedNow }, Location: testZone})
	m.after = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	run(t, m, m.Init())
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	mustContain(t, m.View(), "report-03.pdf", "3 documents")
}

// At 80 columns the detail pane wraps the sha256 and the upload times
// instead of cutting them, and y copies the selected document's ID.
func TestDocumentsDetailWrapsAt80AndCopies(t *testing.T) {
	var clip bytes.Buffer
	docs := sampleDocs(3)
	m := newTestModel(t, Config{Documents: &fakeDocs{docs: docs}, Clipboard: &clip, ClipboardTmux: true})
	m.Update(teaSize(80, 24))
	run(t, m, m.Init())
	press(t, m, "down", "enter")
	screen := m.View()
	d := docs[1]
	flat := strings.Join(strings.Fields(strings.NewReplacer("│", " ").Replace(screen)), "")
	for _, want := range []string{d.SHA256, "2026-11-27T08:02:00.000000Z", d.ID, "(client'sclaim,untrusted)"} {
		if !strings.Contains(flat, want) {
			t.Errorf("detail pane lost %q at 80 columns:\n%s", want, screen)
		}
	}
	mustFit(t, screen, 80)
	mustContain(t, screen, "? help", "q quit")
	press(t, m, "y")
	// In tmux the sequence goes through its passthrough (DCS tmux; ...).
	if !strings.Contains(clip.String(), base64.StdEncoding.EncodeToString([]byte(d.ID))) || !strings.HasPrefix(clip.String(), "\x1bPtmux;") {
		t.Errorf("clipboard got %q", clip.String())
	}
	mustContain(t, m.View(), "copied "+d.ID)
}
