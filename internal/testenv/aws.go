package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// IsolateAWS points the SDK's shared config and credentials files into a
// fresh directory, clears the credential variables and turns instance
// metadata off, so a test sees only the AWS settings it makes itself (not
// the developer's ~/.aws or an instance role). It returns the directory;
// WriteAWSProfile adds a profile there.
func IsolateAWS(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"), "AWS_CONFIG_FILE": filepath.Join(dir, "config"),
		"AWS_PROFILE": "", "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
		"AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	return dir
}

// WriteAWSProfile writes a credentials file into dir (from IsolateAWS)
// holding profile with access key keyID.
func WriteAWSProfile(t testing.TB, dir, profile, keyID string) {
	t.Helper()
	body := "[" + profile + "]\naws_access_key_id = " + keyID + "\naws_secret_access_key = secret\n"
	if err := os.WriteFile(filepath.Join(dir, "credentials"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// FakeAWSConfig returns an aws.Config for SDK clients pointed at a loopback
// fake serving endpoint: fixed test credentials (the fake does not check the
// signature) and a single attempt, because tests assert on failures rather
// than wait through back-off. An empty endpoint leaves each client to set
// its own, for fakes that serve each service on a separate address.
func FakeAWSConfig(endpoint string) aws.Config {
	cfg := aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		RetryMaxAttempts: 1,
	}
	if endpoint != "" {
		cfg.BaseEndpoint = aws.String(endpoint)
	}
	return cfg
}

// DecoyAWSEndpoints puts endpoint overrides for service (for example
// "SSM", "DYNAMODB") and for every service into the process environment,
// pointing at a port nothing answers on, with static keys and instance
// metadata off: a test then proves that a client takes its endpoint only
// from its own configuration, never from the environment.
func DecoyAWSEndpoints(t testing.TB, service string) {
	t.Helper()
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9/from-process-env")
	t.Setenv("AWS_ENDPOINT_URL_"+service, "http://127.0.0.1:9/from-process-env-"+strings.ToLower(service))
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}
