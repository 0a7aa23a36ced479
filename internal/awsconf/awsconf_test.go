package awsconf

import (
	"context"
	"strings"
	"testing"

	"github.com/docmeta/docmeta/internal/testenv"
)

func TestOnlyLoopbackEndpointsCountAsLocal(t *testing.T) {
	for endpoint, want := range map[string]bool{
		"http://localhost:4567": true, "http://127.0.0.1:4567": true, "http://[::1]:4567": true, "https://127.1.2.3": true,
		"https://dynamodb.us-east-1.amazonaws.com": false, "http://10.0.0.5:4567": false, "http://localhost.example.com": false,
		"": false, "127.0.0.1:4567": false,
	} {
		if got := IsLoopback(endpoint); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", endpoint, got, want)
		}
	}
	for _, tc := range []struct {
		endpoints []string
		want      bool
	}{
		{nil, false},
		{[]string{"http://127.0.0.1:1"}, true},
		{[]string{"http://127.0.0.1:1", "http://localhost:2"}, true},
		// One service goes to AWS: the process is not local.
		{[]string{"http://127.0.0.1:1", ""}, false},
	} {
		if got := Local(tc.endpoints); got != tc.want {
			t.Errorf("Local(%q) = %v, want %v", tc.endpoints, got, tc.want)
		}
	}
}

func accessKey(t *testing.T, s Settings) (string, error) {
	t.Helper()
	cfg, err := Load(context.Background(), s)
	if err != nil {
		t.Fatalf("%+v: %v", s, err)
	}
	c, err := cfg.Credentials.Retrieve(context.Background())
	return c.AccessKeyID, err
}

func TestDummyCredentialsOnlyForLoopbackEndpoints(t *testing.T) {
	dir := testenv.IsolateAWS(t)
	if key, err := accessKey(t, Settings{Region: "eu-west-1", Endpoints: []string{"http://127.0.0.1:4567"}}); err != nil || key != LocalAccessKey {
		t.Errorf("loopback endpoint without credentials: key %q (%v), want %q", key, err, LocalAccessKey)
	}
	for _, eps := range [][]string{nil, {""}, {"http://127.0.0.1:4567", ""}} {
		if key, err := accessKey(t, Settings{Region: "eu-west-1", Endpoints: eps}); err == nil {
			t.Errorf("endpoints %q: credentials %q found, want the chain's error (no dummy credentials for AWS)", eps, key)
		}
	}
	// Credentials the chain finds win over dummy ones.
	testenv.WriteAWSProfile(t, dir, "docmeta-test", "AKIDFROMPROFILE")
	if key, err := accessKey(t, Settings{Region: "eu-west-1", Profile: "docmeta-test", Endpoints: []string{"http://127.0.0.1:4567"}}); err != nil || key != "AKIDFROMPROFILE" {
		t.Errorf("profile: key %q (%v), want AKIDFROMPROFILE", key, err)
	}
	if key, err := accessKey(t, Settings{Region: "eu-west-1", AccessKeyID: "AKIDGIVEN", SecretAccessKey: "s"}); err != nil || key != "AKIDGIVEN" {
		t.Errorf("static keys: key %q (%v), want AKIDGIVEN", key, err)
	}
}

func TestLoadErrorsNameTheFix(t *testing.T) {
	testenv.IsolateAWS(t)
	for _, tc := range []struct {
		s    Settings
		want string
	}{
		{Settings{}, "AWS_REGION"},
		{Settings{Region: "eu-west-1", Endpoints: []string{"127.0.0.1:4567"}}, "not an http(s) URL"},
		{Settings{Region: "eu-west-1", Profile: "no-such-profile"}, "check AWS_PROFILE"},
	} {
		if _, err := Load(context.Background(), tc.s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error containing %q", tc.s, err, tc.want)
		}
	}
}

func TestEndpointNilMeansAWS(t *testing.T) {
	if Endpoint("") != nil {
		t.Error(`Endpoint("") is not nil`)
	}
	if e := Endpoint("http://127.0.0.1:1"); e == nil || *e != "http://127.0.0.1:1" {
		t.Errorf("Endpoint = %v", e)
	}
}
