package teardown

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

const (
	testRegion  = "us-east-1"
	testTable   = "docmeta-prod-documents"
	testAccount = "123456789012"
	testBucket  = "docmeta-prod-exports-123456789012-us-east-1"
	testTableID = "0c2b7f0e-1111-2222-3333-444455556666"
)

var testTableARN = "arn:aws:dynamodb:us-east-1:" + testAccount + ":table/" + testTable

// fakeDynamoDB implements the awsJson1_0 calls teardown makes, with an export
// that stays IN_PROGRESS for a number of polls and then completes (writing
// its files into the fake S3 through onComplete) or fails.
type fakeDynamoDB struct {
	mu         sync.Mutex
	calls      []string
	updates    []map[string]any // UpdateTable bodies
	exportReqs []map[string]any

	tableMissing bool
	protection   bool
	pitr         string // ENABLED, DISABLED
	exports      map[string]*fakeExport
	// pollsBeforeDone is how many DescribeExport calls see IN_PROGRESS.
	pollsBeforeDone int
	failExport      bool
	itemCount       int64
	// onDescribeExport runs on every DescribeExport (after counting it).
	onDescribeExport func(n int)
	// onComplete writes the export's files when it completes.
	onComplete func(e *fakeExport)
	describes  int
}

type fakeExport struct {
	ARN, Bucket, Prefix, TableARN string
	Status                        string
	Polls                         int
}

func (e *fakeExport) ID() string { return e.ARN[strings.LastIndex(e.ARN, "/")+1:] }

// Dir is the export's directory in the bucket.
func (e *fakeExport) Dir() string { return e.Prefix + "/AWSDynamoDB/" + e.ID() }

func newFakeDynamoDB() *fakeDynamoDB {
	return &fakeDynamoDB{protection: true, pitr: "ENABLED", exports: map[string]*fakeExport{}, pollsBeforeDone: 2, itemCount: 3}
}

func (f *fakeDynamoDB) called(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == op {
			n++
		}
	}
	return n
}

func (f *fakeDynamoDB) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	var in map[string]any
	body, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(body, &in)
	f.mu.Lock()
	f.calls = append(f.calls, op)
	out, errType, errMsg, after := f.handle(op, in)
	f.mu.Unlock()
	if after != nil {
		after()
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	if errType != "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"__type":"com.amazonaws.dynamodb.v20120810#%s","message":%q}`, errType, errMsg)
		return
	}
	_ = json.NewEncoder(w).Encode(out)
}

func (f *fakeDynamoDB) tableDesc() map[string]any {
	return map[string]any{
		"TableName": testTable, "TableArn": testTableARN, "TableId": testTableID, "TableStatus": "ACTIVE",
		"DeletionProtectionEnabled": f.protection,
	}
}

func (f *fakeDynamoDB) handle(op string, in map[string]any) (out any, errType, errMsg string, after func()) {
	if f.tableMissing && op != "DescribeExport" {
		return nil, "ResourceNotFoundException", "Requested resource not found: Table: " + testTable + " not found", nil
	}
	switch op {
	case "DescribeTable":
		return map[string]any{"Table": f.tableDesc()}, "", "", nil
	case "DescribeContinuousBackups":
		now := float64(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC).Unix())
		return map[string]any{"ContinuousBackupsDescription": map[string]any{
			"ContinuousBackupsStatus": "ENABLED",
			"PointInTimeRecoveryDescription": map[string]any{
				"PointInTimeRecoveryStatus": f.pitr, "EarliestRestorableDateTime": now - 86400, "LatestRestorableDateTime": now,
			},
		}}, "", "", nil
	case "ExportTableToPointInTime":
		f.exportReqs = append(f.exportReqs, in)
		if f.pitr != "ENABLED" {
			return nil, "PointInTimeRecoveryUnavailableException", "PITR is not enabled", nil
		}
		e := &fakeExport{
			ARN:    fmt.Sprintf("%s/export/01732694400000-%08x", testTableARN, len(f.exports)+1),
			Bucket: in["S3Bucket"].(string), Prefix: in["S3Prefix"].(string), TableARN: in["TableArn"].(string), Status: "IN_PROGRESS",
		}
		f.exports[e.ARN] = e
		return map[string]any{"ExportDescription": f.exportDesc(e)}, "", "", nil
	case "DescribeExport":
		f.describes++
		n := f.describes
		e, ok := f.exports[in["ExportArn"].(string)]
		if !ok {
			return nil, "ExportNotFoundException", "export not found", nil
		}
		e.Polls++
		if e.Status == "IN_PROGRESS" && e.Polls > f.pollsBeforeDone {
			if f.failExport {
				e.Status = "FAILED"
			} else {
				e.Status = "COMPLETED"
				if f.onComplete != nil {
					f.onComplete(e)
				}
			}
		}
		var hook func()
		if f.onDescribeExport != nil {
			hook = func() { f.onDescribeExport(n) }
		}
		return map[string]any{"ExportDescription": f.exportDesc(e)}, "", "", hook
	case "UpdateTable":
		f.updates = append(f.updates, in)
		if v, ok := in["DeletionProtectionEnabled"].(bool); ok {
			f.protection = v
		}
		return map[string]any{"TableDescription": f.tableDesc()}, "", "", nil
	}
	return nil, "UnknownOperationException", "unexpected operation " + op, nil
}

