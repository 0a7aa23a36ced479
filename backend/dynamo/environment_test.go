package dynamo

import (
	"context"
	"testing"

	"github.com/docmeta/docmeta/internal/testenv"
)

// TestClientTakesEndpointOnlyFromConfig: the SDK would also take an
// endpoint from the process environment (AWS_ENDPOINT_URL,
// AWS_ENDPOINT_URL_DYNAMODB) or a shared config file's endpoint_url. The
// server's caller passes the endpoint it means in Config, so an empty
// Config.Endpoint means AWS's regional endpoint, whatever the process
// environment holds.
func TestClientTakesEndpointOnlyFromConfig(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9/from-process-env")
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9/from-process-env-dynamodb")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")

	c, err := newClient(context.Background(), Config{Region: "eu-west-1", Table: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if e := c.Options().BaseEndpoint; e != nil {
		t.Errorf("no endpoint configured, but the client uses %q from the process environment", *e)
	}
	c, err = newClient(context.Background(), Config{Region: "eu-west-1", Table: "t", Endpoint: "http://127.0.0.1:4567"})
	if err != nil {
		t.Fatal(err)
	}
	if e := c.Options().BaseEndpoint; e == nil || *e != "http://127.0.0.1:4567" {
		t.Errorf("configured endpoint http://127.0.0.1:4567, client uses %v", e)
	}
	if r := c.Options().Region; r != "eu-west-1" {
		t.Errorf("configured region eu-west-1, client uses %q", r)
	}
}

// TestClientUsesConfiguredProfile: Config.Profile selects the shared
// config profile (the server passes AWS_PROFILE from its own getenv), and
// its credentials win over the emulator's dummy ones.
func TestClientUsesConfiguredProfile(t *testing.T) {
	// The file locations and the rest of the credential chain still come
	// from the SDK's defaults (the process environment); only the profile
	// is passed in.
	testenv.WriteAWSProfile(t, testenv.IsolateAWS(t), "docmeta-test", "AKIDFROMPROFILE")

	cfg := Config{Region: "eu-west-1", Table: "t", Endpoint: "http://127.0.0.1:4567"}
	for profile, wantKey := range map[string]string{"docmeta-test": "AKIDFROMPROFILE", "": "docmeta-local"} {
		cfg.Profile = profile
		c, err := newClient(context.Background(), cfg)
		if err != nil {
			t.Fatalf("profile %q: %v", profile, err)
		}
		got, err := c.Options().Credentials.Retrieve(context.Background())
		if err != nil || got.AccessKeyID != wantKey {
			t.Errorf("profile %q: access key %q (%v), want %q", profile, got.AccessKeyID, err, wantKey)
		}
	}

	cfg.Profile = "no-such-profile"
	if _, err := newClient(context.Background(), cfg); err == nil {
		t.Error("a profile that does not exist was accepted")
	} else {
		t.Log(err)
	}
}
