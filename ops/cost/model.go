package cost

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/docmeta/docmeta/topology"
)

// Line item keys. Every estimate lists all of them in this order (a zero
// count prices at $0), so profiles compare row by row; the stacks test
// checks each count against the synthesized resources.
const (
	ItemNATGateways        = "nat_gateways"
	ItemNATData            = "nat_data"
	ItemPublicIPv4         = "public_ipv4"
	ItemInterfaceEndpoints = "interface_endpoints"
	ItemEndpointData       = "interface_endpoint_data"
	ItemGatewayEndpoints   = "gateway_endpoints"
	ItemLoadBalancer       = "load_balancer"
	ItemLoadBalancerLCU    = "load_balancer_lcu"
	ItemInstances          = "instances"
	ItemRootVolumes        = "root_volumes"
	ItemTableWrites        = "table_writes"
	ItemTableReads         = "table_reads"
	ItemTableStorage       = "table_storage"
	ItemTablePITR          = "table_pitr"
	ItemTableExport        = "table_export"
	ItemExportBucket       = "export_bucket"
	ItemArtifactBucket     = "artifact_bucket"
	ItemCloudFrontRequests = "cloudfront_requests"
	ItemCloudFrontOut      = "cloudfront_data_out"
	ItemCloudFrontOrigin   = "cloudfront_to_origin"
	ItemVPCOrigin          = "cloudfront_vpc_origin"
	ItemWAFWebACL          = "waf_web_acl"
	ItemWAFRequests        = "waf_requests"
	ItemAlarms             = "alarms"
	ItemAlarmTopic         = "alarm_topic"
	ItemBudget             = "budget"
)

// LineItem is one billed component of a deployment.
type LineItem struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	// Count is how many billed units the topology deploys: gateways,
	// addresses, endpoint network interfaces (endpoints x AZs), instances,
	// GiB of EBS, tables, buckets. It does not change with the workload.
	Count int `json:"count"`
	// CountUnit names what Count counts.
	CountUnit string `json:"count_unit"`
	// IdleBasis and WorkloadBasis show the arithmetic behind each amount.
	IdleBasis     string   `json:"idle_basis"`
	WorkloadBasis string   `json:"workload_basis"`
	IdleUSD       float64  `json:"idle_usd"`
	WorkloadUSD   float64  `json:"workload_usd"`
	PriceKeys     []string `json:"price_keys"`
}

// Estimate is the monthly cost of one profile.
type Estimate struct {
	Profile          topology.Profile `json:"profile"`
	Stack            string           `json:"stack"`
	Region           string           `json:"region"`
	Items            []LineItem       `json:"items"`
	IdleTotalUSD     float64          `json:"idle_total_usd"`
	WorkloadTotalUSD float64          `json:"workload_total_usd"`
}

// Item returns the line item with the given key.
func (e Estimate) Item(key string) (LineItem, bool) {
	for _, it := range e.Items {
		if it.Key == key {
			return it, true
		}
	}
	return LineItem{}, false
}