func (f *fakeDynamoDB) exportDesc(e *fakeExport) map[string]any {
	d := map[string]any{
		"ExportArn": e.ARN, "ExportStatus": e.Status, "TableArn": e.TableARN, "TableId": testTableID,
		"S3Bucket": e.Bucket, "S3Prefix": e.Prefix, "ExportFormat": "DYNAMODB_JSON", "ExportType": "FULL_EXPORT",
		"StartTime": float64(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC).Unix()),
	}
	switch e.Status {
	case "COMPLETED":
		d["ItemCount"] = f.itemCount
		d["BilledSizeBytes"] = f.itemCount * 300
		d["ExportManifest"] = e.Dir() + "/manifest-summary.json"
	case "FAILED":
		d["FailureCode"] = "S3NoSuchBucket"
		d["FailureMessage"] = "The specified bucket does not exist"
	}
	return d
}

// fakeS3 serves path-style GET and HEAD of stored objects with MD5 ETags.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string][]byte // "bucket/key" -> body
}

func newFakeS3() *fakeS3 { return &fakeS3{objects: map[string][]byte{}} }

func (s *fakeS3) put(bucket, key string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objects[bucket+"/"+key] = body
}

func (s *fakeS3) delete(bucket, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.objects, bucket+"/"+key)
}

func etagOf(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

func (s *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	body, ok := s.objects[strings.TrimPrefix(r.URL.Path, "/")]
	s.mu.Unlock()
	if !ok {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusNotFound)
		if r.Method == http.MethodGet {
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>%s</Key></Error>`, r.URL.Path)
		}
		return
	}
	w.Header().Set("ETag", `"`+etagOf(body)+`"`)
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.Header().Set("Last-Modified", time.Date(2026, 11, 27, 8, 5, 0, 0, time.UTC).Format(http.TimeFormat))
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

// writeExportFiles stores what a real export writes: data files, the
// manifest of files (JSON lines) and the summary.
func writeExportFiles(s *fakeS3, e *fakeExport, perFile []int64) {
	var lines []string
	var total int64
	for i, n := range perFile {
		key := fmt.Sprintf("%s/data/file-%d.json.gz", e.Dir(), i)
		body := []byte(fmt.Sprintf("gzip-bytes-of-%d-items-%d", n, i))
		s.put(e.Bucket, key, body)
		line, _ := json.Marshal(map[string]any{"itemCount": n, "md5Checksum": "unused", "etag": etagOf(body), "dataFileS3Key": key})
		lines = append(lines, string(line))
		total += n
	}
	filesKey := e.Dir() + "/manifest-files.json"
	s.put(e.Bucket, filesKey, []byte(strings.Join(lines, "\n")+"\n"))
	summary, _ := json.Marshal(map[string]any{
		"version": "2020-06-30", "exportArn": e.ARN, "startTime": "2026-11-27T08:00:00.000Z", "endTime": "2026-11-27T08:04:00.000Z",
		"tableArn": e.TableARN, "tableId": testTableID, "exportTime": "2026-11-27T08:00:00.000Z",
		"s3Bucket": e.Bucket, "s3Prefix": e.Prefix, "s3SseAlgorithm": "AES256", "s3SseKmsKeyId": nil,
		"manifestFilesS3Key": filesKey, "billedSizeBytes": total * 300, "itemCount": total,
		"outputFormat": "DYNAMODB_JSON", "exportType": "FULL_EXPORT",
	})
	s.put(e.Bucket, e.Dir()+"/manifest-summary.json", summary)
}

// fakeAWS is a running pair of fakes and clients pointed at them.
type fakeAWS struct {
	db     *fakeDynamoDB
	s3     *fakeS3
	dbURL  string
	s3URL  string
	runner *Runner
	out    *strings.Builder
	logs   *strings.Builder
	execs  [][]string
}

func startFakeAWS(t *testing.T) *fakeAWS {
	t.Helper()
	f := &fakeAWS{db: newFakeDynamoDB(), s3: newFakeS3(), out: &strings.Builder{}, logs: &strings.Builder{}}
	f.db.onComplete = func(e *fakeExport) { writeExportFiles(f.s3, e, []int64{2, 1}) }
	dbSrv := httptest.NewServer(f.db)
	s3Srv := httptest.NewServer(f.s3)
	t.Cleanup(dbSrv.Close)
	t.Cleanup(s3Srv.Close)
	f.dbURL, f.s3URL = dbSrv.URL, s3Srv.URL
	cfg := aws.Config{Region: testRegion, Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""), RetryMaxAttempts: 1}
	db, st := NewClients(cfg, testRegion, Endpoints{DynamoDB: dbSrv.URL, S3: s3Srv.URL})
	f.runner = &Runner{
		DB: db, S3: st, Out: f.out, Log: slog.New(slog.NewTextHandler(f.logs, nil)),
		Exec: func(_ context.Context, argv []string) error {
			f.execs = append(f.execs, argv)
			return nil
		},
		Now:      time.Now,
		NewToken: func() string { return "token-1" },
	}
	return f
}
