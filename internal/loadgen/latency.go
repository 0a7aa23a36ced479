package loadgen

import (
	"math"
	"slices"
	"time"
)

// Latency is a summary of request latencies.
type Latency struct {
	Count         int
	P50, P90, P99 time.Duration
	Max           time.Duration
}

// Summarise computes nearest-rank percentiles; it sorts d in place.
func Summarise(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	slices.Sort(d)
	rank := func(p float64) time.Duration {
		// Nearest rank: the smallest value with at least p of the samples
		// at or below it.
		i := int(math.Ceil(p*float64(len(d)))) - 1
		i = max(0, min(i, len(d)-1))
		return d[i]
	}
	return Latency{Count: len(d), P50: rank(0.50), P90: rank(0.90), P99: rank(0.99), Max: d[len(d)-1]}
}

// Ms converts a duration to fractional milliseconds for reports.
func Ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
