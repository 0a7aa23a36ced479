package cost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/aws/aws-sdk-go-v2/service/pricing/types"
	"github.com/aws/smithy-go"

	"github.com/docmeta/docmeta/internal/awsconf"
	"github.com/docmeta/docmeta/topology"
)

// PriceListRegion is where the AWS Price List API is served from; it answers
// for every region (the regionCode filter selects the priced region).
const PriceListRegion = "us-east-1"

// maxPriceListPages bounds pagination per query: each query's filters select
// a handful of products, so more pages mean the filters are wrong.
const maxPriceListPages = 5

// ProductsAPI is the part of the Price List API client the refresh uses.
type ProductsAPI interface {
	GetProducts(ctx context.Context, in *pricing.GetProductsInput, optFns ...func(*pricing.Options)) (*pricing.GetProductsOutput, error)
}

// NewPriceListClient returns a Price List API client in PriceListRegion.
// endpoint overrides the service URL (tests point it at a loopback fake);
// empty means the AWS endpoint.
func NewPriceListClient(cfg aws.Config, endpoint string) *pricing.Client {
	return pricing.NewFromConfig(cfg, func(o *pricing.Options) {
		o.Region = PriceListRegion
		o.BaseEndpoint = awsconf.Endpoint(endpoint)
	})
}

// liveQuery is one explicit Price List question: the service, the filters
// that narrow it to the product, and how to recognise the right price
// dimension among what comes back.
type liveQuery struct {
	key         string
	serviceCode string
	// filters are TERM_MATCH field -> value; regionCode and a CONTAINS on
	// usagetype are added per call. A product family is named only where
	// it is certain; the exact usage-type match is what selects the price.
	filters map[string]string
	// usageType is the usagetype without its region prefix ("USE1-"), which
	// us-east-1 omits for some services; a product matches only when its
	// usagetype equals it exactly after the prefix, so "IA-..." variants and
	// similar lookalikes are rejected.
	usageType string
	unit      string  // the price dimension's unit, e.g. "Hrs"
	scale     float64 // multiplies the per-unit price (per request -> per million)
	ourUnit   string
	page      string
}

