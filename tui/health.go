package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
)

// healthView shows the service's last hours as one sparkline per metric
// under a shared, labelled time axis, and the latest scaling activities.
type healthView struct {
	textView[ServiceHealth]
	cfg Config
}

func newHealthView(cfg Config) *healthView {
	v := &healthView{textView: newTextView[ServiceHealth](cfg, "Health", "service health"), cfg: cfg}
	if cfg.Health != nil {
		v.fetch = cfg.Health.Health
	}
	v.missing = Errorf(ProblemOther, nil, "no service health source: start with --outputs (AWS mode)")
	// A part that failed still leaves the others worth drawing.
	v.partial = func(h ServiceHealth) bool { return len(h.Series) > 0 || len(h.Activities) > 0 }
	v.keep = func(h ServiceHealth, err error) bool { return err == nil || v.partial(h) }
	v.content = v.render
	return v
}

// labelW is the width of the metric names column.
const labelW = 19

func (v *healthView) render() string {
	if !v.loaded {
		return v.placeholder()
	}
	h := v.value
	var b strings.Builder
	span := h.End.Sub(h.Start)
	b.WriteString(wrap(titleStyle.Render("Service")+labelStyle.Render(fmt.Sprintf(" last %s, one column per %s (peak of the columns it covers), local time",
		age(span), age(h.Period))), v.width) + "\n")
	if len(h.Failed) > 0 {
		// Parts left out for want of a stack output say why themselves;
		// the status line has more only when a call failed.
		note := "Not fetched: " + strings.Join(h.Failed, ", ")
		if v.err != nil {
			note += " (see the status line)"
		}
		b.WriteString(warnStyle.Render(wrap(note, v.width)) + "\n")
	}
	// Stats take the right; the sparklines get what is left, at most one
	// cell per period.
	const statsW = 22
	n := 0
	for _, s := range h.Series {
		n = max(n, len(s.Values))
	}
	sparkW := min(n, max(v.width-labelW-statsW-2, 8))
	for _, s := range h.Series {
		cols := columns(s.Values, sparkW)
		fmt.Fprintf(&b, "%s %s %s\n", labelStyle.Render(padRight(truncate(s.Label, labelW), labelW)),
			padRight(sparkline(cols), sparkW), seriesStats(s))
	}
	if len(h.Series) > 0 {
		b.WriteString(strings.Repeat(" ", labelW+1) + timeAxis(h.Start, h.End, sparkW, v.cfg.Location) + "\n")
	}
	b.WriteString("\n" + titleStyle.Render("Scaling activities") + labelStyle.Render(" (latest first)") + "\n")
	if len(h.Activities) == 0 {
		if slices.Contains(h.Failed, "scaling activities") {
			b.WriteString(warnStyle.Render("not fetched (see the status line)"))
		} else {
			b.WriteString(labelStyle.Render("none recorded"))
		}
		return b.String()
	}
	for _, a := range h.Activities {
		line := fmt.Sprintf("%s  %-10s %s", a.Start.In(v.cfg.Location).Format("01-02 15:04"), a.Status, a.Description)
		if a.Status != "Successful" && a.Status != "InProgress" {
			line = warnStyle.Render(line)
		}
		b.WriteString(wrap(line, v.width) + "\n")
		if a.Cause != "" {
			b.WriteString(labelStyle.Render(indent(wrap(a.Cause, max(v.width-4, 10)), "    ")) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// seriesStats is the right-hand column: the last value and the peak, or the
// total for counts; a Bad series with anything above zero is flagged.
func seriesStats(s Series) string {
	last, peak, sum, seen := math.NaN(), math.NaN(), 0.0, false
	for _, x := range s.Values {
		if math.IsNaN(x) {
			continue
		}
		last, seen = x, true
		sum += x
		if math.IsNaN(peak) || x > peak {
			peak = x
		}
	}
	if !seen {
		return labelStyle.Render("no data")
	}
	text := fmt.Sprintf("last %s max %s %s", num(last), num(peak), s.Unit)
	if s.Unit == "req" || s.Unit == "err" || s.Unit == "thr" {
		text = fmt.Sprintf("total %s max %s/col", num(sum), num(peak))
	}
	if s.Bad && peak > 0 {
		return warnStyle.Render("! " + text)
	}
	return text
}

// num prints a value in at most 5 cells: 0, 7, 12.5, 1234, 12.3k.
func num(x float64) string {
	switch {
	case x >= 100000:
		return fmt.Sprintf("%.0fk", x/1000)
	case x >= 10000:
		return fmt.Sprintf("%.1fk", x/1000)
	case x == math.Trunc(x) || x >= 100:
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.1f", x)
}

// columns folds values into at most width columns, each the peak of the
// values it covers (a spike is never averaged away); NaN when all are.
func columns(values []float64, width int) []float64 {
	if width <= 0 || len(values) == 0 {
		return nil
	}
	if len(values) <= width {
		return values
	}
	out := make([]float64, width)
	for i := range out {
		lo, hi := i*len(values)/width, (i+1)*len(values)/width
		out[i] = math.NaN()
		for _, x := range values[lo:hi] {
			if !math.IsNaN(x) && (math.IsNaN(out[i]) || x > out[i]) {
				out[i] = x
			}
		}
	}
	return out
}

// sparkline draws each value as an eighth block scaled to the peak: ' ' is
// no data, '▁' is zero (or the lowest eighth), '█' the peak.
func sparkline(values []float64) string {
	blocks := []rune("▁▂▃▄▅▆▇█")
	peak := 0.0
	for _, x := range values {
		if !math.IsNaN(x) {
			peak = math.Max(peak, x)
		}
	}
	var b strings.Builder
	for _, x := range values {
		switch {
		case math.IsNaN(x):
			b.WriteRune(' ')
		case peak == 0:
			b.WriteRune(blocks[0])
		default:
			b.WriteRune(blocks[min(int(x/peak*float64(len(blocks)-1)+0.5), len(blocks)-1)])
		}
	}
	return b.String()
}

// timeAxis labels the sparklines' columns: the start time on the left, the
// end on the right, and the hours between where they fit.
func timeAxis(start, end time.Time, width int, loc *time.Location) string {
	if width < 12 {
		return ""
	}
	axis := []rune(strings.Repeat("─", width))
	put := func(at int, label string) {
		r := []rune(label)
		if at < 0 || at+len(r) > len(axis) {
			return
		}
		copy(axis[at:], r)
	}
	left, right := start.In(loc).Format("15:04"), end.In(loc).Format("15:04")
	put(0, left)
	put(width-len(right), right)
	span := end.Sub(start)
	for t := start.Truncate(time.Hour).Add(time.Hour); t.Before(end); t = t.Add(time.Hour) {
		at := int(float64(t.Sub(start)) / float64(span) * float64(width))
		label := t.In(loc).Format("15:04")
		if at > len(left)+1 && at+len(label) < width-len(right)-1 {
			put(at, label)
		}
	}
	return string(axis)
}

func padRight(s string, width int) string {
	return s + strings.Repeat(" ", max(width-lipgloss.Width(s), 0))
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
