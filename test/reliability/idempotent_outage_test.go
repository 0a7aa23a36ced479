//go:build reliability

package reliability

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend"
	"github.com/docmeta/docmeta/internal/loadgen"
)

// TestStoreOutageRetriedWithIdempotencyKeys is the flaky-client view of an
// outage: every upload carries its own Idempotency-Key and is retried on
// every 503 and transport error until it is answered 201 or 200, while
// dynalite is stopped and restarted under the load. An upload answered 503
// may still have been stored; with the key, its retry must find it instead
// of storing a second copy. At the end every upload is listed exactly once,
// under the ID its final answer gave.
func TestStoreOutageRetriedWithIdempotencyKeys(t *testing.T) {
	env, dyn := dynamoEnv(t)
	env = append(env, "DOCMETA_STORE_TIMEOUT="+outageStoreTimeout.String())
	srv := startServer(t, env...)
	addr := srv.Addr()

	const uploads, workers, killAfter = 400, 16, 100
	const giveUp = 3 * time.Minute
	b := newBatch(addr, "idem", uploads)
	client := &http.Client{Timeout: time.Minute}
	var (
		mu        sync.Mutex
		answered  = map[int]string{} // upload index -> ID of its final answer
		replays   int
		retries   atomic.Int64
		transport atomic.Int64
		bad       []string
		done      atomic.Int64
		kill      sync.Once
		down      sync.WaitGroup
	)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				id, replayed, err := uploadUntilAnswered(client, addr, b, i, giveUp, &retries, &transport)
				mu.Lock()
				if err != nil {
					bad = append(bad, err.Error())
				} else {
					answered[i] = id
					if replayed {
						replays++
					}
				}
				mu.Unlock()
				if done.Add(1) == killAfter {
					kill.Do(func() {
						down.Add(1)
						go func() {
							defer down.Done()
							dyn.Stop()
							time.Sleep(3 * outageStoreTimeout)
							dyn.Restart()
						}()
					})
				}
			}
		}()
	}
	for i := 0; i < uploads; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	down.Wait()
	for _, e := range bad {
		t.Error(e)
	}
	t.Logf("%d uploads: %d retries (%d after transport errors), %d answered as replays", uploads, retries.Load(), transport.Load(), replays)
	if retries.Load() == 0 {
		t.Fatal("no upload was retried: the outage never reached the clients")
	}

	listed := listAll(t, addr, 2*uploads)
	byName := map[string][]string{}
	for _, d := range listed {
		byName[d.Filename] = append(byName[d.Filename], d.ID)
	}
	duplicates := 0
	for i, name := range b.names {
		ids := byName[name]
		switch {
		case len(ids) > 1:
			duplicates += len(ids) - 1
			t.Errorf("%s stored %d times: %v", name, len(ids), ids)
		case len(ids) == 0:
			t.Errorf("%s (answered %s) is not listed", name, answered[i])
		case ids[0] != answered[i]:
			t.Errorf("%s is listed as %s but its answer gave %s", name, ids[0], answered[i])
		}
	}
	t.Logf("%d listed, %d duplicates", len(listed), duplicates)
	if srv.Exited() {
		t.Fatal("the server exited during the outage")
	}
}

// uploadUntilAnswered sends upload i with its Idempotency-Key until it is
// answered 201 or 200, retrying 503s and transport errors, and returns the
// document ID of the answer.
func uploadUntilAnswered(client *http.Client, addr string, b *batch, i int, giveUp time.Duration, retries, transport *atomic.Int64) (string, bool, error) {
	u := loadgen.Upload{Host: addr, APIKey: apiKey, Filename: b.names[i], Content: b.contents[i]}
	body := append(append(u.MultipartHead(), u.Content...), loadgen.MultipartTail()...)
	deadline := time.Now().Add(giveUp)
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			retries.Add(1)
			time.Sleep(100 * time.Millisecond)
		}
		if time.Now().After(deadline) {
			return "", false, fmt.Errorf("%s: no 201 or 200 within %s", b.names[i], giveUp)
		}
		req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/upload", bytes.NewReader(body))
		if err != nil {
			return "", false, err
		}
		req.Header.Set("Authorization", "Bearer "+apiKey)
		req.Header.Set("Content-Type", "multipart/form-data; boundary="+loadgen.Boundary)
		req.Header.Set("Idempotency-Key", fmt.Sprintf("outage-%05d", i))
		resp, err := client.Do(req)
		if err != nil {
			transport.Add(1)
			continue
		}
		var d backend.Document
		decodeErr := json.NewDecoder(resp.Body).Decode(&d)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusCreated, http.StatusOK:
			if decodeErr != nil || d.SHA256 != b.sums[i] || d.Filename != b.names[i] {
				return "", false, fmt.Errorf("%s: answer %d describes %+v (%v)", b.names[i], resp.StatusCode, d, decodeErr)
			}
			return d.ID, resp.StatusCode == http.StatusOK, nil
		case http.StatusServiceUnavailable:
			continue
		default:
			return "", false, fmt.Errorf("%s: status %d; only 201, 200 and 503 are acceptable", b.names[i], resp.StatusCode)
		}
	}
}