func baseQueries() []liveQuery {
	return []liveQuery{
		{key: PriceNATHour, serviceCode: "AmazonEC2", filters: map[string]string{"productFamily": "NAT Gateway"}, usageType: "NatGateway-Hours", unit: "Hrs", ourUnit: "NAT gateway-hour", page: "Amazon VPC pricing, NAT Gateway"},
		{key: PriceNATGB, serviceCode: "AmazonEC2", filters: map[string]string{"productFamily": "NAT Gateway"}, usageType: "NatGateway-Bytes", unit: "GB", ourUnit: "GB processed", page: "Amazon VPC pricing, NAT Gateway"},
		{key: PricePublicIPv4Hour, serviceCode: "AmazonVPC", filters: map[string]string{}, usageType: "PublicIPv4:InUseAddress", unit: "Hrs", ourUnit: "public IPv4 address-hour", page: "Amazon VPC pricing, Public IPv4 Address"},
		{key: PriceInterfaceEndpointAZHour, serviceCode: "AmazonVPC", filters: map[string]string{"productFamily": "VpcEndpoint"}, usageType: "VpcEndpoint-Hours", unit: "Hrs", ourUnit: "interface endpoint AZ-hour", page: "AWS PrivateLink pricing, Interface Endpoint"},
		{key: PriceInterfaceEndpointGB, serviceCode: "AmazonVPC", filters: map[string]string{"productFamily": "VpcEndpoint"}, usageType: "VpcEndpoint-Bytes", unit: "GB", ourUnit: "GB processed (first tier)", page: "AWS PrivateLink pricing, Interface Endpoint"},
		{key: PriceALBHour, serviceCode: "AWSELB", filters: map[string]string{"productFamily": "Load Balancer-Application"}, usageType: "LoadBalancerUsage", unit: "Hrs", ourUnit: "Application Load Balancer-hour", page: "Elastic Load Balancing pricing, Application Load Balancer"},
		{key: PriceALBLCUHour, serviceCode: "AWSELB", filters: map[string]string{"productFamily": "Load Balancer-Application"}, usageType: "LCUUsage", unit: "LCU-Hrs", ourUnit: "LCU-hour", page: "Elastic Load Balancing pricing, Application Load Balancer"},
		{key: PriceEBSgp3GBMonth, serviceCode: "AmazonEC2", filters: map[string]string{"productFamily": "Storage", "volumeApiName": "gp3"}, usageType: "EBS:VolumeUsage.gp3", unit: "GB-Mo", ourUnit: "GB-month provisioned (gp3)", page: "Amazon EBS pricing, gp3"},
		{key: PriceDynamoWriteMillion, serviceCode: "AmazonDynamoDB", filters: map[string]string{"productFamily": "Amazon DynamoDB PayPerRequest Throughput"}, usageType: "WriteRequestUnits", unit: "WriteRequestUnits", scale: 1e6, ourUnit: "million write request units (on-demand, Standard)", page: "Amazon DynamoDB on-demand pricing"},
		{key: PriceDynamoReadMillion, serviceCode: "AmazonDynamoDB", filters: map[string]string{"productFamily": "Amazon DynamoDB PayPerRequest Throughput"}, usageType: "ReadRequestUnits", unit: "ReadRequestUnits", scale: 1e6, ourUnit: "million read request units (on-demand, Standard)", page: "Amazon DynamoDB on-demand pricing"},
		{key: PriceDynamoStorageGBMonth, serviceCode: "AmazonDynamoDB", filters: map[string]string{}, usageType: "TimedStorage-ByteHrs", unit: "GB-Mo", ourUnit: "GB-month stored (Standard)", page: "Amazon DynamoDB pricing, data storage"},
		{key: PriceDynamoPITRGBMonth, serviceCode: "AmazonDynamoDB", filters: map[string]string{}, usageType: "TimedPITRStorage-ByteHrs", unit: "GB-Mo", ourUnit: "GB-month with point-in-time recovery", page: "Amazon DynamoDB pricing, continuous backups"},
		{key: PriceDynamoExportGB, serviceCode: "AmazonDynamoDB", filters: map[string]string{}, usageType: "ExportDataSize-Bytes", unit: "GB", ourUnit: "GB exported to S3", page: "Amazon DynamoDB pricing, export to S3"},
		{key: PriceAlarmMonth, serviceCode: "AmazonCloudWatch", filters: map[string]string{}, usageType: "CW:AlarmMonitorUsage", unit: "Alarms", ourUnit: "standard-resolution metric alarm-month", page: "Amazon CloudWatch pricing, alarms"},
		{key: PriceS3StandardGBMonth, serviceCode: "AmazonS3", filters: map[string]string{"productFamily": "Storage", "volumeType": "Standard"}, usageType: "TimedStorage-ByteHrs", unit: "GB-Mo", ourUnit: "GB-month (S3 Standard, first tier)", page: "Amazon S3 pricing, S3 Standard"},
	}
}

func instanceQuery(instanceType string) liveQuery {
	return liveQuery{
		key: InstanceHourKey(instanceType), serviceCode: "AmazonEC2",
		filters: map[string]string{
			"instanceType": instanceType, "operatingSystem": "Linux", "tenancy": "Shared",
			"preInstalledSw": "NA", "capacitystatus": "Used", "licenseModel": "No License required",
		},
		usageType: "BoxUsage:" + instanceType, unit: "Hrs",
		ourUnit: "instance-hour (Linux, shared tenancy)", page: "Amazon EC2 On-Demand pricing, Linux",
	}
}

