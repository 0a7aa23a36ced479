package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
)

// fleetMsg carries one fleet fetch; seq identifies the refresh it answers.
type fleetMsg struct {
	seq   int
	fleet Fleet
	err   error
	at    time.Time
}

type fleetKeys struct{ Up, Down, PageUp, PageDown key.Binding }

// fleetView shows the local server's status, or the Auto Scaling Group and
// its instances joined with their load-balancer target health.
type fleetView struct {
	cfg     Config
	keys    fleetKeys
	seq     int
	loading bool
	err     error
	last    time.Time
	fleet   Fleet
	loaded  bool
	vp      viewport.Model
	width   int
}

func newFleetView(cfg Config) *fleetView {
	return &fleetView{cfg: cfg, vp: viewport.New(0, 0), keys: fleetKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", " ", "f"), key.WithHelp("pgdn/f", "page down")),
	}}
}

func (v *fleetView) Title() string          { return "Fleet" }
func (v *fleetView) Loading() bool          { return v.loading }
func (v *fleetView) Err() error             { return v.err }
func (v *fleetView) LastRefresh() time.Time { return v.last }
func (v *fleetView) Capturing() bool        { return false }
func (v *fleetView) ShortHelp() []key.Binding {
	return []key.Binding{v.keys.Up, v.keys.Down, v.keys.PageDown}
}
func (v *fleetView) FullHelp() [][]key.Binding {
	return [][]key.Binding{{v.keys.Up, v.keys.Down, v.keys.PageUp, v.keys.PageDown}}
}

func (v *fleetView) Refresh() tea.Cmd {
	if v.cfg.Fleet == nil {
		v.err = Errorf(ProblemOther, nil, "no fleet source: start with --url (local) or --outputs (aws)")
		return nil
	}
	v.seq++
	v.loading = true
	seq, src, timeout, now := v.seq, v.cfg.Fleet, v.cfg.RequestTimeout, v.cfg.Now
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		f, err := src.Fleet(ctx)
		return fleetMsg{seq: seq, fleet: f, err: err, at: now()}
	}
}

func (v *fleetView) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case fleetMsg:
		if msg.seq != v.seq {
			return nil
		}
		v.loading = false
		v.last = msg.at
		v.err = msg.err
		// A local server that is down still has a status worth drawing
		// (reachable: no); an AWS failure keeps the last good picture.
		if msg.err == nil || msg.fleet.Server != nil {
			v.fleet = msg.fleet
			v.loaded = true
		}
		v.vp.SetContent(v.content())
		return nil
	case tea.KeyMsg:
		var cmd tea.Cmd
		v.vp, cmd = v.vp.Update(msg)
		return cmd
	}
	return nil
}

func (v *fleetView) SetSize(width, height int) {
	v.width = width
	v.vp.Width, v.vp.Height = width, height
	v.vp.SetContent(v.content())
}

func (v *fleetView) View() string { return v.vp.View() }

func (v *fleetView) content() string {
	switch {
	case !v.loaded && v.err != nil:
		return "Fleet status unavailable (see the status line)."
	case !v.loaded:
		return "Loading fleet status..."
	case v.fleet.Server != nil:
		return v.serverContent(*v.fleet.Server)
	case v.fleet.Group != nil:
		return v.groupContent(*v.fleet.Group)
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

func (v *fleetView) groupContent(g Group) string {
	var b strings.Builder
	b.WriteString(titleStyle.Render("Auto Scaling Group ") + g.Name + "\n")
	fmt.Fprintf(&b, "%s %d   %s %d   %s %d   %s %s\n",
		labelStyle.Render("desired"), g.Desired, labelStyle.Render("min"), g.Min,
		labelStyle.Render("max"), g.Max, labelStyle.Render("launch template"),
		orDash(strings.TrimSpace(g.LaunchTemplate+" "+versionLabel(g.TemplateVersion))))
	b.WriteString(labelStyle.Render("instance refresh ") + refreshLine(g.Refresh, v.cfg.Location) + "\n")
	b.WriteString(labelStyle.Render("target group ") + truncate(orDash(g.TargetGroupARN), max(v.width-13, 10)) + "\n\n")

	healthy := 0
	gr := grid{headers: []string{"Instance", "AZ", "Lifecycle", "Health", "LT ver", "Target", "Reason"}, flex: 6}
	for _, in := range g.Instances {
		state := orDash(in.Target.State)
		if in.Target.State == "" {
			state = "unregistered"
		}
		if in.Target.State == "healthy" {
			healthy++
		}
		gr.rows = append(gr.rows, []string{in.ID, in.AvailabilityZone, in.LifecycleState, in.HealthStatus,
			orDash(in.LaunchTemplateVersion), state, reason(in.Target)})
	}
	for _, t := range g.UnknownTargets {
		gr.rows = append(gr.rows, []string{t.ID, "-", "not in group", "-", "-", orDash(t.State), reason(t)})
	}
	if len(gr.rows) == 0 {
		b.WriteString(warnStyle.Render("No instances in the group."))
		return b.String()
	}
	b.WriteString(gr.render(v.width) + "\n\n")
	summary := fmt.Sprintf("%d of %d instances healthy in the target group", healthy, len(g.Instances))
	if healthy < g.Desired {
		b.WriteString(warnStyle.Render(summary))
	} else {
		b.WriteString(okStyle.Render(summary))
	}
	return b.String()
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

func reason(t Target) string {
	if t.Reason == "" {
		return ""
	}
	if t.Description == "" {
		return t.Reason
	}
	return t.Reason + ": " + t.Description
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
