package smoke

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"time"
)

// listPageSize is the page the list step reads: the fresh upload is the
// newest document unless others arrived in the same moment.
const listPageSize = 100

type statusBody struct {
	Status  string `json:"status"`
	Version string `json:"version"`
	Store   string `json:"store"`
}

// status: GET /status answers 200 {"status":"ok"}.
func (r *runner) status(ctx context.Context) (string, error) {
	a, err := r.api.do(ctx, http.MethodGet, "/status", "", nil, false)
	if err != nil {
		return "", err
	}
	if a.status != http.StatusOK {
		return "", fail(nil, edgeFix(a), "GET /status answered %s, want 200", a.summary())
	}
	var s statusBody
	if err := json.Unmarshal(a.body, &s); err != nil || s.Status != "ok" {
		return "", fail(err, "service_url must point at docmeta (the load balancer or distribution of this stack)", "GET /status answered 200 but not docmeta's status: %s", a.summary())
	}
	return fmt.Sprintf("200 ok, version %s, store %s%s", s.Version, s.Store, tlsNote(a)), nil
}

func tlsNote(a answer) string {
	if a.tls {
		return ", TLS verified"
	}
	return ", plain HTTP"
}

// uploadResult is what the upload step sent and got back.
type uploadResult struct {
	doc    document
	sha256 string
	size   int64
	name   string
}

// upload: POST /upload of random bytes answers 201 with their SHA-256.
func (r *runner) upload(ctx context.Context) (string, error) {
	content := make([]byte, r.cfg.UploadBytes)
	random := r.cfg.Random
	if random == nil {
		random = rand.Reader
	}
	if _, err := io.ReadFull(random, content); err != nil {
		return "", fail(err, "run again", "reading random bytes: %v", err)
	}
	sum := sha256.Sum256(content)
	want := uploadResult{sha256: hex.EncodeToString(sum[:]), size: int64(len(content)),
		name: "docmeta-smoke-" + hex.EncodeToString(sum[:4]) + ".bin"}
	body, contentType := multipartFile(want.name, content)
	a, err := r.api.do(ctx, http.MethodPost, "/upload", contentType, body, true)
	if err != nil {
		return "", err
	}
	if a.status != http.StatusCreated {
		return "", fail(nil, edgeFix(a), "POST /upload answered %s, want 201", a.summary())
	}
	var doc document
	if err := json.Unmarshal(a.body, &doc); err != nil {
		return "", fail(err, "service_url must point at docmeta", "POST /upload answered 201 but not a document: %v", err)
	}
	if _, err := time.Parse(time.RFC3339Nano, doc.UploadedAt); err != nil || doc.ID == "" {
		return "", fail(err, "service_url must point at docmeta", "POST /upload answered 201 without an id or an RFC 3339 uploaded_at: %s", a.body)
	}
	switch {
	case doc.SHA256 != want.sha256:
		return "", fail(nil, "the body was altered on its way (a proxy or the edge re-encoding it): check the distribution forwards the body unchanged",
			"answer's sha256 %s differs from the sent bytes' %s", doc.SHA256, want.sha256)
	case doc.SizeBytes != want.size:
		return "", fail(nil, "the body was cut or altered on its way: check the edge's body limits", "answer's size_bytes %d, sent %d", doc.SizeBytes, want.size)
	case doc.Filename != want.name:
		return "", fail(nil, "check the edge forwards the multipart body unchanged", "answer's filename %q, sent %q", doc.Filename, want.name)
	case a.header.Get("Location") != "/documents/"+doc.ID:
		return "", fail(nil, "check the edge passes the Location header", "Location %q, want /documents/%s", a.header.Get("Location"), doc.ID)
	}
	want.doc = doc
	r.uploaded = &want
	return fmt.Sprintf("201 id %s, %d random bytes, sha256 %s… matches", doc.ID, want.size, want.sha256[:12]), nil
}

// multipartFile is a form with one part named "file".
func multipartFile(name string, content []byte) (io.Reader, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	part, _ := w.CreateFormFile("file", name) // writes to a bytes.Buffer: cannot fail
	_, _ = part.Write(content)
	_ = w.Close()
	return &b, w.FormDataContentType()
}

