package cost

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
)

// HoursPerMonth is the month length every hourly price is multiplied by
// (8760 hours a year / 12), as on the AWS pricing pages.
const HoursPerMonth = 730.0

// Price keys: every price the model reads. Instance-hour prices use
// InstanceHourKey(type).
const (
	PriceNATHour                 = "nat_gateway_hour"
	PriceNATGB                   = "nat_gateway_gb"
	PricePublicIPv4Hour          = "public_ipv4_hour"
	PriceInterfaceEndpointAZHour = "interface_endpoint_az_hour"
	PriceInterfaceEndpointGB     = "interface_endpoint_gb"
	PriceGatewayEndpointMonth    = "gateway_endpoint_month"
	PriceALBHour                 = "alb_hour"
	PriceALBLCUHour              = "alb_lcu_hour"
	PriceEBSgp3GBMonth           = "ebs_gp3_gb_month"
	PriceDynamoWriteMillion      = "dynamodb_write_million"
	PriceDynamoReadMillion       = "dynamodb_read_million"
	PriceDynamoStorageGBMonth    = "dynamodb_storage_gb_month"
	PriceDynamoPITRGBMonth       = "dynamodb_pitr_gb_month"
	PriceDynamoExportGB          = "dynamodb_export_gb"
	PriceS3StandardGBMonth       = "s3_standard_gb_month"
	PriceCloudFrontRequest10k    = "cloudfront_https_request_10k"
	PriceCloudFrontOutGB         = "cloudfront_out_gb"
	PriceCloudFrontOriginGB      = "cloudfront_origin_gb"
	PriceVPCOriginMonth          = "cloudfront_vpc_origin_month"
	PriceWAFWebACLMonth          = "waf_web_acl_month"
	PriceWAFRuleMonth            = "waf_rule_month"
	PriceWAFRequestMillion       = "waf_request_million"
	PriceAlarmMonth              = "cloudwatch_alarm_month"
	PriceBudgetMonth             = "budget_month"
)

// EdgePriceKeys are the prices of CloudFront, of its web ACL and of AWS
// Budgets: global services, or billed in us-east-1 whatever region the
// stack is in (a CloudFront web ACL lives there). The Price List API has no regionCode for them, so a live table
// takes them from the shipped us-east-1 table and says so in their source.
var EdgePriceKeys = []string{
	PriceCloudFrontRequest10k, PriceCloudFrontOutGB, PriceCloudFrontOriginGB, PriceVPCOriginMonth,
	PriceWAFWebACLMonth, PriceWAFRuleMonth, PriceWAFRequestMillion, PriceBudgetMonth,
}

// instanceHourPrefix starts the key of an EC2 on-demand instance-hour price.
const instanceHourPrefix = "ec2_hour:"

// InstanceHourKey is the price key of one hour of the given EC2 instance type
// (Linux, shared tenancy, on-demand).
func InstanceHourKey(instanceType string) string { return instanceHourPrefix + instanceType }

// Price is one unit price with where it comes from.
type Price struct {
	Key string  `json:"key"`
	USD float64 `json:"usd"`
	// Unit says what one USD amount buys, e.g. "NAT gateway-hour".
	Unit   string `json:"unit"`
	Region string `json:"region"`
	// Date (YYYY-MM-DD) is the day the figure was recorded: the day the
	// shipped table was compiled, or the day --live-prices fetched it.
	Date string `json:"date"`
	// Published is when AWS published the figure or it took effect: the
	// offer term's effective date (YYYY-MM-DD) for live prices, the period
	// (YYYY or YYYY-YYYY) the pricing pages showed it in for the shipped
	// table. Empty when unknown.
	Published string `json:"published,omitempty"`
	// Source names the AWS pricing page (or Price List API product) it was read from.
	Source string `json:"source"`
}

// PriceTable is the set of prices for one region.
type PriceTable struct {
	Region   string `json:"region"`
	Currency string `json:"currency"`
	// Recorded is the day the table was compiled or fetched.
	Recorded   string  `json:"recorded"`
	Provenance string  `json:"provenance"`
	Prices     []Price `json:"prices"`
}

// ErrNoPriceTable is returned (wrapped) when no table is shipped for a region.
var ErrNoPriceTable = errors.New("no shipped price table for this region")

//go:embed prices/*.json
var shippedTables embed.FS