// FetchLive asks the Price List API for every price the model uses in region
// (including the given instance types) and returns a table of them. Gateway
// endpoints are not in the Price List (they carry no charge) and keep a zero
// price citing that. The EdgePriceKeys (CloudFront, its web ACL, Budgets)
// are not regional: they come from the shipped us-east-1 table, with a
// source that says so. now stamps the table's Recorded date.
func FetchLive(ctx context.Context, api ProductsAPI, region string, instanceTypes []string, now time.Time) (PriceTable, error) {
	if region == "" {
		return PriceTable{}, errors.New("live prices: region is empty; pass --region (e.g. us-east-1)")
	}
	queries := baseQueries()
	seen := map[string]bool{}
	for _, it := range instanceTypes {
		if !seen[it] {
			seen[it] = true
			queries = append(queries, instanceQuery(it))
		}
	}
	t := PriceTable{
		Region: region, Currency: "USD", Recorded: now.UTC().Format(time.DateOnly),
		Provenance: "Fetched from the AWS Price List API (GetProducts, " + PriceListRegion + " endpoint) on the recorded date (each price's date); each price's published date is its offer term's effective date.",
	}
	for _, q := range queries {
		p, err := fetchOne(ctx, api, region, q)
		if err != nil {
			return PriceTable{}, err
		}
		p.Date = t.Recorded
		t.Prices = append(t.Prices, p)
	}
	t.Prices = append(t.Prices, Price{
		Key: PriceGatewayEndpointMonth, USD: 0, Unit: "gateway endpoint-month (no charge)", Region: region,
		Date: t.Recorded, Source: "Amazon VPC documentation: gateway endpoints (S3, DynamoDB) carry no additional charge; not listed in the Price List API",
	})
	edge, err := ShippedTable(topology.CloudFrontRegion)
	if err != nil {
		return PriceTable{}, fmt.Errorf("live prices: the global CloudFront/WAF/Budgets prices: %w", err)
	}
	for _, key := range EdgePriceKeys {
		p, err := edge.Lookup(key)
		if err != nil {
			return PriceTable{}, fmt.Errorf("live prices: %w", err)
		}
		p.Region, p.Date = region, t.Recorded
		p.Source = "shipped " + topology.CloudFrontRegion + " table (global or " + topology.CloudFrontRegion + "-billed service, not regional in the Price List API): " + p.Source
		t.Prices = append(t.Prices, p)
	}
	return t, t.Validate()
}

