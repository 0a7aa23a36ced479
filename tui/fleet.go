package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/table"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// fleetView shows the local server's status as text, or the Auto Scaling
// Group as a summary over a selectable instance table whose `enter` opens a
// pane with every field of the selected instance.
type fleetView struct {
	textView[Fleet]
	cfg  Config
	keys fleetKeys

	table  table.Model
	rows   []fleetRow
	detail bool
	height int
}

// fleetRow is one table row: a group instance, or a registered target that
// is not in the group.
type fleetRow struct {
	inst    Instance
	inGroup bool
}

type fleetKeys struct{ Up, Down, Detail, Back key.Binding }

func newFleetView(cfg Config) *fleetView {
	v := &fleetView{textView: newTextView[Fleet](cfg, "Fleet", "fleet status"), cfg: cfg, table: newSelectTable(), keys: fleetKeys{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Detail: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "instance details")),
		Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close details")),
	}}
	if cfg.Fleet != nil {
		v.fetch = cfg.Fleet.Fleet
	}
	v.missing = Errorf(ProblemOther, nil, "no fleet source: start with --url (local) or --outputs (aws)")
	// A local server that is down still has a status worth drawing
	// (reachable: no); a group read before another call failed is current
	// as far as it goes; any other failure keeps the last good picture.
	v.keep = func(f Fleet, err error) bool { return err == nil || f.Server != nil || f.Group != nil }
	v.partial = func(f Fleet) bool { return f.Group != nil }
	v.content = v.render
	v.setColumns()
	return v
}

// group is the group on screen, nil in local mode or before the first answer.
func (v *fleetView) group() *Group {
	if !v.loaded {
		return nil
	}
	return v.value.Group
}

func (v *fleetView) ShortHelp() []key.Binding {
	if v.group() == nil {
		return v.scrollPane.ShortHelp()
	}
	return []key.Binding{v.keys.Detail, copyKey}
}

func (v *fleetView) FullHelp() [][]key.Binding {
	if v.group() == nil {
		return v.scrollPane.FullHelp()
	}
	return [][]key.Binding{{v.keys.Up, v.keys.Down, v.keys.Detail, v.keys.Back, copyKey}}
}

func (v *fleetView) Update(msg tea.Msg) tea.Cmd {
	k, isKey := msg.(tea.KeyMsg)
	if !isKey || v.group() == nil {
		cmd := v.textView.Update(msg)
		v.setRows()
		return cmd
	}
	switch {
	case key.Matches(k, v.keys.Detail):
		v.detail = !v.detail && len(v.rows) > 0
	case key.Matches(k, v.keys.Back):
		v.detail = false
	case key.Matches(k, copyKey):
		if r, ok := v.selected(); ok {
			return copyCmd(v.cfg.Clipboard, v.cfg.ClipboardTmux, r.inst.ID)
		}
		return nil
	default:
		var cmd tea.Cmd
		v.table, cmd = v.table.Update(k)
		v.markCursor()
		v.layout()
		return cmd
	}
	v.layout()
	return nil
}

func (v *fleetView) selected() (fleetRow, bool) {
	c := v.table.Cursor()
	if c < 0 || c >= len(v.rows) {
		return fleetRow{}, false
	}
	return v.rows[c], true
}

func (v *fleetView) SetSize(width, height int) {
	v.height = height
	v.textView.SetSize(width, height)
	v.setColumns()
	v.layout()
}

// setColumns gives the reason column what the fixed ones leave (at least 6
// cells: `enter` shows it whole).
func (v *fleetView) setColumns() {
	cols := []table.Column{
		{Title: "Instance", Width: 21}, {Title: "AZ", Width: 10}, {Title: "Lifecycle", Width: 11},
		{Title: "Health", Width: 7}, {Title: "LT", Width: 3}, {Title: "Target", Width: 9}, {Title: "Reason"},
	}
	used := 0
	for _, c := range cols {
		used += c.Width + 2
	}
	cols[len(cols)-1].Width = max(v.width-used-2, 6)
	v.table.SetColumns(cols)
	v.table.SetWidth(v.width)
}

