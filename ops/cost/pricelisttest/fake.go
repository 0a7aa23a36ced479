// Package pricelisttest is a loopback AWS Price List API (awsJson1_1
// GetProducts) serving recorded-shape us-east-1 documents, for tests of the
// --live-prices refresh in any package.
package pricelisttest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Server is a loopback Price List API (awsJson1_1 GetProducts) that
// evaluates TERM_MATCH/EQUALS/CONTAINS filters over recorded-shape documents
// and pages one document at a time, so pagination is exercised too.
type Server struct {
	mu       sync.Mutex
	docs     []product
	Requests []Request
	FailWith string // an error __type to answer with, if set
}

type product struct {
	serviceCode string
	family      string
	attrs       map[string]string
	doc         string
}

// Filter is one GetProducts filter as sent on the wire.
type Filter struct{ Type, Field, Value string }

// Request is one GetProducts request body as received.
type Request struct {
	ServiceCode   string
	Filters       []Filter
	FormatVersion string
	MaxResults    int
	NextToken     string
}

// Add records one product with a single on-demand price dimension.
func (f *Server) Add(serviceCode, family string, attrs map[string]string, unit, usd, effective string) {
	sku := fmt.Sprintf("SKU%04d", len(f.docs))
	attrs["servicecode"] = serviceCode
	doc := map[string]any{
		"product":     map[string]any{"productFamily": family, "attributes": attrs, "sku": sku},
		"serviceCode": serviceCode,
		"terms": map[string]any{"OnDemand": map[string]any{
			sku + ".JRTCKXETXF": map[string]any{
				"effectiveDate": effective, "offerTermCode": "JRTCKXETXF", "sku": sku, "termAttributes": map[string]any{},
				"priceDimensions": map[string]any{
					sku + ".JRTCKXETXF.6YS6EN2CT7": map[string]any{
						"unit": unit, "beginRange": "0", "endRange": "Inf", "appliesTo": []string{},
						"description":  "$" + usd + " per " + unit,
						"pricePerUnit": map[string]string{"USD": usd},
					},
				},
			},
		}},
		"version": "20261101000000", "publicationDate": "2026-11-01T00:00:00Z",
	}
	b, _ := json.Marshal(doc)
	f.docs = append(f.docs, product{serviceCode: serviceCode, family: family, attrs: attrs, doc: string(b)})
}