// ShippedRegions lists the regions a price table is shipped for.
func ShippedRegions() []string {
	entries, err := fs.ReadDir(shippedTables, "prices")
	if err != nil {
		return nil
	}
	var regions []string
	for _, e := range entries {
		regions = append(regions, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(regions)
	return regions
}

// ShippedTable returns the price table shipped in the repository for region.
// It never substitutes another region's prices: a region without a table is
// an error that names the way to get real prices.
func ShippedTable(region string) (PriceTable, error) {
	data, err := shippedTables.ReadFile(path.Join("prices", region+".json"))
	if err != nil {
		return PriceTable{}, fmt.Errorf("%w: %q (shipped: %s); run with --live-prices and AWS credentials to fetch %s prices from the AWS Price List API",
			ErrNoPriceTable, region, strings.Join(ShippedRegions(), ", "), region)
	}
	return ParseTable(data)
}

// ParseTable decodes and validates a price table document.
func ParseTable(data []byte) (PriceTable, error) {
	var t PriceTable
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return PriceTable{}, fmt.Errorf("decode price table: %w", err)
	}
	if err := t.Validate(); err != nil {
		return PriceTable{}, err
	}
	return t, nil
}

// publishedRe is a published date or period: 2026-11-01, 2025, 2025-2026.
var publishedRe = regexp.MustCompile(`^[0-9]{4}(-[0-9]{4}|-[0-9]{2}-[0-9]{2})?$`)

// ValidDate reports whether s is a real YYYY-MM-DD day.
func ValidDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// Validate checks that every price names its region (the table's), unit,
// source and date, and is a finite non-negative amount; keys are unique.
// Dates are YYYY-MM-DD days, none after the table's recorded day, so a
// price cannot claim to have been recorded later than the table was.
func (t PriceTable) Validate() error {
	if t.Region == "" {
		return errors.New("price table: region is empty")
	}
	if t.Currency != "USD" {
		return fmt.Errorf("price table %s: currency %q, want USD", t.Region, t.Currency)
	}
	if !ValidDate(t.Recorded) {
		return fmt.Errorf("price table %s: recorded %q is not a YYYY-MM-DD date", t.Region, t.Recorded)
	}
	seen := map[string]bool{}
	for i, p := range t.Prices {
		switch {
		case p.Key == "":
			return fmt.Errorf("price table %s: price #%d has no key", t.Region, i)
		case seen[p.Key]:
			return fmt.Errorf("price table %s: duplicate key %q", t.Region, p.Key)
		case p.Region != t.Region:
			return fmt.Errorf("price table %s: price %q is for region %q", t.Region, p.Key, p.Region)
		case p.Unit == "" || p.Source == "" || p.Date == "":
			return fmt.Errorf("price table %s: price %q needs unit, source and date", t.Region, p.Key)
		case !ValidDate(p.Date):
			return fmt.Errorf("price table %s: price %q has date %q; want the YYYY-MM-DD day it was recorded (a period goes in \"published\")", t.Region, p.Key, p.Date)
		case p.Date > t.Recorded:
			return fmt.Errorf("price table %s: price %q dated %s, after the table was recorded (%s)", t.Region, p.Key, p.Date, t.Recorded)
		case p.Published != "" && !publishedRe.MatchString(p.Published):
			return fmt.Errorf("price table %s: price %q has published %q; want YYYY-MM-DD, YYYY or YYYY-YYYY", t.Region, p.Key, p.Published)
		case math.IsNaN(p.USD) || math.IsInf(p.USD, 0) || p.USD < 0:
			return fmt.Errorf("price table %s: price %q has invalid amount %v", t.Region, p.Key, p.USD)
		}
		seen[p.Key] = true
	}
	return nil
}

// Lookup returns the price with the given key.
func (t PriceTable) Lookup(key string) (Price, error) {
	for _, p := range t.Prices {
		if p.Key == key {
			return p, nil
		}
	}
	hint := ""
	if strings.HasPrefix(key, instanceHourPrefix) {
		hint = " (instance type not in the shipped table; add it to ops/cost/prices/" + t.Region + ".json with its source, or use --live-prices)"
	}
	return Price{}, fmt.Errorf("price table %s has no price %q%s", t.Region, key, hint)
}

// With returns a copy of the table where p replaces the price with the same
// key (or is added).
func (t PriceTable) With(p Price) PriceTable {
	out := t
	out.Prices = make([]Price, 0, len(t.Prices)+1)
	replaced := false
	for _, q := range t.Prices {
		if q.Key == p.Key {
			out.Prices = append(out.Prices, p)
			replaced = true
			continue
		}
		out.Prices = append(out.Prices, q)
	}
	if !replaced {
		out.Prices = append(out.Prices, p)
	}
	return out
}
