package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/docmeta/docmeta/internal/testenv"
)

// fakeSSM speaks the GetParameter call of SSM's JSON protocol
// (awsJson1_1) on loopback.
type fakeSSM struct {
	mu       sync.Mutex
	params   map[string]string
	requests []map[string]any
	auths    []string // the Authorization header of each request
}

func startFakeSSM(t *testing.T, params map[string]string) (*fakeSSM, string) {
	f := &fakeSSM{params: params}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func (f *fakeSSM) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if r.Header.Get("X-Amz-Target") != "AmazonSSM.GetParameter" || !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256") {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"InvalidAction","message":"unexpected request"}`)
		return
	}
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, in)
	f.auths = append(f.auths, r.Header.Get("Authorization"))
	f.mu.Unlock()
	name, _ := in["Name"].(string)
	v, ok := f.params[name]
	if !ok {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"ParameterNotFound","message":"Parameter not found."}`)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"Parameter": map[string]any{
		"Name": name, "Type": "SecureString", "Value": v, "Version": 1,
	}})
}

func TestAPIKeysFromSSM(t *testing.T) {
	fake, url := startFakeSSM(t, map[string]string{"/docmeta/api-keys": "ssm-key-one-0123456789, ssm-key-two-0123456789\n"})
	s := start(t, env(t, map[string]string{
		"DOCMETA_ADDR": "0.0.0.0:0", // keys from SSM satisfy the rule for public addresses
		"AWS_REGION":   "eu-west-1", "AWS_ENDPOINT_URL_SSM": url,
		"DOCMETA_API_KEYS_SSM_PARAMETER": "/docmeta/api-keys",
		"DOCMETA_API_KEYS":               "env-key-0123456789",
	}))
	s.url = strings.Replace(s.url, "0.0.0.0", "127.0.0.1", 1)
	for _, k := range []string{"ssm-key-one-0123456789", "ssm-key-two-0123456789", "env-key-0123456789"} {
		s.key = k
		s.upload("k.txt", k)
	}
	if status, _ := s.request("GET", "/documents", "", nil, "ssm-key-three"); status != http.StatusUnauthorized {
		t.Fatalf("unknown key: status %d", status)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.requests) != 1 || fake.requests[0]["WithDecryption"] != true {
		t.Fatalf("SSM requests %v; want one GetParameter WithDecryption", fake.requests)
	}
}

// TestSSMParameterUnusableFailsFast: a parameter that is missing, or holds
// no key, stops the start with a line naming it and the fix.
func TestSSMParameterUnusableFailsFast(t *testing.T) {
	for _, tc := range []struct {
		name, param string
		stored      map[string]string
		fix         string
	}{
		{"missing", "/docmeta/missing", map[string]string{}, "create it"},
		{"empty", "/docmeta/empty", map[string]string{"/docmeta/empty": " , "}, "no keys"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, url := startFakeSSM(t, tc.stored)
			msg := runError(t, env(t, map[string]string{
				"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_SSM": url, "DOCMETA_API_KEYS_SSM_PARAMETER": tc.param,
			}))
			checkMessage(t, msg, "DOCMETA_API_KEYS_SSM_PARAMETER="+tc.param, tc.fix)
		})
	}
}

// TestSSMUsesProfileAndEndpointFromGetenv: the profile and endpoint come
// from run's getenv, not from the process environment. The process holds a
// decoy endpoint and no profile; getenv names the profile whose key must
// sign the request (the fake records the Authorization header).
func TestSSMUsesProfileAndEndpointFromGetenv(t *testing.T) {
	fake, url := startFakeSSM(t, map[string]string{"/docmeta/api-keys": "profile-key-0123456789"})
	// Credential file locations stay the SDK's (process environment).
	testenv.WriteAWSProfile(t, testenv.IsolateAWS(t), "docmeta-test", "AKIDFROMPROFILE")
	t.Setenv("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:9/decoy-from-process-env")

	s := start(t, env(t, map[string]string{
		"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_SSM": url, "AWS_PROFILE": "docmeta-test",
		"DOCMETA_API_KEYS_SSM_PARAMETER": "/docmeta/api-keys",
	}))
	s.key = "profile-key-0123456789"
	s.upload("p.txt", "signed with the profile's key")
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.auths) != 1 || !strings.Contains(fake.auths[0], "Credential=AKIDFROMPROFILE/") {
		t.Fatalf("SSM requests signed %q; want one signed with the AWS_PROFILE from getenv", fake.auths)
	}
}

// TestSSMClientIgnoresProcessEndpoint: without an SSM endpoint in the
// configuration the client uses AWS's, not one from the process
// environment.
func TestSSMClientIgnoresProcessEndpoint(t *testing.T) {
	testenv.DecoyAWSEndpoints(t, "SSM")
	c := config{Region: "eu-west-1", APIKeysSSMParam: "/docmeta/api-keys"}
	awsCfg, err := loadAWS(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if e := newSSMClient(*awsCfg, c).Options().BaseEndpoint; e != nil {
		t.Fatalf("no SSM endpoint configured, but the client uses %q from the process environment", *e)
	}
}

// One configuration serves the store and SSM, so dummy credentials for a
// loopback DynamoDB emulator must not reach an SSM call that goes to AWS.
func TestSharedAWSConfigIsLocalOnlyWhenEveryServiceIs(t *testing.T) {
	testenv.IsolateAWS(t)
	c := config{Region: "eu-west-1", Store: storeDynamo, Table: "t", DynamoEndpoint: "http://127.0.0.1:4567", APIKeysSSMParam: "/k"}
	for ssmEndpoint, wantDummy := range map[string]bool{"http://127.0.0.1:9": true, "": false} {
		c.SSMEndpoint = ssmEndpoint
		awsCfg, err := loadAWS(t.Context(), c)
		if err != nil {
			t.Fatal(err)
		}
		creds, err := awsCfg.Credentials.Retrieve(t.Context())
		if gotDummy := err == nil && creds.AccessKeyID == "docmeta-local"; gotDummy != wantDummy {
			t.Errorf("SSM endpoint %q: credentials %q (%v), want dummy ones: %v", ssmEndpoint, creds.AccessKeyID, err, wantDummy)
		}
	}
}
