package tui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
)

// costsView shows the configured profile's modelled monthly cost line by
// line beside the seed topology, and in AWS mode the observed NAT and
// interface-endpoint spend of the last days with the month's projection.
type costsView struct {
	textView[CostReport]
	cfg Config
}

func newCostsView(cfg Config) *costsView {
	v := &costsView{textView: newTextView[CostReport](cfg, "Costs", "costs"), cfg: cfg}
	if cfg.Costs != nil {
		v.fetch = cfg.Costs.Costs
	}
	v.missing = Errorf(ProblemOther, nil, "no cost source: the console was built without a cost model")
	// A failed CloudWatch call still returns the model; keep whatever came
	// back, and the previous report when nothing did.
	v.keep = func(r CostReport, _ error) bool { return len(r.Profile.Lines) > 0 }
	v.partial = func(r CostReport) bool { return len(r.Profile.Lines) > 0 }
	v.content = v.render
	return v
}

func (v *costsView) render() string {
	if !v.loaded {
		if v.err != nil || v.loading || v.last.IsZero() {
			return v.placeholder()
		}
		// An answer without an error and without line items: say so rather
		// than look busy forever.
		return warnStyle.Width(max(v.width, 20)).Render(fmt.Sprintf("The cost source returned no line items for the %q model: check --model / DOCMETA_PROFILE "+
			"and the DOCMETA_* settings it is priced from, then press r.", v.cfg.Model))
	}
	parts := []string{v.modelContent()}
	if o := v.value.Observed; o != nil {
		parts = append(parts, v.observedContent(*o))
	} else if v.cfg.Mode == "aws" {
		parts = append(parts, warnStyle.Render(wrap("Observed NAT / endpoint spend: not fetched (see the status line); the model above is current.", v.width)))
	} else {
		parts = append(parts, labelStyle.Render("Observed NAT / endpoint spend: AWS mode only (start with --outputs)."))
	}
	return strings.Join(parts, "\n\n")
}

func money(x float64) string { return fmt.Sprintf("$%.2f", x) }

// modelContent lists every line item of the profile beside the seed's: rows
// are matched by item name, profile lines first, seed-only lines after.
func (v *costsView) modelContent() string {
	p, s := v.value.Profile, v.value.Seed
	type pair struct {
		item   string
		pq, sq string
		pm, sm *float64
	}
	var rows []*pair
	byKey := map[string]*pair{}
	id := func(l CostLine) string {
		if l.Key != "" {
			return l.Key
		}
		return l.Item
	}
	for _, l := range p.Lines {
		l := l
		r := &pair{item: l.Item, pq: l.Quantity, pm: &l.Monthly}
		rows = append(rows, r)
		byKey[id(l)] = r
	}
	for _, l := range s.Lines {
		l := l
		if r, ok := byKey[id(l)]; ok && r.sm == nil {
			r.sq, r.sm = l.Quantity, &l.Monthly
			continue
		}
		rows = append(rows, &pair{item: l.Item, sq: l.Quantity, sm: &l.Monthly})
	}
	cell := func(m *float64) string {
		if m == nil {
			return "-"
		}
		return money(*m)
	}
	g := grid{headers: []string{"Line item", p.Name + " qty", p.Name + " $/mo", s.Name + " qty", s.Name + " $/mo"}, flex: 0}
	// Usage-priced lines cost nothing at idle in both profiles: one row
	// counts them, so the real model's lines fit beside the chart at 120x40
	// (`make cost` lists them all).
	var idle []string
	for _, r := range rows {
		if zero(r.pm) && zero(r.sm) {
			idle = append(idle, r.item)
			continue
		}
		g.rows = append(g.rows, []string{r.item, orDash(r.pq), cell(r.pm), orDash(r.sq), cell(r.sm)})
	}
	if len(idle) > 0 {
		g.rows = append(g.rows, []string{fmt.Sprintf("+%d lines at $0 idle", len(idle)), "usage-priced", money(0), "usage-priced", money(0)})
	}
	g.rows = append(g.rows, []string{"Total", "", money(p.Total()), "", money(s.Total())})

	var b strings.Builder
	b.WriteString(wrap(titleStyle.Render("Cost model")+labelStyle.Render(fmt.Sprintf(" %s, prices as of %s (idle, per month)", orDash(p.Region), orDash(p.PricesAsOf))), v.width) + "\n")
	b.WriteString(g.render(v.width) + "\n")
	b.WriteString(wrap(comparison(p, s), v.width))
	return b.String()
}

func zero(m *float64) bool { return m == nil || *m == 0 }

