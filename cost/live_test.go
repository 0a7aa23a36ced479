package cost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// fakePriceList is a loopback Price List API (awsJson1_1 GetProducts) that
// evaluates TERM_MATCH/EQUALS/CONTAINS filters over recorded-shape documents
// and pages one document at a time, so pagination is exercised too.
type fakePriceList struct {
	mu       sync.Mutex
	docs     []fakeProduct
	requests []fakeGetProducts
	failWith string // an error __type to answer with, if set
}

type fakeProduct struct {
	serviceCode string
	family      string
	attrs       map[string]string
	doc         string
}

type fakeFilter struct{ Type, Field, Value string }

type fakeGetProducts struct {
	ServiceCode   string
	Filters       []fakeFilter
	FormatVersion string
	MaxResults    int
	NextToken     string
}

func (f *fakePriceList) add(serviceCode, family string, attrs map[string]string, unit, usd, effective string) {
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
	f.docs = append(f.docs, fakeProduct{serviceCode: serviceCode, family: family, attrs: attrs, doc: string(b)})
}

func (f *fakePriceList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != "AWSPriceListService.GetProducts" {
		http.Error(w, "unexpected target "+r.Header.Get("X-Amz-Target"), http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var in fakeGetProducts
	if err := json.Unmarshal(body, &in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if f.failWith != "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":%q,"message":"User is not authorized to perform: pricing:GetProducts"}`, f.failWith)
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

func (p fakeProduct) matches(filters []fakeFilter) bool {
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

// recordedUSEast1 fills the fake with products shaped like the Price List's,
// including lookalikes the filters or usage-type matching must reject.
func recordedUSEast1() *fakePriceList {
	f := &fakePriceList{}
	r := func(attrs map[string]string) map[string]string {
		attrs["regionCode"] = "us-east-1"
		attrs["location"] = "US East (N. Virginia)"
		return attrs
	}
	const eff = "2026-11-01T00:00:00Z"
	f.add("AmazonEC2", "NAT Gateway", r(map[string]string{"usagetype": "NatGateway-Hours", "operation": "NatGateway"}), "Hrs", "0.0450000000", eff)
	f.add("AmazonEC2", "NAT Gateway", r(map[string]string{"usagetype": "NatGateway-Bytes", "operation": "NatGateway"}), "GB", "0.0450000000", eff)
	f.add("AmazonVPC", "VPC Public IPv4 Address", r(map[string]string{"usagetype": "USE1-PublicIPv4:InUseAddress"}), "Hrs", "0.0050000000", eff)
	f.add("AmazonVPC", "VPC Public IPv4 Address", r(map[string]string{"usagetype": "USE1-PublicIPv4:IdleAddress"}), "Hrs", "0.0050000000", eff)
	f.add("AmazonVPC", "VpcEndpoint", r(map[string]string{"usagetype": "USE1-VpcEndpoint-Hours"}), "Hrs", "0.0100000000", eff)
	f.add("AmazonVPC", "VpcEndpoint", r(map[string]string{"usagetype": "USE1-VpcEndpoint-Bytes"}), "GB", "0.0100000000", eff)
	f.add("AWSELB", "Load Balancer-Application", r(map[string]string{"usagetype": "LoadBalancerUsage"}), "Hrs", "0.0225000000", eff)
	f.add("AWSELB", "Load Balancer-Application", r(map[string]string{"usagetype": "LCUUsage"}), "LCU-Hrs", "0.0080000000", eff)
	f.add("AWSELB", "Load Balancer-Network", r(map[string]string{"usagetype": "LoadBalancerUsage"}), "Hrs", "0.0225000000", eff)
	f.add("AmazonEC2", "Storage", r(map[string]string{"usagetype": "EBS:VolumeUsage.gp3", "volumeApiName": "gp3"}), "GB-Mo", "0.0800000000", eff)
	f.add("AmazonEC2", "Storage", r(map[string]string{"usagetype": "EBS:VolumeUsage.gp2", "volumeApiName": "gp2"}), "GB-Mo", "0.1000000000", eff)
	f.add("AmazonDynamoDB", "Amazon DynamoDB PayPerRequest Throughput", r(map[string]string{"usagetype": "USE1-WriteRequestUnits"}), "WriteRequestUnits", "0.0000006250", eff)
	f.add("AmazonDynamoDB", "Amazon DynamoDB PayPerRequest Throughput", r(map[string]string{"usagetype": "USE1-IA-WriteRequestUnits"}), "WriteRequestUnits", "0.0000007800", eff)
	f.add("AmazonDynamoDB", "Amazon DynamoDB PayPerRequest Throughput", r(map[string]string{"usagetype": "USE1-ReadRequestUnits"}), "ReadRequestUnits", "0.0000001250", eff)
	f.add("AmazonDynamoDB", "Database Storage", r(map[string]string{"usagetype": "USE1-TimedStorage-ByteHrs"}), "GB-Mo", "0.2500000000", eff)
	f.add("AmazonDynamoDB", "Amazon DynamoDB PITR Backup", r(map[string]string{"usagetype": "USE1-TimedPITRStorage-ByteHrs"}), "GB-Mo", "0.2000000000", eff)
	f.add("AmazonDynamoDB", "Amazon DynamoDB Export To S3", r(map[string]string{"usagetype": "USE1-ExportDataSize-Bytes"}), "GB", "0.1000000000", eff)
	f.add("AmazonS3", "Storage", r(map[string]string{"usagetype": "TimedStorage-ByteHrs", "volumeType": "Standard", "storageClass": "General Purpose"}), "GB-Mo", "0.0230000000", eff)
	f.add("AmazonS3", "Storage", r(map[string]string{"usagetype": "TimedStorage-INT-FA-ByteHrs", "volumeType": "Intelligent-Tiering Frequent Access"}), "GB-Mo", "0.0230000000", eff)
	for _, it := range []struct{ typ, usd string }{{"t4g.micro", "0.0084000000"}, {"t3.micro", "0.0104000000"}} {
		for _, os := range []struct{ name, usd string }{{"Linux", it.usd}, {"Windows", "0.0196000000"}} {
			f.add("AmazonEC2", "Compute Instance", r(map[string]string{
				"usagetype": "BoxUsage:" + it.typ, "instanceType": it.typ, "operatingSystem": os.name, "tenancy": "Shared",
				"preInstalledSw": "NA", "capacitystatus": "Used", "licenseModel": "No License required",
			}), "Hrs", os.usd, eff)
		}
	}
	return f
}

func liveClient(t *testing.T, h http.Handler, creds aws.CredentialsProvider) ProductsAPI {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := aws.Config{Region: "us-east-1", Credentials: creds, RetryMaxAttempts: 1}
	return NewPriceListClient(cfg, srv.URL)
}

var testCreds = credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")

func TestFetchLiveReadsEveryPriceFromThePriceListAPI(t *testing.T) {
	fake := recordedUSEast1()
	api := liveClient(t, fake, testCreds)
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	got, err := FetchLive(context.Background(), api, "us-east-1", []string{"t4g.micro", "t3.micro"}, now)
	if err != nil {
		t.Fatalf("FetchLive: %v", err)
	}
	want := map[string]float64{
		PriceNATHour: 0.045, PriceNATGB: 0.045, PricePublicIPv4Hour: 0.005,
		PriceInterfaceEndpointAZHour: 0.01, PriceInterfaceEndpointGB: 0.01, PriceGatewayEndpointMonth: 0,
		PriceALBHour: 0.0225, PriceALBLCUHour: 0.008, PriceEBSgp3GBMonth: 0.08,
		PriceDynamoWriteMillion: 0.625, PriceDynamoReadMillion: 0.125, PriceDynamoStorageGBMonth: 0.25,
		PriceDynamoPITRGBMonth: 0.20, PriceDynamoExportGB: 0.10, PriceS3StandardGBMonth: 0.023,
		InstanceHourKey("t4g.micro"): 0.0084, InstanceHourKey("t3.micro"): 0.0104,
	}
	if len(got.Prices) != len(want) {
		t.Errorf("got %d prices, want %d: %+v", len(got.Prices), len(want), got.Prices)
	}
	for key, usd := range want {
		p, err := got.Lookup(key)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if diff := p.USD - usd; diff > 1e-9 || diff < -1e-9 {
			t.Errorf("%s = %v, want %v (source %s)", key, p.USD, usd, p.Source)
		}
		if key != PriceGatewayEndpointMonth && (p.Date != "2026-11-01" || !strings.Contains(p.Source, "Price List API")) {
			t.Errorf("%s: date %q source %q, want the offer's effective date and the API as source", key, p.Date, p.Source)
		}
	}
	if got.Recorded != "2026-11-27" || got.Region != "us-east-1" {
		t.Errorf("table region/recorded = %q/%q", got.Region, got.Recorded)
	}
	// Every request is filtered by region and usage type: the model never
	// downloads a whole service's price list.
	for _, req := range fake.requests {
		var region, usage bool
		for _, f := range req.Filters {
			region = region || (f.Field == "regionCode" && f.Value == "us-east-1" && f.Type == "TERM_MATCH")
			usage = usage || (f.Field == "usagetype" && f.Type == "CONTAINS")
		}
		if !region || !usage || req.FormatVersion != "aws_v1" {
			t.Errorf("request %+v lacks the region/usagetype filters or format", req)
		}
	}
}

func TestFetchLiveNeverSubstitutesAnotherRegion(t *testing.T) {
	api := liveClient(t, recordedUSEast1(), testCreds)
	_, err := FetchLive(context.Background(), api, "eu-west-1", nil, time.Now())
	if err == nil || !strings.Contains(err.Error(), "eu-west-1") {
		t.Fatalf("FetchLive(eu-west-1) over us-east-1 products: err = %v, want a no-product error naming the region", err)
	}
}

func TestFetchLiveAccessDeniedNamesThePermission(t *testing.T) {
	api := liveClient(t, &fakePriceList{failWith: "AccessDeniedException"}, testCreds)
	_, err := FetchLive(context.Background(), api, "us-east-1", nil, time.Now())
	if err == nil || !strings.Contains(err.Error(), "pricing:GetProducts") {
		t.Fatalf("err = %v, want the missing permission named", err)
	}
}

func TestFetchLiveWithoutCredentialsNamesTheFix(t *testing.T) {
	noCreds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("no credential source found")
	})
	fake := recordedUSEast1()
	api := liveClient(t, fake, noCreds)
	_, err := FetchLive(context.Background(), api, "us-east-1", nil, time.Now())
	if err == nil || !strings.Contains(err.Error(), "AWS_PROFILE") {
		t.Fatalf("err = %v, want the credential fix named", err)
	}
	if len(fake.requests) != 0 {
		t.Errorf("an unsigned request reached the endpoint")
	}
}

func TestUsageMatchesOnlyTheExactTypeBehindARegionPrefix(t *testing.T) {
	cases := []struct {
		usage, want string
		ok          bool
	}{
		{"NatGateway-Hours", "NatGateway-Hours", true},
		{"USE1-NatGateway-Hours", "NatGateway-Hours", true},
		{"USE1-IA-WriteRequestUnits", "WriteRequestUnits", false},
		{"USE1-WriteRequestUnits", "WriteRequestUnits", true},
		{"BoxUsage:t3.micro", "BoxUsage:t3.micro", true},
		{"use1-NatGateway-Hours", "NatGateway-Hours", false},
	}
	for _, c := range cases {
		if got := usageMatches(c.usage, c.want); got != c.ok {
			t.Errorf("usageMatches(%q, %q) = %v, want %v", c.usage, c.want, got, c.ok)
		}
	}
}