func fetchOne(ctx context.Context, api ProductsAPI, region string, q liveQuery) (Price, error) {
	in := &pricing.GetProductsInput{
		ServiceCode:   aws.String(q.serviceCode),
		FormatVersion: aws.String("aws_v1"),
		MaxResults:    aws.Int32(100),
		Filters: []types.Filter{
			termMatch("regionCode", region),
			// CONTAINS because us-east-1 usage types carry a "USE1-" prefix
			// for some services and none for others; usageMatches is exact.
			{Type: types.FilterTypeContains, Field: aws.String("usagetype"), Value: aws.String(q.usageType)},
		},
	}
	fields := make([]string, 0, len(q.filters))
	for f := range q.filters {
		fields = append(fields, f)
	}
	sort.Strings(fields) // stable request bodies
	for _, f := range fields {
		in.Filters = append(in.Filters, termMatch(f, q.filters[f]))
	}
	var found []Price
	for page := 0; ; page++ {
		if page == maxPriceListPages {
			return Price{}, fmt.Errorf("live price %s: more than %d pages of products; the filters are too broad (report this as a bug)", q.key, maxPriceListPages)
		}
		out, err := api.GetProducts(ctx, in)
		if err != nil {
			return Price{}, fmt.Errorf("live price %s (%s): %w", q.key, q.serviceCode, explainPriceListError(err))
		}
		for _, doc := range out.PriceList {
			p, ok, err := priceFromDocument(doc, region, q)
			if err != nil {
				return Price{}, fmt.Errorf("live price %s: %w", q.key, err)
			}
			if ok {
				found = append(found, p)
			}
		}
		if out.NextToken == nil || *out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	switch {
	case len(found) == 0:
		return Price{}, fmt.Errorf("live price %s: no %s product with usagetype %q in region %s; check the region name (e.g. us-east-1) or whether AWS renamed the product", q.key, q.serviceCode, q.usageType, region)
	case len(found) > 1:
		for _, p := range found[1:] {
			if p.USD != found[0].USD {
				return Price{}, fmt.Errorf("live price %s: %d products match with different prices (%v, %v); the filters are ambiguous (report this as a bug)", q.key, len(found), found[0].USD, p.USD)
			}
		}
	}
	return found[0], nil
}

func termMatch(field, value string) types.Filter {
	return types.Filter{Type: types.FilterTypeTermMatch, Field: aws.String(field), Value: aws.String(value)}
}

// usageMatches reports whether usagetype is want, optionally behind a region
// prefix such as "USE1-".
func usageMatches(usagetype, want string) bool {
	if usagetype == want {
		return true
	}
	i := strings.IndexByte(usagetype, '-')
	if i <= 0 || usagetype[i+1:] != want {
		return false
	}
	for _, r := range usagetype[:i] {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// priceListDocument is the shape of one aws_v1 PriceList entry.
type priceListDocument struct {
	Product struct {
		ProductFamily string            `json:"productFamily"`
		Attributes    map[string]string `json:"attributes"`
		SKU           string            `json:"sku"`
	} `json:"product"`
	ServiceCode string `json:"serviceCode"`
	Terms       struct {
		OnDemand map[string]struct {
			EffectiveDate   string `json:"effectiveDate"`
			PriceDimensions map[string]struct {
				Unit         string            `json:"unit"`
				BeginRange   string            `json:"beginRange"`
				Description  string            `json:"description"`
				PricePerUnit map[string]string `json:"pricePerUnit"`
			} `json:"priceDimensions"`
		} `json:"OnDemand"`
	} `json:"terms"`
	PublicationDate string `json:"publicationDate"`
}

// priceFromDocument returns the price q wants from one PriceList document,
// ok=false when the document is another product (a lookalike the filters let
// through).
func priceFromDocument(doc, region string, q liveQuery) (Price, bool, error) {
	var d priceListDocument
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return Price{}, false, fmt.Errorf("decode PriceList document: %w", err)
	}
	attrs := d.Product.Attributes
	if attrs["regionCode"] != "" && attrs["regionCode"] != region {
		return Price{}, false, nil
	}
	if !usageMatches(attrs["usagetype"], q.usageType) {
		return Price{}, false, nil
	}
	for _, term := range d.Terms.OnDemand {
		for _, dim := range term.PriceDimensions {
			if dim.Unit != q.unit || (dim.BeginRange != "" && dim.BeginRange != "0") {
				continue
			}
			raw, ok := dim.PricePerUnit["USD"]
			if !ok {
				return Price{}, false, fmt.Errorf("product %s: no USD price", d.Product.SKU)
			}
			usd, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				return Price{}, false, fmt.Errorf("product %s: price %q: %w", d.Product.SKU, raw, err)
			}
			if q.scale != 0 {
				usd *= q.scale
			}
			date := term.EffectiveDate
			if t, err := time.Parse(time.RFC3339, date); err == nil {
				date = t.UTC().Format(time.DateOnly)
			}
			return Price{
				Key: q.key, USD: usd, Unit: q.ourUnit, Region: region, Published: date,
				Source: fmt.Sprintf("AWS Price List API, %s sku %s usagetype %s (%s: %q)", d.ServiceCode, d.Product.SKU, attrs["usagetype"], q.page, dim.Description),
			}, true, nil
		}
	}
	return Price{}, false, fmt.Errorf("product %s (usagetype %s): no on-demand price in unit %q", d.Product.SKU, attrs["usagetype"], q.unit)
}

// explainPriceListError adds the fix to the failures an operator can cause.
func explainPriceListError(err error) error {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException":
			return fmt.Errorf("%w; the credentials need the pricing:GetProducts permission and must be valid (refresh them, e.g. `aws sso login`)", err)
		}
		return err
	}
	if strings.Contains(err.Error(), "credentials") {
		return fmt.Errorf("%w; --live-prices needs AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or `aws sso login`); without them, omit --live-prices to use the shipped us-east-1 table", err)
	}
	return fmt.Errorf("%w; check network access to the Price List API endpoint in %s", err, PriceListRegion)
}