// comparison is the one-line verdict, in the form `make cost` prints.
func comparison(p, s CostModel) string {
	pt, st := p.Total(), s.Total()
	line := fmt.Sprintf("%s vs %s: %s vs %s per month", p.Name, s.Name, money(pt), money(st))
	if st > 0 {
		diff := (st - pt) / st * 100
		if diff >= 0 {
			line += fmt.Sprintf(" (%.0f%% less)", diff)
		} else {
			line += fmt.Sprintf(" (%.0f%% more)", -diff)
		}
	}
	return line
}

// observedContent draws the daily NAT + endpoint spend as a bar chart and
// projects the month; with no NAT gateway it says so and shows the saving.
func (v *costsView) observedContent(o ObservedSpend) string {
	var b strings.Builder
	p, s := v.value.Profile, v.value.Seed
	// Every line wraps at the view's width: the screen cuts what is wider.
	line := func(s string) { b.WriteString(wrap(s, v.width) + "\n") }
	line(titleStyle.Render("Observed spend") + labelStyle.Render(fmt.Sprintf(" last %d days (CloudWatch AWS/NATGateway bytes + interface-endpoint hours)", len(o.Days))))
	if len(o.NATGatewayIDs) == 0 {
		saved := s.TotalOf(KindNAT) - p.TotalOf(KindNAT)
		line(okStyle.Render(fmt.Sprintf("No NAT gateway in this stack: %s per month saved against the seed's NAT lines (%s).",
			money(saved), money(s.TotalOf(KindNAT)))))
	} else {
		line(labelStyle.Render("NAT gateways: ") + strings.Join(o.NATGatewayIDs, ", "))
	}
	if n := len(o.NATGatewayIDs); n != p.NATGateways {
		b.WriteString(warnStyle.Width(max(v.width, 20)).Render(fmt.Sprintf("The %s model prices %d NAT gateway(s) but the stack reports %d: run the console with the DOCMETA_* settings the stack was deployed with (e.g. DOCMETA_NAT_MODE).",
			p.Name, p.NATGateways, n)) + "\n")
	}
	v.endpointContent(&b, o)
	if len(o.Days) == 0 {
		b.WriteString("No data points yet.")
		return b.String()
	}
	b.WriteString(barChart(o.Days, 8, v.width))
	var bytes, sum float64
	for _, d := range o.Days {
		bytes += d.NATBytes
		sum += d.Dollars()
	}
	line(fmt.Sprintf("%s %s/day (NAT %s/day, endpoints %s/day) · NAT data %s in %d days", labelStyle.Render("Mean:"),
		money(sum/float64(len(o.Days))), money(meanOf(o.Days, func(d DailySpend) float64 { return d.NATDollars })),
		money(meanOf(o.Days, func(d DailySpend) float64 { return d.EndpointDollars })), gb(bytes), len(o.Days)))
	pr := projectMonth(o.Days, v.cfg.Now())
	line(fmt.Sprintf("%s %s projected %s = %s observed on %d days + %s/day (mean of the last %d) x %d other days",
		labelStyle.Render("Month:"), v.cfg.Now().UTC().Format("January"), money(pr.projected), money(pr.observed),
		pr.observedDays, money(pr.mean), pr.meanDays, pr.otherDays))
	return strings.TrimSuffix(b.String(), "\n")
}

// endpointContent lists the deployed interface endpoints and warns when
// their number differs from the model's. The endpoint hours stay priced from
// the model's endpoint-AZs: the stack outputs name endpoints, not the AZs
// each is placed in, so a mismatch is flagged rather than guessed at.
func (v *costsView) endpointContent(b *strings.Builder, o ObservedSpend) {
	p := v.value.Profile
	priced := labelStyle.Render(fmt.Sprintf(" · hours priced from the %s model's %d endpoint-AZs", p.Name, p.InterfaceEndpointAZs))
	if o.InterfaceEndpointIDs == nil {
		b.WriteString(wrap(labelStyle.Render("Interface endpoints: not in the outputs (redeploy to list them)")+priced, v.width) + "\n")
		return
	}
	ids := "none"
	if len(o.InterfaceEndpointIDs) > 0 {
		ids = strings.Join(o.InterfaceEndpointIDs, ", ")
	}
	b.WriteString(wrap(labelStyle.Render("Interface endpoints: ")+ids+priced, v.width) + "\n")
	if n := len(o.InterfaceEndpointIDs); n != p.InterfaceEndpoints {
		b.WriteString(warnStyle.Width(max(v.width, 20)).Render(fmt.Sprintf("The %s model prices %d interface endpoint(s) but the stack reports %d, so the hours below may be off: "+
			"set DOCMETA_INTERFACE_ENDPOINTS and DOCMETA_ENDPOINT_AZ_COUNT as deployed.",
			p.Name, p.InterfaceEndpoints, n)) + "\n")
	}
}