// ServeHTTP answers GetProducts, one document per page.
func (f *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != "AWSPriceListService.GetProducts" {
		http.Error(w, "unexpected target "+r.Header.Get("X-Amz-Target"), http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var in Request
	if err := json.Unmarshal(body, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Requests = append(f.Requests, in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if f.FailWith != "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":%q,"message":"User is not authorized to perform: pricing:GetProducts"}`, f.FailWith)
		return
	}
	var matches []string
	for _, p := range f.docs {
		if p.serviceCode == in.ServiceCode && p.matches(in.Filters) {
			matches = append(matches, p.doc)
		}
	}
	start := 0
	if in.NextToken != "" {
		start, _ = strconv.Atoi(in.NextToken)
	}
	out := map[string]any{"FormatVersion": "aws_v1", "PriceList": []string{}}
	if start < len(matches) {
		out["PriceList"] = matches[start : start+1]
		if start+1 < len(matches) {
			out["NextToken"] = strconv.Itoa(start + 1)
		}
	}
	_ = json.NewEncoder(w).Encode(out)
}

func (p product) matches(filters []Filter) bool {
	for _, fl := range filters {
		v := p.attrs[fl.Field]
		if fl.Field == "productFamily" {
			v = p.family
		}
		switch fl.Type {
		case "TERM_MATCH", "EQUALS":
			if v != fl.Value {
				return false
			}
		case "CONTAINS":
			if !strings.Contains(v, fl.Value) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// RecordedUSEast1 returns a fake holding products shaped like the Price List's,
// including lookalikes the filters or usage-type matching must reject.
func RecordedUSEast1() *Server {
	f := &Server{}
	r := func(attrs map[string]string) map[string]string {
		attrs["regionCode"] = "us-east-1"
		attrs["location"] = "US East (N. Virginia)"
		return attrs
	}
	const eff = "2026-11-01T00:00:00Z"
	f.Add("AmazonEC2", "NAT Gateway", r(map[string]string{"usagetype": "NatGateway-Hours", "operation": "NatGateway"}), "Hrs", "0.0450000000", eff)
	f.Add("AmazonEC2", "NAT Gateway", r(map[string]string{"usagetype": "NatGateway-Bytes", "operation": "NatGateway"}), "GB", "0.0450000000", eff)
	f.Add("AmazonVPC", "VPC Public IPv4 Address", r(map[string]string{"usagetype": "USE1-PublicIPv4:InUseAddress"}), "Hrs", "0.0050000000", eff)
	f.Add("AmazonVPC", "VPC Public IPv4 Address", r(map[string]string{"usagetype": "USE1-PublicIPv4:IdleAddress"}), "Hrs", "0.0050000000", eff)
	f.Add("AmazonVPC", "VpcEndpoint", r(map[string]string{"usagetype": "USE1-VpcEndpoint-Hours"}), "Hrs", "0.0100000000", eff)
	f.Add("AmazonVPC", "VpcEndpoint", r(map[string]string{"usagetype": "USE1-VpcEndpoint-Bytes"}), "GB", "0.0100000000", eff)
	f.Add("AWSELB", "Load Balancer-Application", r(map[string]string{"usagetype": "LoadBalancerUsage"}), "Hrs", "0.0225000000", eff)
	f.Add("AWSELB", "Load Balancer-Application", r(map[string]string{"usagetype": "LCUUsage"}), "LCU-Hrs", "0.0080000000", eff)
	f.Add("AWSELB", "Load Balancer-Network", r(map[string]string{"usagetype": "LoadBalancerUsage"}), "Hrs", "0.0225000000", eff)
	f.Add("AmazonEC2", "Storage", r(map[string]string{"usagetype": "EBS:VolumeUsage.gp3", "volumeApiName": "gp3"}), "GB-Mo", "0.0800000000", eff)
	f.Add("AmazonEC2", "Storage", r(map[string]string{"usagetype": "EBS:VolumeUsage.gp2", "volumeApiName": "gp2"}), "GB-Mo", "0.1000000000", eff)
	f.Add("AmazonDynamoDB", "Amazon DynamoDB PayPerRequest Throughput", r(map[string]string{"usagetype": "USE1-WriteRequestUnits"}), "WriteRequestUnits", "0.0000006250", eff)
	f.Add("AmazonDynamoDB", "Amazon DynamoDB PayPerRequest Throughput", r(map[string]string{"usagetype": "USE1-IA-WriteRequestUnits"}), "WriteRequestUnits", "0.0000007800", eff)
	f.Add("AmazonDynamoDB", "Amazon DynamoDB PayPerRequest Throughput", r(map[string]string{"usagetype": "USE1-ReadRequestUnits"}), "ReadRequestUnits", "0.0000001250", eff)
	f.Add("AmazonDynamoDB", "Database Storage", r(map[string]string{"usagetype": "USE1-TimedStorage-ByteHrs"}), "GB-Mo", "0.2500000000", eff)
	f.Add("AmazonDynamoDB", "Database Storage", r(map[string]string{"usagetype": "USE1-IA-TimedStorage-ByteHrs"}), "GB-Mo", "0.1000000000", eff)
	f.Add("AmazonDynamoDB", "Amazon DynamoDB PITR Backup", r(map[string]string{"usagetype": "USE1-TimedPITRStorage-ByteHrs"}), "GB-Mo", "0.2000000000", eff)
	f.Add("AmazonDynamoDB", "Amazon DynamoDB Export To S3", r(map[string]string{"usagetype": "USE1-ExportDataSize-Bytes"}), "GB", "0.1000000000", eff)
	f.Add("AmazonCloudWatch", "Alarm", r(map[string]string{"usagetype": "CW:AlarmMonitorUsage"}), "Alarms", "0.1000000000", eff)
	f.Add("AmazonCloudWatch", "Alarm", r(map[string]string{"usagetype": "CW:HighResAlarmMonitorUsage"}), "Alarms", "0.3000000000", eff)
	f.Add("AmazonS3", "Storage", r(map[string]string{"usagetype": "TimedStorage-ByteHrs", "volumeType": "Standard", "storageClass": "General Purpose"}), "GB-Mo", "0.0230000000", eff)
	f.Add("AmazonS3", "Storage", r(map[string]string{"usagetype": "TimedStorage-INT-FA-ByteHrs", "volumeType": "Intelligent-Tiering Frequent Access"}), "GB-Mo", "0.0230000000", eff)
	for _, it := range []struct{ typ, usd string }{{"t4g.micro", "0.0084000000"}, {"t4g.small", "0.0168000000"}, {"t3.micro", "0.0104000000"}} {
		for _, os := range []struct{ name, usd string }{{"Linux", it.usd}, {"Windows", "0.0196000000"}} {
			f.Add("AmazonEC2", "Compute Instance", r(map[string]string{
				"usagetype": "BoxUsage:" + it.typ, "instanceType": it.typ, "operatingSystem": os.name, "tenancy": "Shared",
				"preInstalledSw": "NA", "capacitystatus": "Used", "licenseModel": "No License required",
			}), "Hrs", os.usd, eff)
		}
	}
	return f
}