// get: GET /documents/{id} answers the uploaded document.
func (r *runner) get(ctx context.Context) (string, error) {
	if r.uploaded == nil {
		return "needs the upload", errSkipped
	}
	id := r.uploaded.doc.ID
	a, err := r.api.do(ctx, http.MethodGet, "/documents/"+url.PathEscape(id), "", nil, true)
	if err != nil {
		return "", err
	}
	if a.status != http.StatusOK {
		return "", fail(nil, edgeFix(a), "GET /documents/%s answered %s, want 200", id, a.summary())
	}
	var doc document
	if err := json.Unmarshal(a.body, &doc); err != nil {
		return "", fail(err, "service_url must point at docmeta", "GET /documents/%s answered 200 but not a document: %v", id, err)
	}
	if !sameDocument(doc, r.uploaded.doc) {
		return "", fail(nil, "the store returned other metadata than it acknowledged: check the server log for store errors",
			"GET /documents/%s answered %+v, the upload answered %+v", id, doc, r.uploaded.doc)
	}
	return "200, same id, size, sha256 and upload time", nil
}

func sameDocument(a, b document) bool {
	return a == b
}

type listBody struct {
	Documents  []document `json:"documents"`
	NextCursor string     `json:"next_cursor"`
}

// list: GET /documents lists the upload, newest first. The DynamoDB listing
// index is eventually consistent, so a miss is retried a few times.
func (r *runner) list(ctx context.Context) (string, error) {
	if r.uploaded == nil {
		return "needs the upload", errSkipped
	}
	id := r.uploaded.doc.ID
	path := fmt.Sprintf("/documents?limit=%d", listPageSize)
	for attempt := 1; ; attempt++ {
		a, err := r.api.do(ctx, http.MethodGet, path, "", nil, true)
		if err != nil {
			return "", err
		}
		if a.status != http.StatusOK {
			return "", fail(nil, edgeFix(a), "GET %s answered %s, want 200", path, a.summary())
		}
		var page listBody
		if err := json.Unmarshal(a.body, &page); err != nil {
			return "", fail(err, "service_url must point at docmeta", "GET %s answered 200 but not a listing: %v", path, err)
		}
		for i, d := range page.Documents {
			if d.ID == id {
				return fmt.Sprintf("200, upload at position %d of %d (attempt %d)", i+1, len(page.Documents), attempt), nil
			}
		}
		if attempt >= r.cfg.ListAttempts {
			return "", fail(nil, "the listing index lags or misses writes: check the table's by-day index and the server log; run again",
				"GET %s: upload %s not among the %d newest after %d attempts", path, id, len(page.Documents), attempt)
		}
		select {
		case <-ctx.Done():
			return "", fail(ctx.Err(), "raise --timeout, or run again", "upload %s not listed before the step timeout", id)
		case <-time.After(r.cfg.ListRetryWait):
		}
	}
}

// keyless: POST /upload without a key is refused with docmeta's 401.
func (r *runner) keyless(ctx context.Context) (string, error) {
	body, contentType := multipartFile("docmeta-smoke-keyless.txt", []byte("must be refused\n"))
	a, err := r.api.do(ctx, http.MethodPost, "/upload", contentType, body, false)
	if err != nil {
		return "", err
	}
	switch {
	case a.status == http.StatusCreated:
		return "", fail(nil, "the server runs without API keys: put them in the SSM parameter (DOCMETA_API_KEYS_SSM_PARAMETER) and refresh the instances",
			"POST /upload without a key was accepted (201): anyone can upload")
	case a.status != http.StatusUnauthorized || a.code() != codeUnauthorized:
		return "", fail(nil, edgeFix(a), "POST /upload without a key answered %s, want 401 unauthorized from docmeta", a.summary())
	}
	return "401 unauthorized", nil
}

// outsideAPI: a path outside the API is refused with 404 (by the load
// balancer's allow-list, or by the server).
func (r *runner) outsideAPI(ctx context.Context) (string, error) {
	path := "/docmeta-smoke-not-an-api-path"
	a, err := r.api.do(ctx, http.MethodGet, path, "", nil, false)
	if err != nil {
		return "", err
	}
	if a.status >= 500 {
		return "", fail(nil, edgeFix(a), "GET %s answered %s, want 404", path, a.summary())
	}
	if a.status != http.StatusNotFound {
		return "", fail(nil, "only /upload, /status and /documents* may reach the service: check the load balancer's listener rules and the distribution's behaviours",
			"GET %s answered %s, want 404", path, a.summary())
	}
	return "GET " + path + " 404", nil
}
