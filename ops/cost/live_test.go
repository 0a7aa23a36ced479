package cost

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/docmeta/docmeta/ops/cost/pricelisttest"
)

func liveClient(t *testing.T, h http.Handler, creds aws.CredentialsProvider) ProductsAPI {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := aws.Config{Region: "us-east-1", Credentials: creds, RetryMaxAttempts: 1}
	return NewPriceListClient(cfg, srv.URL)
}

var testCreds = credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")

func TestFetchLiveReadsEveryPriceFromThePriceListAPI(t *testing.T) {
	fake := pricelisttest.RecordedUSEast1()
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
		InstanceHourKey("t4g.micro"): 0.0084, InstanceHourKey("t3.micro"): 0.0104, PriceAlarmMonth: 0.10,
		PriceCloudFrontRequest10k: 0.01, PriceCloudFrontOutGB: 0.085, PriceCloudFrontOriginGB: 0.02, PriceVPCOriginMonth: 0,
		PriceWAFWebACLMonth: 5, PriceWAFRuleMonth: 1, PriceWAFRequestMillion: 0.6, PriceBudgetMonth: 0,
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
		if p.Date != "2026-11-27" {
			t.Errorf("%s: date %q, want the day it was fetched", key, p.Date)
		}
		if slices.Contains(EdgePriceKeys, key) {
			if !strings.HasPrefix(p.Source, "shipped us-east-1 table") {
				t.Errorf("%s: source %q, want it named as the shipped table's", key, p.Source)
			}
			continue
		}
		if key != PriceGatewayEndpointMonth && (p.Published != "2026-11-01" || !strings.Contains(p.Source, "Price List API")) {
			t.Errorf("%s: published %q source %q, want the offer's effective date and the API as source", key, p.Published, p.Source)
		}
	}
	if got.Recorded != "2026-11-27" || got.Region != "us-east-1" {
		t.Errorf("table region/recorded = %q/%q", got.Region, got.Recorded)
	}
	// Every request is filtered by region and usage type: the model never
	// downloads a whole service's price list.
	for _, req := range fake.Requests {
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
	api := liveClient(t, pricelisttest.RecordedUSEast1(), testCreds)
	_, err := FetchLive(context.Background(), api, "eu-west-1", nil, time.Now())
	if err == nil || !strings.Contains(err.Error(), "eu-west-1") {
		t.Fatalf("FetchLive(eu-west-1) over us-east-1 products: err = %v, want a no-product error naming the region", err)
	}
}

func TestFetchLiveAccessDeniedNamesThePermission(t *testing.T) {
	api := liveClient(t, &pricelisttest.Server{FailWith: "AccessDeniedException"}, testCreds)
	_, err := FetchLive(context.Background(), api, "us-east-1", nil, time.Now())
	if err == nil || !strings.Contains(err.Error(), "pricing:GetProducts") {
		t.Fatalf("err = %v, want the missing permission named", err)
	}
}

func TestFetchLiveWithoutCredentialsNamesTheFix(t *testing.T) {
	noCreds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("no credential source found")
	})
	fake := pricelisttest.RecordedUSEast1()
	api := liveClient(t, fake, noCreds)
	_, err := FetchLive(context.Background(), api, "us-east-1", nil, time.Now())
	if err == nil || !strings.Contains(err.Error(), "AWS_PROFILE") {
		t.Fatalf("err = %v, want the credential fix named", err)
	}
	if len(fake.Requests) != 0 {
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
