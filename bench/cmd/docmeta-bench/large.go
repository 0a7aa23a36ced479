package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/docmeta/docmeta/bench/report"
	"github.com/docmeta/docmeta/internal/loadgen"
)

// largePhase streams cfg.largeRuns uploads of cfg.largeMiB, one after the
// other, through one fresh docmeta server on bolt, reports the median rate,
// and reads the server's peak RSS (VmHWM, over all of them) afterwards. The
// server's upload limit is raised just above the upload's size.
func (b *bench) largePhase(ctx context.Context) error {
	size := int64(b.cfg.largeMiB) << 20
	dir := filepath.Join(b.cfg.workDir, "large-data")
	limit := "DOCMETA_MAX_UPLOAD_BYTES=" + strconv.FormatInt(size+(1<<20), 10)
	p, err := b.startServer("docmeta-large", func(addr string) []string { return b.boltEnv(addr, dir, limit) })
	if err != nil {
		return err
	}
	defer p.Stop()

	block := make([]byte, 1<<20)
	rand.Read(block)
	h := sha256.New()
	for i := 0; i < b.cfg.largeMiB; i++ {
		h.Write(block)
	}
	wantSum := hex.EncodeToString(h.Sum(nil))

	var rates []float64
	for i := 1; i <= b.cfg.largeRuns; i++ {
		mibps, err := b.largeUpload(ctx, p.Addr(), i, block, size, wantSum)
		if err != nil {
			return err
		}
		rates = append(rates, mibps)
	}
	rss, err := p.PeakRSSMiB()
	if err != nil {
		return err
	}
	fmt.Fprintf(b.log, "   server peak RSS over %d uploads: %.1f MiB\n", b.cfg.largeRuns, rss)
	b.res.Set(report.LargeUploadMiBPerS, median(rates))
	b.res.Set(report.LargeUploadPeakRSSMiB, rss)
	return nil
}

// largeUpload sends upload number i and checks the answer's size and digest.
func (b *bench) largeUpload(ctx context.Context, addr string, i int, block []byte, size int64, wantSum string) (float64, error) {
	elapsed, status, body, err := streamUpload(ctx, addr, block, b.cfg.largeMiB)
	run := report.Run{Name: fmt.Sprintf("large upload %d MiB #%d", b.cfg.largeMiB, i), Sent: 1, Seconds: elapsed.Seconds()}
	defer func() { b.res.Runs = append(b.res.Runs, run) }()
	if err != nil {
		run.TransportErrors, run.FirstError = 1, err.Error()
		return 0, err
	}
	run.Status = map[int]int{status: 1}
	if status != 201 {
		run.Non2xx = 1
		return 0, fmt.Errorf("large upload answered %d: %s", status, body)
	}
	run.OK = 1
	var doc struct {
		SizeBytes int64  `json:"size_bytes"`
		SHA256    string `json:"sha256"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.SizeBytes != size || doc.SHA256 != wantSum {
		run.FirstError = fmt.Sprintf("201 with wrong metadata %s (want size %d sha256 %s)", body, size, wantSum)
		return 0, fmt.Errorf("%s", run.FirstError)
	}
	mibps := float64(b.cfg.largeMiB) / elapsed.Seconds()
	run.Note = fmt.Sprintf("%.0f MiB/s", mibps)
	fmt.Fprintf(b.log, "   #%d: %d MiB in %s = %.0f MiB/s\n", i, b.cfg.largeMiB, elapsed.Round(time.Millisecond), mibps)
	return mibps, nil
}

// streamUpload sends one multipart upload of blocks copies of block without
// holding the body in memory, and returns the time from the first byte
// written to the parsed response.
func streamUpload(ctx context.Context, addr string, block []byte, blocks int) (time.Duration, int, []byte, error) {
	u := loadgen.Upload{Host: addr, APIKey: benchAPIKey, Filename: "large.bin"}
	n := int64(len(block)) * int64(blocks)
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, 0, nil, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	_ = c.SetDeadline(time.Now().Add(2 * time.Minute))
	start := time.Now()
	write := func(p []byte) error { _, err := c.Write(p); return err }
	err = write(append(u.Header(u.BodyLen(n)), u.MultipartHead()...))
	for i := 0; i < blocks && err == nil; i++ {
		err = write(block)
	}
	if err == nil {
		err = write(loadgen.MultipartTail())
	}
	// Read the response even after a failed write: a server that refuses
	// the body early answers before closing.
	var resp fasthttp.Response
	if rerr := resp.Read(bufio.NewReader(c)); rerr != nil {
		if err == nil {
			err = rerr
		}
		return time.Since(start), 0, nil, fmt.Errorf("large upload: %w", err)
	}
	return time.Since(start), resp.StatusCode(), append([]byte(nil), resp.Body()...), nil
}
