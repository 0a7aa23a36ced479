package tui

import (
	"context"
	"time"
)

// HealthSource reads the deployed service's recent metrics and the Auto
// Scaling Group's scaling activities (AWS mode).
type HealthSource interface {
	Health(ctx context.Context) (ServiceHealth, error)
}

// ServiceHealth is the last few hours of the service's metrics, on one time
// grid, and the group's latest scaling activities, newest first. A source
// that fails part-way returns what it fetched with the error; Failed names
// the parts that are missing.
type ServiceHealth struct {
	// Start is the first period's start; every series has one value per
	// Period from Start to End.
	Start, End time.Time
	Period     time.Duration
	Series     []Series
	Activities []ScalingActivity
	Failed     []string
}

// Series is one metric on the ServiceHealth grid. Values holds NaN where
// CloudWatch has no data point (no traffic, or no latency to report).
type Series struct {
	// Label names the metric for the operator ("ALB 5XX (target)").
	Label string
	// Unit is printed after values ("req", "ms", "hosts").
	Unit   string
	Values []float64
	// Bad says which values are a problem in themselves (any 5xx, any
	// throttle, any unhealthy host): the view flags them.
	Bad bool
}

// ScalingActivity is one Auto Scaling activity: what it did and why.
type ScalingActivity struct {
	Start       time.Time
	End         time.Time
	Status      string
	Description string
	Cause       string
}