// Estimate prices a deployment's footprint with the table at idle and under
// the workload. The table must be for the footprint's region.
func EstimateFootprint(fp topology.Footprint, stack string, prices PriceTable, w Workload) (Estimate, error) {
	if fp.Region != prices.Region {
		return Estimate{}, fmt.Errorf("profile %s is in %s but the price table is for %s; use --live-prices to fetch %s prices (no region's prices stand in for another's)",
			fp.Profile, fp.Region, prices.Region, fp.Region)
	}
	if err := w.Validate(); err != nil {
		return Estimate{}, err
	}
	p := pricer{t: prices}
	e := Estimate{Profile: fp.Profile, Stack: stack, Region: fp.Region}
	add := func(it LineItem) { e.Items = append(e.Items, it) }
	hours := HoursPerMonth

	nat := p.get(PriceNATHour)
	add(fixed(ItemNATGateways, "NAT gateways", fp.NATGateways, "gateway", nat, hours))
	natData := dataProcessing(ItemNATData, "NAT data processing", fp.NATGateways, "gateway", p.get(PriceNATGB), w.NATGBPerMonth)
	if fp.NATGateways == 0 {
		natData.WorkloadBasis = "no NAT: AWS services via endpoints, no internet egress"
	}
	add(natData)

	add(fixed(ItemPublicIPv4, "Public IPv4 addresses (NAT EIPs + public ALB per AZ)", fp.PublicIPv4Addresses, "address", p.get(PricePublicIPv4Hour), hours))
	add(fixed(ItemInterfaceEndpoints, fmt.Sprintf("Interface endpoints (%d services × AZs)", fp.InterfaceEndpoints), fp.InterfaceEndpointAZs, "endpoint-AZ", p.get(PriceInterfaceEndpointAZHour), hours))
	add(dataProcessing(ItemEndpointData, "Interface endpoint data processing", fp.InterfaceEndpoints, "endpoint", p.get(PriceInterfaceEndpointGB), w.EndpointGBPerMonth))
	gw := p.get(PriceGatewayEndpointMonth)
	add(LineItem{Key: ItemGatewayEndpoints, Name: "Gateway endpoints (S3, DynamoDB)", Count: fp.GatewayEndpoints, CountUnit: "endpoint",
		IdleBasis: fmt.Sprintf("%d × %s", fp.GatewayEndpoints, usd(gw.USD)), WorkloadBasis: "no per-GB charge",
		IdleUSD: float64(fp.GatewayEndpoints) * gw.USD, WorkloadUSD: float64(fp.GatewayEndpoints) * gw.USD, PriceKeys: []string{PriceGatewayEndpointMonth}})

	add(fixed(ItemLoadBalancer, "Application Load Balancer", fp.LoadBalancers, "load balancer", p.get(PriceALBHour), hours))
	lcu := p.get(PriceALBLCUHour)
	lcuHours := albLCUHours(w) * float64(fp.LoadBalancers)
	add(LineItem{Key: ItemLoadBalancerLCU, Name: "ALB capacity units (LCU)", Count: fp.LoadBalancers, CountUnit: "load balancer",
		IdleBasis: "no client traffic", WorkloadBasis: fmt.Sprintf("%.1f LCU-h × %s", lcuHours, usd(lcu.USD)),
		WorkloadUSD: lcuHours * lcu.USD, PriceKeys: []string{PriceALBLCUHour}})

	add(fixed(ItemInstances, fmt.Sprintf("EC2 %s (ASG desired, %s)", fp.InstanceType, fp.Arch), fp.Instances, "instance", p.get(InstanceHourKey(fp.InstanceType)), hours))
	if fp.EBSVolumeType != "gp3" {
		p.errs = append(p.errs, fmt.Errorf("root volume type %q has no price in the model (only gp3)", fp.EBSVolumeType))
	}
	gp3 := p.get(PriceEBSgp3GBMonth)
	add(LineItem{Key: ItemRootVolumes, Name: fmt.Sprintf("EBS gp3 root volumes (%d)", fp.EBSVolumes), Count: fp.EBSVolumeGiB, CountUnit: "GiB",
		IdleBasis:     fmt.Sprintf("%d GiB × %s/GB-mo", fp.EBSVolumeGiB, usd(gp3.USD)),
		WorkloadBasis: fmt.Sprintf("%d GiB × %s/GB-mo", fp.EBSVolumeGiB, usd(gp3.USD)),
		IdleUSD:       float64(fp.EBSVolumeGiB) * gp3.USD, WorkloadUSD: float64(fp.EBSVolumeGiB) * gp3.USD, PriceKeys: []string{PriceEBSgp3GBMonth}})

	e.Items = append(e.Items, tableItems(fp, w, &p)...)
	e.Items = append(e.Items, bucketItems(fp, w, &p)...)
	e.Items = append(e.Items, edgeItems(fp, w, &p)...)
	e.Items = append(e.Items, monitoringItems(fp, &p)...)

	if err := errors.Join(p.errs...); err != nil {
		return Estimate{}, fmt.Errorf("estimate %s: %w", fp.Profile, err)
	}
	for _, it := range e.Items {
		e.IdleTotalUSD += it.IdleUSD
		e.WorkloadTotalUSD += it.WorkloadUSD
	}
	return e, nil
}