func gb(bytes float64) string { return fmt.Sprintf("%.2f GB", bytes/1e9) }

// projection is the month's estimate: the days of now's month inside the
// observed window as measured, every other day of the month at the mean of
// the last (up to) seven observed days.
type projection struct {
	observed, mean, projected         float64
	observedDays, meanDays, otherDays int
}

func projectMonth(days []DailySpend, now time.Time) projection {
	var p projection
	y, mo, _ := now.UTC().Date()
	for _, d := range days {
		if dy, dm, _ := d.Day.UTC().Date(); dy == y && dm == mo {
			p.observed += d.Dollars()
			p.observedDays++
		}
	}
	tail := days[max(len(days)-7, 0):]
	for _, d := range tail {
		p.mean += d.Dollars()
	}
	p.meanDays = len(tail)
	p.mean /= float64(p.meanDays)
	daysInMonth := time.Date(y, mo+1, 0, 0, 0, 0, 0, time.UTC).Day()
	p.otherDays = max(daysInMonth-p.observedDays, 0)
	p.projected = p.observed + p.mean*float64(p.otherDays)
	return p
}

func meanOf(days []DailySpend, f func(DailySpend) float64) float64 {
	var t float64
	for _, d := range days {
		t += f(d)
	}
	return t / float64(len(days))
}

// barChart draws one vertical bar per day, height rows tall, scaled to the
// peak day: the interface-endpoint part at the bottom (░), the NAT part
// above it (█), with an eighth-block top so small differences still show.
// Bars are two cells wide with a gap while width allows, then narrower; day
// labels that would touch are left out, and the legend moves under the
// chart when it does not fit beside the labels.
func barChart(days []DailySpend, height, width int) string {
	peak := 0.0
	for _, d := range days {
		peak = math.Max(peak, d.Dollars())
	}
	eighths := []rune(" ▁▂▃▄▅▆▇█")
	top, bottom := money(peak), "$0"
	axisW := max(len(top), len(bottom))
	cellW := 3 // a gap and a two-cell bar
	for cellW > 1 && axisW+2+cellW*len(days) > width {
		cellW--
	}
	bar := func(c rune) string {
		switch cellW {
		case 3:
			return " " + string(c) + string(c)
		case 2:
			return " " + string(c)
		}
		return string(c)
	}
	scale := func(x float64) float64 {
		if peak == 0 {
			return 0
		}
		return x / peak * float64(height)
	}
	var b strings.Builder
	for row := height; row >= 1; row-- {
		label := ""
		switch row {
		case height:
			label = top
		case 1:
			label = bottom
		}
		fmt.Fprintf(&b, "%*s │", axisW, label)
		for _, d := range days {
			total, endpoints := scale(d.Dollars()), scale(d.EndpointDollars)
			var cell rune
			switch {
			case float64(row) <= endpoints:
				cell = '░'
			case float64(row) <= total:
				cell = '█'
			case total > float64(row-1):
				cell = eighths[int(math.Round((total-float64(row-1))*8))]
			default:
				cell = ' '
			}
			b.WriteString(bar(cell))
		}
		b.WriteString("\n")
	}
	b.WriteString(strings.Repeat(" ", axisW) + " └" + strings.Repeat("─", cellW*len(days)) + "\n")
	// Each day's number ends where its bar ends, if a space separates it
	// from the previous number.
	labels := []rune(strings.Repeat(" ", cellW*len(days)))
	next := 0
	for i, d := range days {
		at := max((i+1)*cellW-2, 0)
		if at < next || at+2 > len(labels) {
			continue
		}
		copy(labels[at:], []rune(fmt.Sprintf("%02d", d.Day.Day())))
		next = at + 3
	}
	axis := strings.Repeat(" ", axisW+2) + strings.TrimRight(string(labels), " ")
	legend := fmt.Sprintf("(%s, UTC days)   ██ NAT  ░░ interface endpoints", days[0].Day.Format("Jan 2006"))
	if lipgloss.Width(axis)+2+lipgloss.Width(legend) <= width {
		return b.String() + axis + "  " + legend + "\n"
	}
	return b.String() + axis + "\n" + wrap(legend, width) + "\n"
}
