package tui

import (
	"context"
	"slices"
	"time"

	"github.com/docmeta/docmeta/backend"
)

// DocumentPage is one newest-first page of document metadata. NextCursor is
// empty on the last page.
type DocumentPage struct {
	Documents  []backend.Document
	NextCursor string
}

// DocumentsSource lists uploaded documents through the service's cursor API.
type DocumentsSource interface {
	// ListDocuments returns up to limit documents starting at cursor (empty
	// for the newest page).
	ListDocuments(ctx context.Context, limit int, cursor string) (DocumentPage, error)
}

// FleetSource reports the health of whatever serves the API: the local
// server's /status, or the Auto Scaling Group behind the load balancer.
type FleetSource interface {
	Fleet(ctx context.Context) (Fleet, error)
}

// Fleet is either a local server's status or a deployed group; exactly one of
// Server and Group is set.
type Fleet struct {
	Server *ServerStatus
	Group  *Group
}

// ServerStatus is what GET /status said, and how quickly.
type ServerStatus struct {
	URL       string
	Reachable bool
	Version   string
	Store     string
	Latency   time.Duration
	// Problem says why the server is not reachable or not healthy.
	Problem string
}

// Group is an Auto Scaling Group joined with its target group's health.
type Group struct {
	Name              string
	Desired, Min, Max int
	LaunchTemplate    string
	TemplateVersion   string
	TargetGroupARN    string
	// Refresh is the most recent instance refresh, nil if there never was one.
	Refresh   *InstanceRefresh
	Instances []Instance
	// UnknownTargets are registered targets that are not instances of the
	// group (for example an instance already terminated by the group).
	UnknownTargets []Target
	// Failed names the parts that could not be fetched (PartInstanceRefresh,
	// PartTargetHealth, PartLaunchTimes); the rest of the group is current.
	Failed []string
}

// Parts of a Group fetched by calls of their own.
const (
	PartInstanceRefresh = "instance refresh"
	PartTargetHealth    = "target health"
	PartLaunchTimes     = "launch times"
)

// Missing reports whether part could not be fetched.
func (g Group) Missing(part string) bool { return slices.Contains(g.Failed, part) }

// InstanceRefresh is the state of one rolling replacement of the group.
type InstanceRefresh struct {
	ID                string
	Status            string
	PercentComplete   int
	InstancesToUpdate int
	StatusReason      string
	StartTime         time.Time
}

// Instance is one group member joined with its load-balancer target health.
type Instance struct {
	ID                    string
	AvailabilityZone      string
	LifecycleState        string
	HealthStatus          string
	LaunchTemplateVersion string
	// LaunchTime is zero when it could not be read (EC2).
	LaunchTime time.Time
	Target     Target
}

// Target is the load balancer's view of one instance. State is empty when
// the instance is not registered with the target group.
type Target struct {
	ID          string
	State       string
	Reason      string
	Description string
}

// CostSource prices the configured profile and, in AWS mode, the observed
// NAT and interface-endpoint spend.
type CostSource interface {
	Costs(ctx context.Context) (CostReport, error)
}

// CostReport is everything the Costs view draws.
type CostReport struct {
	// Profile and Seed are the modelled monthly costs of the configured
	// profile and of the original (seed) topology.
	Profile CostModel
	Seed    CostModel
	// Observed is nil in local mode (nothing deployed to observe).
	Observed *ObservedSpend
}

// CostModel is one profile's monthly estimate, line by line.
type CostModel struct {
	Name       string
	Region     string
	PricesAsOf string
	Lines      []CostLine
	// NATGateways and InterfaceEndpointAZs are the counts the daily spend is
	// priced with; InterfaceEndpoints is the number of endpoints (services)
	// behind those endpoint-AZs, compared with what the stack reports.
	NATGateways          int
	InterfaceEndpoints   int
	InterfaceEndpointAZs int
}

// Total is the sum of the model's lines.
func (m CostModel) Total() float64 {
	var t float64
	for _, l := range m.Lines {
		t += l.Monthly
	}
	return t
}

// TotalOf sums the lines of one kind (for example every NAT line).
func (m CostModel) TotalOf(kind string) float64 {
	var t float64
	for _, l := range m.Lines {
		if l.Kind == kind {
			t += l.Monthly
		}
	}
	return t
}

// Line kinds the Costs view treats specially.
const (
	KindNAT      = "nat"
	KindEndpoint = "endpoint"
	KindIPv4     = "ipv4"
)

// CostLine is one priced item of a model.
type CostLine struct {
	// Key identifies the line across profiles (rows are matched by it).
	Key string
	// Kind groups lines ("nat", "endpoint", "ipv4", "compute", ...).
	Kind string
	// Item names the resource ("NAT gateway hours").
	Item string
	// Quantity says how much of it ("1 x 730 h").
	Quantity string
	// Monthly is the cost in US dollars per month.
	Monthly float64
}

// ObservedSpend is the deployed stack's measured NAT / endpoint spend.
type ObservedSpend struct {
	NATGatewayIDs []string
	// InterfaceEndpointIDs are the endpoints the stack outputs report; nil
	// when its outputs predate interface_endpoint_ids. The endpoint hours are
	// still priced from the model's endpoint-AZs: the IDs give endpoints, not
	// the AZs each is placed in.
	InterfaceEndpointIDs []string
	// Days are consecutive UTC days, oldest first.
	Days []DailySpend
}

// DailySpend is one day of NAT data processed and its price.
type DailySpend struct {
	Day             time.Time
	NATBytes        float64
	NATDollars      float64
	EndpointDollars float64
}

// Dollars is the day's total.
func (d DailySpend) Dollars() float64 { return d.NATDollars + d.EndpointDollars }
