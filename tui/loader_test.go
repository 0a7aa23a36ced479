package tui

import (
	"context"
	"errors"
	"testing"
)

type panickingFleet struct{}

func (panickingFleet) Fleet(context.Context) (Fleet, error) {
	var g *Group
	return Fleet{Server: &ServerStatus{URL: g.Name}}, nil // nil dereference
}

type panickingDocs struct{}

func (panickingDocs) ListDocuments(context.Context, int, string) (DocumentPage, error) {
	panic("boom")
}

type panickingCosts struct{}

func (panickingCosts) Costs(context.Context) (CostReport, error) {
	panic(errors.New("costs went wrong"))
}

// A panic inside a data source becomes an error in the status line of its
// view; the console keeps running and the other views keep working.
func TestPanickingSourceShowsAnError(t *testing.T) {
	m := newTestModel(t, Config{Documents: panickingDocs{}, Fleet: panickingFleet{}, Costs: panickingCosts{}})
	run(t, m, m.Init())
	if m.loading() {
		t.Error("still loading after every source panicked")
	}
	mustContain(t, m.View(), "error: the data source crashed", "panic: boom")
	press(t, m, "2")
	mustContain(t, m.View(), "the data source crashed", "nil pointer dereference", "Fleet status unavailable")
	press(t, m, "3")
	mustContain(t, m.View(), "panic: costs went wrong", "Costs unavailable")
	if hasQuit(press(t, m, "r")) {
		t.Error("refresh after a panic quit")
	}
}
