package testenv

import (
	"os"
	"path/filepath"
	"testing"
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
