// Package apiclient is the console's adapter for docmeta's HTTP API: it
// implements tui.DocumentsSource and (for local mode) tui.FleetSource with
// net/http, sending the API key as a Bearer token.
package apiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/tui"
)

// Client talks to one docmeta server.
type Client struct {
	base   *url.URL
	apiKey string
	http   *http.Client
	now    func() time.Time
}

// New checks the base URL (http or https, with a host) and returns a client.
// httpClient may be nil for a default one.
func New(baseURL, apiKey string, httpClient *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server URL %q must look like http://127.0.0.1:8080 (set --url or DOCMETA_URL)", baseURL)
	}
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	return &Client{base: u, apiKey: apiKey, http: httpClient, now: time.Now}, nil
}

// URL is the server's base URL.
func (c *Client) URL() string { return c.base.String() }

type listResponse struct {
	Documents  []backend.Document `json:"documents"`
	NextCursor string             `json:"next_cursor"`
}

// ListDocuments calls GET /documents?limit=&cursor=.
func (c *Client) ListDocuments(ctx context.Context, limit int, cursor string) (tui.DocumentPage, error) {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	var out listResponse
	if _, err := c.get(ctx, "/documents", q, &out); err != nil {
		return tui.DocumentPage{}, err
	}
	return tui.DocumentPage{Documents: out.Documents, NextCursor: out.NextCursor}, nil
}

type statusResponse struct {
	Status  string `json:"status"`
	Version string `json:"version"`
	Store   string `json:"store"`
}

// Fleet reports the local server's GET /status. A server that cannot be
// reached is still described (reachable: no) next to the error.
func (c *Client) Fleet(ctx context.Context) (tui.Fleet, error) {
	s := tui.ServerStatus{URL: c.base.String()}
	var out statusResponse
	start := c.now()
	_, err := c.get(ctx, "/status", nil, &out)
	s.Latency = c.now().Sub(start)
	if err != nil {
		if tui.ProblemOf(err) == tui.ProblemUnreachable {
			s.Latency = 0
		} else {
			s.Reachable = true
		}
		s.Problem = err.Error()
		return tui.Fleet{Server: &s}, err
	}
	s.Reachable, s.Version, s.Store = true, out.Version, out.Store
	if out.Status != "ok" {
		s.Problem = fmt.Sprintf("status is %q, not ok", out.Status)
	}
	return tui.Fleet{Server: &s}, nil
}

type errorResponse struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (c *Client) get(ctx context.Context, path string, q url.Values, out any) (int, error) {
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + path
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, fmt.Errorf("build request for %s: %w", path, err)
	}
	req.Header.Set("Accept", "application/json")
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, c.transportError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return resp.StatusCode, tui.Errorf(tui.ProblemUnreachable, err, "read %s from %s", path, c.base)
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, c.statusError(path, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return resp.StatusCode, tui.Errorf(tui.ProblemOther, err,
			"%s%s did not answer docmeta JSON (is --url pointing at a docmeta server?)", c.base, path)
	}
	return resp.StatusCode, nil
}

func (c *Client) transportError(err error) error {
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		return tui.Errorf(tui.ProblemUnreachable, err, "server %s did not answer in time (is it overloaded?)", c.base)
	default:
		return tui.Errorf(tui.ProblemUnreachable, err, "server %s is not reachable (start it with `make run` or fix --url)", c.base)
	}
}

func (c *Client) statusError(path string, code int, body []byte) error {
	var e errorResponse
	msg := strings.TrimSpace(string(body))
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		msg = e.Error.Code + ": " + e.Error.Message
	}
	if len(msg) > 200 {
		msg = msg[:200]
	}
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return tui.Errorf(tui.ProblemUnauthorized, nil,
			"server refused the API key for %s (HTTP %d: %s); pass --api-key or set DOCMETA_API_KEY", path, code, msg)
	case code == http.StatusTooManyRequests:
		return tui.Errorf(tui.ProblemThrottled, nil, "server throttled %s (HTTP 429); the next refresh retries", path)
	case code == http.StatusServiceUnavailable || code == http.StatusBadGateway || code == http.StatusGatewayTimeout:
		return tui.Errorf(tui.ProblemUnreachable, nil,
			"%s answered HTTP %d for %s (%s); check the server's store and the load balancer's targets", c.base, code, path, msg)
	case code == http.StatusNotFound:
		return tui.Errorf(tui.ProblemNotFound, nil, "%s%s not found (HTTP 404); is --url a docmeta server?", c.base, path)
	default:
		return tui.Errorf(tui.ProblemOther, nil, "%s failed with HTTP %d: %s", path, code, msg)
	}
}
