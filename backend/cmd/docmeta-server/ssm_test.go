package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeSSM speaks the GetParameter call of SSM's JSON protocol
// (awsJson1_1) on loopback.
type fakeSSM struct {
	mu       sync.Mutex
	params   map[string]string
	requests []map[string]any
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
	fake, url := startFakeSSM(t, map[string]string{"/docmeta/api-keys": "ssm-key-one, ssm-key-two\n"})
	s := start(t, env(t, map[string]string{
		"DOCMETA_ADDR": "0.0.0.0:0", // keys from SSM satisfy the rule for public addresses
		"AWS_REGION":   "eu-west-1", "AWS_ENDPOINT_URL_SSM": url,
		"DOCMETA_API_KEYS_SSM_PARAMETER": "/docmeta/api-keys",
		"DOCMETA_API_KEYS":               "env-key",
	}))
	s.url = strings.Replace(s.url, "0.0.0.0", "127.0.0.1", 1)
	for _, k := range []string{"ssm-key-one", "ssm-key-two", "env-key"} {
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

func TestSSMParameterMissingFailsFast(t *testing.T) {
	_, url := startFakeSSM(t, map[string]string{})
	msg := runError(t, env(t, map[string]string{
		"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_SSM": url, "DOCMETA_API_KEYS_SSM_PARAMETER": "/docmeta/missing",
	}))
	checkMessage(t, msg, "DOCMETA_API_KEYS_SSM_PARAMETER=/docmeta/missing", "create it")
}

func TestSSMParameterEmptyFailsFast(t *testing.T) {
	_, url := startFakeSSM(t, map[string]string{"/docmeta/empty": " , "})
	msg := runError(t, env(t, map[string]string{
		"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_SSM": url, "DOCMETA_API_KEYS_SSM_PARAMETER": "/docmeta/empty",
	}))
	checkMessage(t, msg, "DOCMETA_API_KEYS_SSM_PARAMETER=/docmeta/empty", "no keys")
}