// setRows rebuilds the rows from the group on screen, keeping the selected
// instance selected.
func (v *fleetView) setRows() {
	g := v.group()
	if g == nil {
		v.rows, v.detail = nil, false
		v.table.SetRows(nil)
		return
	}
	prev, _ := v.selected()
	v.rows = v.rows[:0]
	for _, in := range g.Instances {
		v.rows = append(v.rows, fleetRow{inst: in, inGroup: true})
	}
	for _, t := range g.UnknownTargets {
		v.rows = append(v.rows, fleetRow{inst: Instance{ID: t.ID, Target: t}})
	}
	cursor := 0
	for i, r := range v.rows {
		if r.inst.ID == prev.inst.ID {
			cursor = i
		}
	}
	v.table.SetRows(v.tableRows(cursor))
	v.table.SetCursor(cursor)
	if len(v.rows) == 0 {
		v.detail = false
	}
	v.layout()
}

func (v *fleetView) markCursor() {
	c := v.table.Cursor()
	v.table.SetRows(v.tableRows(c))
	v.table.SetCursor(c)
}

func (v *fleetView) tableRows(cursor int) []table.Row {
	g := v.group()
	rows := make([]table.Row, len(v.rows))
	for i, r := range v.rows {
		in := r.inst
		if !r.inGroup {
			rows[i] = table.Row{selectMark(i == cursor) + in.ID, "-", "not in ASG", "-", "-", orDash(in.Target.State), in.Target.Reason}
			continue
		}
		rows[i] = table.Row{selectMark(i == cursor) + in.ID, in.AvailabilityZone, in.LifecycleState, in.HealthStatus,
			orDash(in.LaunchTemplateVersion), targetState(in.Target, g), in.Target.Reason}
	}
	return rows
}

// targetState is the load balancer's view, "unknown" when target health
// could not be read and "unregistered" when the instance is not a target.
func targetState(t Target, g *Group) string {
	switch {
	case g.Missing(PartTargetHealth):
		return "unknown"
	case t.State == "":
		return "unregistered"
	}
	return t.State
}

// layout sizes the table to what the summary and the detail pane leave.
func (v *fleetView) layout() {
	g := v.group()
	if g == nil {
		return
	}
	h := v.height - lipgloss.Height(v.summary(*g)) - 2 // blank line and the health line
	v.table.SetHeight(max(min(h, len(v.rows)+2), 3))
}

// View draws local mode as scrollable text; a group as summary, table,
// detail pane and the health line.
func (v *fleetView) View() string {
	g := v.group()
	if g == nil {
		return v.textView.View()
	}
	if v.detail {
		// The pane replaces the list, as k9s' describe does: at 80x24 the
		// two do not fit together, and esc is one key back.
		return titleStyle.Render("Instance ") + labelStyle.Render("of "+g.Name+" (esc: back to the list)") + "\n" + v.detailView()
	}
	parts := []string{v.summary(*g)}
	if len(v.rows) == 0 {
		return strings.Join(append(parts, warnStyle.Render("No instances in the group.")), "\n")
	}
	parts = append(parts, v.table.View())
	return strings.Join(append(parts, "", v.healthLine(*g)), "\n")
}

// launched is the instance's launch time and age, or why it is unknown.
func (v *fleetView) launched(in Instance, g *Group) string {
	switch {
	case g.Missing(PartLaunchTimes):
		return "unknown: ec2:DescribeInstances failed (see the status line)"
	case in.LaunchTime.IsZero():
		return "-"
	}
	return in.LaunchTime.In(v.cfg.Location).Format("2006-01-02 15:04:05 MST") + " (" + age(v.cfg.Now().Sub(in.LaunchTime)) + " ago)"
}

// detailView shows every field of the selected instance, wrapped.
func (v *fleetView) detailView() string {
	r, ok := v.selected()
	if !ok {
		return ""
	}
	in, g := r.inst, v.group()
	rows := [][2]string{{"instance", in.ID}}
	if r.inGroup {
		rows = append(rows,
			[2]string{"zone", in.AvailabilityZone},
			[2]string{"lifecycle", in.LifecycleState},
			[2]string{"ASG health", in.HealthStatus},
			[2]string{"launch tmpl", strings.TrimSpace(orDash(g.LaunchTemplate) + " " + versionLabel(in.LaunchTemplateVersion))},
			[2]string{"launched", v.launched(in, g)})
	} else {
		rows = append(rows, [2]string{"group", "not in the group: a registered target the group no longer has"})
	}
	rows = append(rows,
		[2]string{"target state", targetState(in.Target, g)},
		[2]string{"reason code", orDash(in.Target.Reason)},
		[2]string{"description", orDash(in.Target.Description)})
	return fieldsPane(rows, v.width)
}

