//go:build reliability

package reliability

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/internal/loadgen"
)

// batch is a set of prebuilt uploads with distinct contents and the
// metadata each must produce.
type batch struct {
	reqs     [][]byte
	names    []string
	contents [][]byte
	sums     []string
	sizes    []int64
}

// newBatch builds n uploads for addr, named prefix-00000.bin and so on. Each
// content starts with its own name, so no two are equal, followed by
// 0..2047 random bytes.
func newBatch(addr, prefix string, n int) *batch {
	b := &batch{}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s-%05d.bin", prefix, i)
		var extra [2]byte
		rand.Read(extra[:])
		content := make([]byte, len(name)+int(binary.LittleEndian.Uint16(extra[:])%2048))
		copy(content, name)
		rand.Read(content[len(name):])
		sum := sha256.Sum256(content)
		b.reqs = append(b.reqs, loadgen.Upload{Host: addr, APIKey: apiKey, Filename: name, Content: content}.Raw())
		b.names = append(b.names, name)
		b.contents = append(b.contents, content)
		b.sums = append(b.sums, hex.EncodeToString(sum[:]))
		b.sizes = append(b.sizes, int64(len(content)))
	}
	return b
}

// outcome is what the clients of one load saw.
type outcome struct {
	mu sync.Mutex
	// acked maps the ID of every 201 to its document.
	acked map[string]backend.Document
	// status counts responses by status; retryAfterMissing counts 503s
	// without a Retry-After header.
	status            map[int]int
	retryAfterMissing int
	// bad lists responses that broke a rule (wrong metadata in a 201, a
	// body that is not the JSON error form, an ID acknowledged twice).
	bad []string
	res loadgen.Result
}

// send runs the batch's requests (all of them, or until ctx ends) from
// conns connections and checks every response as it arrives. hook, when
// set, sees the outcome after each response, under its lock.
func (b *batch) send(ctx context.Context, addr string, conns, total int, hook func(o *outcome, status int)) *outcome {
	o := &outcome{acked: map[string]backend.Document{}, status: map[int]int{}}
	res, err := loadgen.Run(ctx, loadgen.Config{
		Addr: addr, Conns: conns, Requests: b.reqs, Total: total, Timeout: time.Minute,
		OnResponse: func(i int, resp *fasthttp.Response) { o.check(b, i%len(b.reqs), resp, hook) },
	})
	if err != nil {
		o.bad = append(o.bad, err.Error())
	}
	o.res = res
	return o
}

func (o *outcome) check(b *batch, i int, resp *fasthttp.Response, hook func(*outcome, int)) {
	code := resp.StatusCode()
	o.mu.Lock()
	defer o.mu.Unlock()
	if hook != nil {
		defer hook(o, code)
	}
	o.status[code]++
	if code == http.StatusCreated {
		var d backend.Document
		if err := json.Unmarshal(resp.Body(), &d); err != nil {
			o.bad = append(o.bad, fmt.Sprintf("201 for %s with unreadable body %q: %v", b.names[i], resp.Body(), err))
			return
		}
		if d.Filename != b.names[i] || d.SizeBytes != b.sizes[i] || d.SHA256 != b.sums[i] {
			o.bad = append(o.bad, fmt.Sprintf("201 for %s (size %d, sha256 %s) describes %s size %d sha256 %s",
				b.names[i], b.sizes[i], b.sums[i], d.Filename, d.SizeBytes, d.SHA256))
		}
		if _, dup := o.acked[d.ID]; dup {
			o.bad = append(o.bad, "ID acknowledged twice: "+d.ID)
		}
		o.acked[d.ID] = d
		return
	}
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(resp.Body(), &e); err != nil || e.Error.Code == "" {
		o.bad = append(o.bad, fmt.Sprintf("status %d for %s without a JSON error body: %q", code, b.names[i], resp.Body()))
	}
	if code == http.StatusServiceUnavailable && len(resp.Header.Peek("Retry-After")) == 0 {
		o.retryAfterMissing++
	}
}

// apiGet sends an authenticated GET and decodes a 200 JSON answer into v.
func apiGet(addr, path string, v any) (int, error) {
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	c := &http.Client{Timeout: time.Minute}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode == http.StatusOK && v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			return resp.StatusCode, fmt.Errorf("decode %s: %w", path, err)
		}
	}
	return resp.StatusCode, nil
}

// listAll pages through GET /documents (1000 per page) and returns every
// document in the order served. maxDocs bounds the walk.
func listAll(t *testing.T, addr string, maxDocs int) []backend.Document {
	t.Helper()
	var all []backend.Document
	cursor := ""
	for page := 0; page <= maxDocs/backend.MaxListLimit+1; page++ {
		var p struct {
			Documents  []backend.Document `json:"documents"`
			NextCursor string             `json:"next_cursor"`
		}
		path := fmt.Sprintf("/documents?limit=%d", backend.MaxListLimit)
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		code, err := apiGet(addr, path, &p)
		if err != nil || code != http.StatusOK {
			t.Fatalf("GET %s: status %d, %v", path, code, err)
		}
		all = append(all, p.Documents...)
		if p.NextCursor == "" {
			return all
		}
		cursor = p.NextCursor
	}
	t.Fatalf("listing did not end within %d documents", maxDocs+backend.MaxListLimit)
	return nil
}

// checkListing asserts that listed holds exactly the acknowledged
// documents, each once, with their metadata, newest first.
func checkListing(t *testing.T, listed []backend.Document, acked map[string]backend.Document) {
	t.Helper()
	checkListingWith(t, listed, acked, nil)
}

// checkListingWith is checkListing where unacked, when set, may accept a
// listed document that was never acknowledged: an upload stored while its
// answer was lost (the server was killed before sending it).
func checkListingWith(t *testing.T, listed []backend.Document, acked map[string]backend.Document, unacked func(backend.Document) bool) {
	t.Helper()
	seen := map[string]bool{}
	for i, d := range listed {
		if seen[d.ID] {
			t.Errorf("document %s listed twice", d.ID)
		}
		seen[d.ID] = true
		want, ok := acked[d.ID]
		switch {
		case !ok && unacked != nil && unacked(d):
		case !ok:
			t.Errorf("listed document %s (%s) was never acknowledged", d.ID, d.Filename)
		case d.Filename != want.Filename || d.SizeBytes != want.SizeBytes || d.SHA256 != want.SHA256 || !d.UploadedAt.Equal(want.UploadedAt):
			t.Errorf("listed %+v differs from the acknowledged %+v", d, want)
		}
		if i > 0 {
			prev := listed[i-1]
			if d.UploadedAt.After(prev.UploadedAt) || d.UploadedAt.Equal(prev.UploadedAt) && d.ID >= prev.ID {
				t.Errorf("listing not newest first at %d: %s %s after %s %s", i, d.UploadedAt, d.ID, prev.UploadedAt, prev.ID)
			}
		}
	}
	for id, d := range acked {
		if !seen[id] {
			t.Errorf("acknowledged document %s (%s) is missing from the listing", id, d.Filename)
		}
	}
	if t.Failed() {
		t.Fatalf("listing has %d documents, %d were acknowledged", len(listed), len(acked))
	}
}

// reportBad fails the test for every broken rule the clients saw.
func (o *outcome) reportBad(t *testing.T) {
	t.Helper()
	for i, b := range o.bad {
		if i == 20 {
			t.Errorf("... and %d more", len(o.bad)-20)
			break
		}
		t.Error(b)
	}
}
