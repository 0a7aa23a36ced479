//go:build reliability

package reliability

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/docmeta/docmeta/backend/httpapi"
	"github.com/docmeta/docmeta/internal/loadgen"
)

// peakRSSBoundMiB is the server's memory bound the README states for the
// default DOCMETA_MAX_CONCURRENT_UPLOADS and DOCMETA_MAX_CONNECTIONS
// ("Memory bounds"): what fits a t4g.micro next to the OS.
const peakRSSBoundMiB = 320

// TestSlowUploadsStayWithinTheMemoryBound opens 2,000 uploads that send
// their head and 2 KiB of a 1 MiB body, then pause, against a server with
// the default caps. The server must hold at most DefaultMaxConcurrentUploads
// of them, answer the rest 503 with Retry-After without reading their
// bodies, keep its peak RSS under the README's bound, and serve normally
// once they are gone.
func TestSlowUploadsStayWithinTheMemoryBound(t *testing.T) {
	srv := startServer(t, boltEnv(t)...)
	addr := srv.Addr()
	const slow = 2000
	u := loadgen.Upload{Host: addr, APIKey: apiKey, Filename: "slow.bin", Content: make([]byte, 1<<20)}
	body := append(append(u.MultipartHead(), u.Content...), loadgen.MultipartTail()...)
	head := append(u.Header(int64(len(body))), body[:2<<10]...)

	conns := make([]net.Conn, slow)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var dialErrs []error
	sem := make(chan struct{}, 64)
	for i := range conns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := net.DialTimeout("tcp", addr, 30*time.Second)
			if err == nil {
				_ = c.SetWriteDeadline(time.Now().Add(30 * time.Second))
				_, err = c.Write(head)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				dialErrs = append(dialErrs, err)
				return
			}
			conns[i] = c
		}()
	}
	wg.Wait()
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	if len(dialErrs) > 0 {
		t.Fatalf("%d of %d slow uploads could not be opened; first: %v", len(dialErrs), slow, dialErrs[0])
	}

	// Every connection is now either held (no answer) or refused (503,
	// sent at once). All are read at the same time with a short deadline,
	// well inside the read timeout that would cut the held ones (400).
	time.Sleep(time.Second)
	peak, err := srv.PeakRSSMiB()
	if err != nil {
		t.Fatal(err)
	}
	held, refused, other := 0, 0, map[string]int{}
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			mu.Lock()
			defer mu.Unlock()
			var ne net.Error
			switch {
			case errors.As(err, &ne) && ne.Timeout():
				held++
			case err != nil:
				other[err.Error()]++
			case resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
				refused++
				resp.Body.Close()
			default:
				other[fmt.Sprintf("status %d", resp.StatusCode)]++
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	t.Logf("%d slow uploads: %d held, %d refused 503, other %v; server peak RSS %.1f MiB (bound %d MiB)",
		slow, held, refused, other, peak, peakRSSBoundMiB)
	if held > httpapi.DefaultMaxConcurrentUploads {
		t.Errorf("%d uploads held at once; the cap is %d", held, httpapi.DefaultMaxConcurrentUploads)
	}
	if held+refused != slow {
		t.Errorf("%d connections neither held nor answered 503 with Retry-After: %v", slow-held-refused, other)
	}
	if peak > peakRSSBoundMiB {
		t.Errorf("server peak RSS %.1f MiB is over the README's bound of %d MiB", peak, peakRSSBoundMiB)
	}

	for _, c := range conns {
		c.Close()
	}
	after := newBatch(addr, "after-slow", 50)
	var o *outcome
	for attempt := 0; attempt < 20; attempt++ {
		// Held uploads free their slots as the server sees the closes.
		if o = after.send(context.Background(), addr, 4, 50, nil); o.res.Clean() {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if !o.res.Clean() {
		t.Errorf("after the slow uploads closed: %v, statuses %v", o.res, o.status)
	}
}
