// Package fakeaws serves the DynamoDB (awsJson1_0), S3 (path-style REST)
// and Elastic Load Balancing v2 (query protocol, XML answers) calls of a teardown from memory on loopback, because no emulator
// implements DynamoDB exports. Tests point aws-sdk-go-v2 clients at them.
package fakeaws

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	Region  = "us-east-1"
	Table   = "docmeta-prod-documents"
	Account = "123456789012"
	Bucket  = "docmeta-prod-exports-123456789012-us-east-1"
	TableID = "0c2b7f0e-1111-2222-3333-444455556666"
)

var TableARN = "arn:aws:dynamodb:us-east-1:" + Account + ":table/" + Table

// DynamoDB implements the awsJson1_0 Calls teardown makes, with an export
// that stays IN_PROGRESS for a number of polls and then completes (writing
// its files into the fake S3 through OnComplete) or fails.
type DynamoDB struct {
	mu             sync.Mutex
	Calls          []string
	Updates        []map[string]any // UpdateTable bodies
	ExportRequests []map[string]any

	TableMissing bool
	// TableStatus is what DescribeTable reports (default ACTIVE).
	TableStatus string
	Protection  bool
	PITR        string // ENABLED, DISABLED
	Exports     map[string]*Export
	// PollsBeforeDone is how many DescribeExport Calls see IN_PROGRESS.
	PollsBeforeDone int
	FailExport      bool
	ItemCount       int64
	// OnDescribeExport runs on every DescribeExport (after counting it).
	OnDescribeExport func(n int)
	// OnComplete writes the export's files when it completes.
	OnComplete func(e *Export)
	// ManifestRelative reports ExportManifest relative to the export
	// prefix, to exercise the reader's fallback.
	ManifestRelative bool
	// Errors makes every call of an operation (e.g. "DescribeExport")
	// answer with the given error __type, e.g. "AccessDeniedException".
	Errors map[string]string
	// FailLift and FailRestore make UpdateTable fail with
	// AccessDeniedException when it turns deletion protection off or on.
	FailLift, FailRestore bool
	describes             int
}

type Export struct {
	ARN, Bucket, Prefix, TableARN string
	Status                        string
	Polls                         int
}

func (e *Export) ID() string { return e.ARN[strings.LastIndex(e.ARN, "/")+1:] }

// Dir is the export's directory in the bucket.
func (e *Export) Dir() string { return e.Prefix + "/AWSDynamoDB/" + e.ID() }

func NewDynamoDB() *DynamoDB {
	return &DynamoDB{Protection: true, TableStatus: "ACTIVE", PITR: "ENABLED", Exports: map[string]*Export{}, PollsBeforeDone: 2, ItemCount: 3}
}

func (f *DynamoDB) Called(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return countOf(f.Calls, op)
}

// countOf counts the entries of calls equal to op.
func countOf(calls []string, op string) int {
	n := 0
	for _, c := range calls {
		if c == op {
			n++
		}
	}
	return n
}

func (f *DynamoDB) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	var in map[string]any
	body, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(body, &in)
	f.mu.Lock()
	f.Calls = append(f.Calls, op)
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

func (f *DynamoDB) tableDesc() map[string]any {
	return map[string]any{
		"TableName": Table, "TableArn": TableARN, "TableId": TableID, "TableStatus": f.TableStatus,
		"DeletionProtectionEnabled": f.Protection,
	}
}

func (f *DynamoDB) handle(op string, in map[string]any) (out any, errType, errMsg string, after func()) {
	if f.TableMissing && op != "DescribeExport" {
		return nil, "ResourceNotFoundException", "Requested resource not found: Table: " + Table + " not found", nil
	}
	if t := f.Errors[op]; t != "" {
		return nil, t, "injected failure of " + op, nil
	}
	switch op {
	case "DescribeTable":
		return map[string]any{"Table": f.tableDesc()}, "", "", nil
	case "DescribeContinuousBackups":
		now := float64(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC).Unix())
		return map[string]any{"ContinuousBackupsDescription": map[string]any{
			"ContinuousBackupsStatus": "ENABLED",
			"PointInTimeRecoveryDescription": map[string]any{
				"PointInTimeRecoveryStatus": f.PITR, "EarliestRestorableDateTime": now - 86400, "LatestRestorableDateTime": now,
			},
		}}, "", "", nil
	case "ExportTableToPointInTime":
		f.ExportRequests = append(f.ExportRequests, in)
		if f.PITR != "ENABLED" {
			return nil, "PointInTimeRecoveryUnavailableException", "PITR is not enabled", nil
		}
		e := &Export{
			ARN:    fmt.Sprintf("%s/export/01732694400000-%08x", TableARN, len(f.Exports)+1),
			Bucket: in["S3Bucket"].(string), Prefix: in["S3Prefix"].(string), TableARN: in["TableArn"].(string), Status: "IN_PROGRESS",
		}
		f.Exports[e.ARN] = e
		return map[string]any{"ExportDescription": f.exportDesc(e)}, "", "", nil
	case "DescribeExport":
		f.describes++
		n := f.describes
		e, ok := f.Exports[in["ExportArn"].(string)]
		if !ok {
			return nil, "ExportNotFoundException", "export not found", nil
		}
		e.Polls++
		if e.Status == "IN_PROGRESS" && e.Polls > f.PollsBeforeDone {
			if f.FailExport {
				e.Status = "FAILED"
			} else {
				e.Status = "COMPLETED"
				if f.OnComplete != nil {
					f.OnComplete(e)
				}
			}
		}
		var hook func()
		if f.OnDescribeExport != nil {
			hook = func() { f.OnDescribeExport(n) }
		}
		return map[string]any{"ExportDescription": f.exportDesc(e)}, "", "", hook
	case "UpdateTable":
		f.Updates = append(f.Updates, in)
		if v, ok := in["DeletionProtectionEnabled"].(bool); ok {
			if (!v && f.FailLift) || (v && f.FailRestore) {
				return nil, "AccessDeniedException", "User is not authorized to perform: dynamodb:UpdateTable", nil
			}
			f.Protection = v
		}
		return map[string]any{"TableDescription": f.tableDesc()}, "", "", nil
	}
	return nil, "UnknownOperationException", "unexpected operation " + op, nil
}