func tableItems(fp topology.Footprint, w Workload, p *pricer) []LineItem {
	if !fp.Table.OnDemand {
		p.errs = append(p.errs, errors.New("table is not on-demand (PAY_PER_REQUEST); the model prices on-demand only"))
	}
	wr, rd := p.get(PriceDynamoWriteMillion), p.get(PriceDynamoReadMillion)
	writes := float64(w.UploadsPerMonth) * w.WriteUnitsPerUpload
	shards := fp.Table.ListingShards
	pageUnits := w.ListingReadUnits(shards)
	reads := float64(w.ReadsPerMonth) * pageUnits
	gb := w.TableGB()
	st, pitr := p.get(PriceDynamoStorageGBMonth), p.get(PriceDynamoPITRGBMonth)
	items := []LineItem{
		{Key: ItemTableWrites, Name: "DynamoDB writes (on-demand)", Count: 1, CountUnit: "table", IdleBasis: "no requests",
			WorkloadBasis: fmt.Sprintf("%s WRU × %s/M", num(writes), usd(wr.USD)), WorkloadUSD: writes / 1e6 * wr.USD, PriceKeys: []string{PriceDynamoWriteMillion}},
		{Key: ItemTableReads, Name: "DynamoDB reads (on-demand)", Count: 1, CountUnit: "table", IdleBasis: "no requests",
			WorkloadBasis: fmt.Sprintf("%s RRU × %s/M (%s RRU per page of %d over %d listing shards)", num(reads), usd(rd.USD), num(pageUnits), w.ListingPageSize, shards),
			WorkloadUSD:   reads / 1e6 * rd.USD, PriceKeys: []string{PriceDynamoReadMillion}},
		{Key: ItemTableStorage, Name: "DynamoDB storage", Count: 1, CountUnit: "table", IdleBasis: "empty table",
			WorkloadBasis: fmt.Sprintf("%s GB × %s/GB-mo", num(gb), usd(st.USD)), WorkloadUSD: gb * st.USD, PriceKeys: []string{PriceDynamoStorageGBMonth}},
	}
	pitrItem := LineItem{Key: ItemTablePITR, Name: "DynamoDB point-in-time recovery", CountUnit: "table", IdleBasis: "empty table", PriceKeys: []string{PriceDynamoPITRGBMonth}}
	if fp.Table.PITR {
		pitrItem.Count = 1
		pitrItem.WorkloadBasis = fmt.Sprintf("%s GB × %s/GB-mo", num(gb), usd(pitr.USD))
		pitrItem.WorkloadUSD = gb * pitr.USD
	} else {
		pitrItem.WorkloadBasis = "PITR off"
	}
	return append(items, pitrItem)
}

