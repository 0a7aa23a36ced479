package tui

import (
	"fmt"
	"strings"
	"time"
)

// fleetView shows the local server's status, or the Auto Scaling Group and
// its instances joined with their load-balancer target health.
type fleetView struct {
	textView[Fleet]
	cfg Config
}

func newFleetView(cfg Config) *fleetView {
	v := &fleetView{textView: newTextView[Fleet](cfg, "Fleet"), cfg: cfg}
	if cfg.Fleet != nil {
		v.fetch = cfg.Fleet.Fleet
	}
	v.missing = Errorf(ProblemOther, nil, "no fleet source: start with --url (local) or --outputs (aws)")
	// A local server that is down still has a status worth drawing
	// (reachable: no); an AWS failure keeps the last good picture.
	v.keep = func(f Fleet, err error) bool { return err == nil || f.Server != nil }
	v.content = v.render
	return v
}

func (v *fleetView) render() string {
	switch {
	case !v.loaded && v.err != nil:
		return "Fleet status unavailable (see the status line)."
	case !v.loaded:
		return "Loading fleet status..."
	case v.value.Server != nil:
		return v.serverContent(*v.value.Server)
	case v.value.Group != nil:
		return v.groupContent(*v.value.Group)
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