func (f *DynamoDB) exportDesc(e *Export) map[string]any {
	d := map[string]any{
		"ExportArn": e.ARN, "ExportStatus": e.Status, "TableArn": e.TableARN, "TableId": TableID,
		"S3Bucket": e.Bucket, "S3Prefix": e.Prefix, "ExportFormat": "DYNAMODB_JSON", "ExportType": "FULL_EXPORT",
		"StartTime": float64(time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC).Unix()),
	}
	switch e.Status {
	case "COMPLETED":
		d["ItemCount"] = f.ItemCount
		d["BilledSizeBytes"] = f.ItemCount * 300
		d["ExportManifest"] = e.Dir() + "/manifest-summary.json"
		if f.ManifestRelative {
			d["ExportManifest"] = "AWSDynamoDB/" + e.ID() + "/manifest-summary.json"
		}
	case "FAILED":
		d["FailureCode"] = "S3NoSuchBucket"
		d["FailureMessage"] = "The specified bucket does not exist"
	}
	return d
}

// S3 serves path-style GET and HEAD of stored Objects with MD5 ETags.
type S3 struct {
	mu      sync.Mutex
	Objects map[string][]byte // "bucket/key" -> body
}

func NewS3() *S3 { return &S3{Objects: map[string][]byte{}} }

func (s *S3) Put(bucket, key string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Objects[bucket+"/"+key] = body
}

func (s *S3) Delete(bucket, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.Objects, bucket+"/"+key)
}

func ETagOf(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

func (s *S3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	body, ok := s.Objects[strings.TrimPrefix(r.URL.Path, "/")]
	s.mu.Unlock()
	if !ok {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusNotFound)
		if r.Method == http.MethodGet {
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>%s</Key></Error>`, r.URL.Path)
		}
		return
	}
	w.Header().Set("ETag", `"`+ETagOf(body)+`"`)
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.Header().Set("Last-Modified", time.Date(2026, 11, 27, 8, 5, 0, 0, time.UTC).Format(http.TimeFormat))
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

// WriteExportFiles stores what a real export writes: data files, the
// manifest of files (JSON lines) and the summary.
func WriteExportFiles(s *S3, e *Export, perFile []int64) {
	var lines []string
	var total int64
	for i, n := range perFile {
		key := fmt.Sprintf("%s/data/file-%d.json.gz", e.Dir(), i)
		body := []byte(fmt.Sprintf("gzip-bytes-of-%d-items-%d", n, i))
		s.Put(e.Bucket, key, body)
		line, _ := json.Marshal(map[string]any{"itemCount": n, "md5Checksum": "unused", "etag": ETagOf(body), "dataFileS3Key": key})
		lines = append(lines, string(line))
		total += n
	}
	filesKey := e.Dir() + "/manifest-files.json"
	s.Put(e.Bucket, filesKey, []byte(strings.Join(lines, "\n")+"\n"))
	summary, _ := json.Marshal(map[string]any{
		"version": "2020-06-30", "exportArn": e.ARN, "startTime": "2026-11-27T08:00:00.000Z", "endTime": "2026-11-27T08:04:00.000Z",
		"tableArn": e.TableARN, "tableId": TableID, "exportTime": "2026-11-27T08:00:00.000Z",
		"s3Bucket": e.Bucket, "s3Prefix": e.Prefix, "s3SseAlgorithm": "AES256", "s3SseKmsKeyId": nil,
		"manifestFilesS3Key": filesKey, "billedSizeBytes": total * 300, "itemCount": total,
		"outputFormat": "DYNAMODB_JSON", "exportType": "FULL_EXPORT",
	})
	s.Put(e.Bucket, e.Dir()+"/manifest-summary.json", summary)
}

// Servers is a running fake DynamoDB and S3 pair whose export writes a
// well-formed export (two data files, three items) when it completes.
type Servers struct {
	DB          *DynamoDB
	S3          *S3
	ELB         *ELBv2
	DynamoDBURL string
	S3URL       string
	ELBv2URL    string
}

// Start serves both fakes on loopback until the test ends.
func Start(tb testing.TB) *Servers {
	tb.Helper()
	s := &Servers{DB: NewDynamoDB(), S3: NewS3(), ELB: NewELBv2()}
	s.DB.OnComplete = func(e *Export) { WriteExportFiles(s.S3, e, []int64{2, 1}) }
	db := httptest.NewServer(s.DB)
	st := httptest.NewServer(s.S3)
	lb := httptest.NewServer(s.ELB)
	tb.Cleanup(db.Close)
	tb.Cleanup(st.Close)
	tb.Cleanup(lb.Close)
	s.DynamoDBURL, s.S3URL, s.ELBv2URL = db.URL, st.URL, lb.URL
	return s
}