func bucketItems(fp topology.Footprint, w Workload, p *pricer) []LineItem {
	exp, s3 := p.get(PriceDynamoExportGB), p.get(PriceS3StandardGBMonth)
	gb := w.TableGB()
	exportGB := gb * float64(w.ExportsPerMonth)
	// Every kept version of the binary is billed storage.
	artifactGB := w.ArtifactMiB * (1 << 20) / 1e9 * float64(fp.ArtifactBuckets*max(fp.ArtifactVersions, 1))
	return []LineItem{
		{Key: ItemTableExport, Name: "Table export to S3 (per teardown)", Count: fp.ExportBuckets, CountUnit: "bucket", IdleBasis: "no export run",
			WorkloadBasis: fmt.Sprintf("%d × %s GB × %s/GB", w.ExportsPerMonth, num(gb), usd(exp.USD)), WorkloadUSD: exportGB * exp.USD, PriceKeys: []string{PriceDynamoExportGB}},
		{Key: ItemExportBucket, Name: "Export bucket storage (retained stack)", Count: fp.ExportBuckets, CountUnit: "bucket", IdleBasis: "empty bucket",
			WorkloadBasis: fmt.Sprintf("%s GB × %s/GB-mo", num(exportGB), usd(s3.USD)), WorkloadUSD: exportGB * s3.USD * float64(min(fp.ExportBuckets, 1)), PriceKeys: []string{PriceS3StandardGBMonth}},
		{Key: ItemArtifactBucket, Name: "Artifact bucket storage (server binary)", Count: fp.ArtifactBuckets, CountUnit: "bucket",
			IdleBasis: fmt.Sprintf("%s GB × %s/GB-mo", num(artifactGB), usd(s3.USD)), WorkloadBasis: fmt.Sprintf("%s GB × %s/GB-mo", num(artifactGB), usd(s3.USD)),
			IdleUSD: artifactGB * s3.USD, WorkloadUSD: artifactGB * s3.USD, PriceKeys: []string{PriceS3StandardGBMonth}},
	}
}

// albLCUHours is the LCU-hours of the workload spread evenly over the month:
// an LCU is 1 GB/h processed (EC2 targets) or 25 new connections/s, and an
// hour bills the larger dimension (active connections and rule evaluations
// stay far below one LCU at this scale).
func albLCUHours(w Workload) float64 {
	bytesGBPerHour := w.UploadGB() / HoursPerMonth
	connsPerSecond := float64(w.UploadsPerMonth+w.ReadsPerMonth) / (HoursPerMonth * 3600)
	return math.Max(bytesGBPerHour, connsPerSecond/25) * HoursPerMonth
}

// fixed is a resource billed per hour regardless of traffic.
func fixed(key, name string, count int, unit string, p Price, hours float64) LineItem {
	amount := float64(count) * hours * p.USD
	basis := fmt.Sprintf("%d × %s h × %s/h", count, num(hours), usd(p.USD))
	return LineItem{Key: key, Name: name, Count: count, CountUnit: unit, IdleBasis: basis, WorkloadBasis: basis,
		IdleUSD: amount, WorkloadUSD: amount, PriceKeys: []string{p.Key}}
}

// dataProcessing is a per-GB charge of count units (NAT gateways, interface
// endpoints): nothing idle, gb × the price under load, and no charge at all
// where the topology deploys none of them.
func dataProcessing(key, name string, count int, unit string, p Price, gb float64) LineItem {
	it := LineItem{Key: key, Name: name, Count: count, CountUnit: unit, IdleBasis: "no traffic", PriceKeys: []string{p.Key}}
	if count > 0 {
		it.WorkloadUSD = gb * p.USD
		it.WorkloadBasis = fmt.Sprintf("%s GB × %s/GB", num(gb), usd(p.USD))
	}
	return it
}

// pricer collects lookup failures so one run reports every missing price.
type pricer struct {
	t    PriceTable
	errs []error
}

func (p *pricer) get(key string) Price {
	pr, err := p.t.Lookup(key)
	if err != nil {
		p.errs = append(p.errs, err)
		return Price{Key: key}
	}
	return pr
}

// usd formats a unit price without trailing zeros: $0.045, $0.0084.
func usd(v float64) string {
	s := fmt.Sprintf("%.6f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "" || s == "0" {
		return "$0"
	}
	return "$" + s
}

// num formats a quantity compactly: 730, 0.1, 200,000.
func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return groupThousands(fmt.Sprintf("%.0f", v))
	}
	s := fmt.Sprintf("%.4f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
