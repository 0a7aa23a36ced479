package smoke

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// maxAnswer bounds how much of an answer is read: every docmeta answer the
// smoke check asks for is far smaller.
const maxAnswer = 1 << 20

// client sends the smoke check's requests to the service.
type client struct {
	base string
	key  string
	http *http.Client
}

func newClient(cfg Config) *client {
	return &client{base: cfg.ServiceURL, key: cfg.APIKey, http: cfg.HTTP}
}

// answer is a response read in full.
type answer struct {
	status int
	header http.Header
	body   []byte
	tls    bool
}

// apiError is docmeta's error body.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// code is the docmeta error code of the answer, "" when the body is not a
// docmeta error (e.g. the load balancer's or CloudFront's own page).
func (a answer) code() string {
	var e apiError
	if json.Unmarshal(a.body, &e) != nil {
		return ""
	}
	return e.Error.Code
}

// summary describes the answer for a failure message.
func (a answer) summary() string {
	var e apiError
	if json.Unmarshal(a.body, &e) == nil && e.Error.Code != "" {
		return fmt.Sprintf("%d %s (%s)", a.status, e.Error.Code, e.Error.Message)
	}
	b := strings.Join(strings.Fields(string(a.body)), " ")
	if len(b) > 120 {
		b = b[:120] + "…"
	}
	if srv := a.header.Get("Server"); srv != "" {
		return fmt.Sprintf("%d from %s: %q", a.status, srv, b)
	}
	return fmt.Sprintf("%d: %q", a.status, b)
}

// do sends a request with the API key when keyed is true.
func (c *client) do(ctx context.Context, method, path, contentType string, body io.Reader, keyed bool) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return answer{}, fmt.Errorf("build %s %s: %w", method, path, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if keyed && c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return answer{}, transportFailure(method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return answer{}, fail(err, "check the network path to the service and run again", "%s %s: reading the answer: %v", method, path, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b, tls: resp.TLS != nil}, nil
}

// transportFailure names the fix for a request that got no answer: an
// untrusted certificate, a name that does not resolve, a refused
// connection, a timeout.
func transportFailure(method, path string, err error) *Failure {
	var (
		unknownCA  x509.UnknownAuthorityError
		hostname   x509.HostnameError
		invalid    x509.CertificateInvalidError
		verify     *tls.CertificateVerificationError
		dnsErr     *net.DNSError
		recordHdr  tls.RecordHeaderError
		deadlineCx = errors.Is(err, context.DeadlineExceeded)
	)
	switch {
	case errors.As(err, &hostname):
		return fail(err, "use the service_url output unchanged (the certificate names that host); with a custom domain, the ACM certificate must cover it",
			"%s %s: TLS certificate is not valid for this host: %v", method, path, hostname)
	case errors.As(err, &unknownCA), errors.As(err, &invalid), errors.As(err, &verify):
		return fail(err, "the service must present a certificate from a public CA (CloudFront's default one, or ACM); for a private CA pass its PEM with --ca-file",
			"%s %s: TLS certificate not trusted: %v", method, path, err)
	case errors.As(err, &recordHdr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return fail(err, "the URL says https but the server speaks plain HTTP: take service_url from the current outputs file",
			"%s %s: not a TLS server: %v", method, path, err)
	case errors.As(err, &dnsErr):
		return fail(err, "check service_url in the outputs file is from the current deploy; a new CloudFront distribution's name resolves within minutes of `cdktf deploy`",
			"%s %s: host name does not resolve: %v", method, path, dnsErr)
	case deadlineCx:
		return fail(err, "the service did not answer within the step timeout: check the target health (next steps, or the console's fleet view) and raise --timeout on a slow link",
			"%s %s: no answer in time", method, path)
	}
	return fail(err, "check the network path to service_url (proxy, firewall) and that the deployment is up (`cdktf deploy` finished)",
		"%s %s: no answer: %v", method, path, err)
}

// edgeFix names the fix for an answer that came from the edge rather than
// the server (502/503/504 with no docmeta body, a 403 from WAF).
func edgeFix(a answer) string {
	switch {
	case a.status == http.StatusBadGateway || a.status == http.StatusGatewayTimeout || (a.status == http.StatusServiceUnavailable && a.code() == ""):
		return "the edge reached no healthy server: see the targets step, the console's fleet view, and /var/log/docmeta-bootstrap.log on an instance (Session Manager)"
	case a.status == http.StatusServiceUnavailable:
		return "the server cannot reach its store: check the DynamoDB gateway endpoint, the table and the instance role (server log /var/log/app/docmeta.log)"
	case a.status == http.StatusForbidden:
		return "refused before reaching the server (CloudFront or the WAF web ACL): check the web ACL's rate and managed rules and the distribution's allowed methods"
	case a.status == http.StatusUnauthorized:
		return "pass a valid key with --api-key or DOCMETA_API_KEY (one of the keys in the SSM parameter /docmeta/<profile>/api-keys)"
	}
	return "see the answer above and the server log (/var/log/app/docmeta.log on an instance)"
}