func (v *fleetView) render() string {
	switch {
	case !v.loaded:
		return v.placeholder()
	case v.value.Server != nil:
		return v.serverContent(*v.value.Server)
	case v.value.Group != nil:
		return "" // drawn by View: summary, table, detail
	}
	return "No fleet reported."
}

func (v *fleetView) serverContent(s ServerStatus) string {
	reach := okStyle.Render("yes")
	if !s.Reachable {
		reach = errorStyle.Render("no")
	}
	rows := [][2]string{
		{"server", s.URL},
		{"reachable", reach},
		{"version", orDash(s.Version)},
		{"store", orDash(s.Store)},
		{"latency", latency(s)},
	}
	if s.Problem != "" {
		rows = append(rows, [2]string{"problem", s.Problem})
	}
	var b strings.Builder
	b.WriteString(titleStyle.Render("Local server") + labelStyle.Render(" (GET /status)") + "\n\n")
	for _, r := range rows {
		b.WriteString(labelStyle.Render(fmt.Sprintf("%-11s", r[0])) + truncate(r[1], max(v.width-11, 10)) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func latency(s ServerStatus) string {
	if !s.Reachable && s.Latency == 0 {
		return "-"
	}
	return s.Latency.Round(100 * time.Microsecond).String()
}

// summary is the group's lines above the instance table.
func (v *fleetView) summary(g Group) string {
	var b strings.Builder
	b.WriteString(titleStyle.Render("Auto Scaling Group ") + g.Name + "\n")
	b.WriteString(wrap(fmt.Sprintf("%s %d   %s %d   %s %d   %s %s",
		labelStyle.Render("desired"), g.Desired, labelStyle.Render("min"), g.Min,
		labelStyle.Render("max"), g.Max, labelStyle.Render("launch template"),
		orDash(strings.TrimSpace(g.LaunchTemplate+" "+versionLabel(g.TemplateVersion)))), v.width) + "\n")
	refresh := refreshLine(g.Refresh, v.cfg.Location)
	if g.Missing(PartInstanceRefresh) {
		refresh = warnStyle.Render("unknown: its call failed (see the status line)")
	}
	b.WriteString(wrap(labelStyle.Render("instance refresh ")+refresh, v.width) + "\n")
	b.WriteString(labelStyle.Render("target group ") + truncate(orDash(arnResource(g.TargetGroupARN)), max(v.width-13, 10)))
	return b.String()
}

// arnResource is the part of an ARN after its account ("targetgroup/name/id"):
// what names the resource, short enough for 80 columns.
func arnResource(arn string) string {
	if parts := strings.SplitN(arn, ":", 6); len(parts) == 6 {
		return parts[5]
	}
	return arn
}

// healthLine counts the instances the target group reports healthy.
func (v *fleetView) healthLine(g Group) string {
	if g.Missing(PartTargetHealth) {
		return warnStyle.Render("Target health unknown: its call failed (see the status line).")
	}
	healthy := 0
	for _, in := range g.Instances {
		if in.Target.State == "healthy" {
			healthy++
		}
	}
	summary := fmt.Sprintf("%d of %d instances healthy in the target group", healthy, len(g.Instances))
	if healthy < g.Desired {
		return warnStyle.Render(summary)
	}
	return okStyle.Render(summary)
}

func versionLabel(v string) string {
	if v == "" {
		return ""
	}
	return "v" + v
}

func refreshLine(r *InstanceRefresh, loc *time.Location) string {
	if r == nil {
		return "none"
	}
	s := fmt.Sprintf("%s %d%%", r.Status, r.PercentComplete)
	if r.InstancesToUpdate > 0 {
		s += fmt.Sprintf(", %d to update", r.InstancesToUpdate)
	}
	if !r.StartTime.IsZero() {
		s += ", started " + r.StartTime.In(loc).Format("2006-01-02 15:04")
	}
	if r.StatusReason != "" {
		s += " (" + r.StatusReason + ")"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
