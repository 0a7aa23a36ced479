package cost

import (
	"errors"
	"fmt"
	"math"

	"github.com/docmeta/docmeta/topology"
)

// Workload is the stated monthly traffic the "workload" column prices. The
// "idle" column is the same deployment with no client traffic and an empty
// table.
type Workload struct {
	// UploadsPerMonth is the number of documents uploaded in a month.
	UploadsPerMonth int64 `json:"uploads_per_month"`
	// AvgUploadMiB is the mean document size; the bytes pass through the ALB
	// (LCU processed bytes) but are not stored.
	AvgUploadMiB float64 `json:"avg_upload_mib"`
	// ReadsPerMonth is the number of GET /documents and /documents/{id}
	// requests in a month. Each is priced as a listing page, the costlier
	// of the two (a GET by id is one consistent GetItem: 1 read unit).
	ReadsPerMonth int64 `json:"reads_per_month"`
	// ListingPageSize is the documents per listing page (the API's
	// default limit is 50).
	ListingPageSize int `json:"listing_page_size"`
	// ListingItemBytes is the size DynamoDB bills for one listing-index
	// item. 363 fits all six costs measured on the store
	// (TestDynamo/ListCostPerShardCount, README "Listing shards"), which
	// bound it to 362–364 bytes.
	ListingItemBytes float64 `json:"listing_item_bytes"`
	// WriteUnitsPerUpload is the write request units one upload consumes:
	// the item (< 1 KB) plus its copy in the listing index.
	WriteUnitsPerUpload float64 `json:"write_units_per_upload"`
	// StoredBytesPerUpload is the table storage one document's metadata
	// takes, index copy and per-item overhead included.
	StoredBytesPerUpload float64 `json:"stored_bytes_per_upload"`
	// NATGBPerMonth is the traffic through each deployment's NAT gateways
	// (package updates, anything reaching the internet), priced only where a
	// NAT exists; without one that traffic has no route.
	NATGBPerMonth float64 `json:"nat_gb_per_month"`
	// EndpointGBPerMonth is the traffic through interface endpoints (Session
	// Manager, SSM parameter reads).
	EndpointGBPerMonth float64 `json:"endpoint_gb_per_month"`
	// ExportsPerMonth is how many full table exports to S3 run per month
	// (each teardown runs one); their output is kept in the export bucket.
	ExportsPerMonth int `json:"exports_per_month"`
	// ArtifactMiB is the server binary stored in the artifact bucket.
	ArtifactMiB float64 `json:"artifact_mib"`
	// ResponseKiB is the mean response size (JSON metadata), which
	// CloudFront bills as data out.
	ResponseKiB float64 `json:"response_kib"`
}

// DefaultWorkload is the workload `make cost` states: a small team's
// document intake.
func DefaultWorkload() Workload {
	return Workload{
		UploadsPerMonth:      100_000,
		AvgUploadMiB:         1,
		ReadsPerMonth:        200_000,
		ListingPageSize:      50,
		ListingItemBytes:     363,
		WriteUnitsPerUpload:  2,
		StoredBytesPerUpload: 1000,
		NATGBPerMonth:        20,
		EndpointGBPerMonth:   1,
		ExportsPerMonth:      1,
		ArtifactMiB:          20,
		ResponseKiB:          2,
	}
}

// Validate rejects negative or meaningless amounts.
func (w Workload) Validate() error {
	var errs []error
	if w.UploadsPerMonth < 0 || w.ReadsPerMonth < 0 || w.ExportsPerMonth < 0 {
		errs = append(errs, fmt.Errorf("workload: uploads (%d), reads (%d) and exports (%d) per month must not be negative",
			w.UploadsPerMonth, w.ReadsPerMonth, w.ExportsPerMonth))
	}
	for name, v := range map[string]float64{
		"avg upload MiB": w.AvgUploadMiB, "listing item bytes": w.ListingItemBytes,
		"write units per upload": w.WriteUnitsPerUpload, "stored bytes per upload": w.StoredBytesPerUpload,
		"NAT GB per month": w.NATGBPerMonth, "endpoint GB per month": w.EndpointGBPerMonth, "artifact MiB": w.ArtifactMiB, "response KiB": w.ResponseKiB,
	} {
		if v < 0 || v != v {
			errs = append(errs, fmt.Errorf("workload: %s = %v must be a non-negative number", name, v))
		}
	}
	if w.ListingPageSize < 1 || w.ListingPageSize > maxListingPage {
		errs = append(errs, fmt.Errorf("workload: listing page size %d is outside 1..%d (the API's limit)", w.ListingPageSize, maxListingPage))
	}
	return errors.Join(errs...)
}

// maxListingPage is the largest page GET /documents serves.
const maxListingPage = 1000

// ListingReadUnits is the read request units one listing page costs on a
// busy day whose documents are spread over shards index partitions: one
// register query, then one query per partition for its likely share of
// the page and the look-ahead document (topology.ListingPartLimit, the
// limit the store asks for), each billed as an eventually consistent
// index read.
func (w Workload) ListingReadUnits(shards int) float64 {
	const register = 0.5 // a day's few partition items: under 4 KB
	perPart := topology.ListingPartLimit(w.ListingPageSize+1, shards)
	return register + float64(shards)*eventuallyConsistentReadUnits(float64(perPart)*w.ListingItemBytes)
}

// eventuallyConsistentReadUnits is what DynamoDB bills for one eventually
// consistent query returning bytes: half a unit per 4 KB, rounded up, at
// least half a unit.
func eventuallyConsistentReadUnits(bytes float64) float64 {
	return 0.5 * math.Max(1, math.Ceil(bytes/4096))
}

// TableGB is the table size after one month of uploads, in GB (10^9 bytes).
func (w Workload) TableGB() float64 {
	return float64(w.UploadsPerMonth) * w.StoredBytesPerUpload / 1e9
}

// UploadGB is the upload volume per month in GB.
func (w Workload) UploadGB() float64 {
	return float64(w.UploadsPerMonth) * w.AvgUploadMiB * (1 << 20) / 1e9
}
