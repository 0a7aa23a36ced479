package teardown

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// maxManifestBytes bounds what is read of a manifest object; a manifest
// lists one line per data file, far below this.
const maxManifestBytes = 16 << 20

// manifestSummary is manifest-summary.json of a DynamoDB export (see
// "DynamoDB table export output format" in the DynamoDB developer guide).
// It carries no status field: the status is DescribeExport's.
type manifestSummary struct {
	Version            string `json:"version"`
	ExportARN          string `json:"exportArn"`
	TableARN           string `json:"tableArn"`
	S3Bucket           string `json:"s3Bucket"`
	ManifestFilesS3Key string `json:"manifestFilesS3Key"`
	ItemCount          *int64 `json:"itemCount"`
	OutputFormat       string `json:"outputFormat"`
	ExportType         string `json:"exportType"`
}

// manifestFile is one line of manifest-files.json.
type manifestFile struct {
	ItemCount     *int64 `json:"itemCount"`
	MD5Checksum   string `json:"md5Checksum"`
	ETag          string `json:"etag"`
	DataFileS3Key string `json:"dataFileS3Key"`
}

type verifiedManifest struct {
	key       string
	itemCount int64
	dataFiles int
}

// errManifest marks a manifest that does not prove the export complete.
var errManifest = errors.New("export manifest does not match")

// verifyManifest reads manifest-summary.json and manifest-files.json of a
// completed export and checks that they describe this export of this table
// into this bucket, that the per-file item counts add up to the export's,
// and that every listed data file exists with the listed ETag.
func (r *Runner) verifyManifest(ctx context.Context, cfg Config, d *types.ExportDescription, tableARN string) (verifiedManifest, error) {
	arn := aws.ToString(d.ExportArn)
	var sum manifestSummary
	key, err := r.getSummary(ctx, cfg.ExportBucket, summaryKeys(d), &sum)
	v := verifiedManifest{key: key}
	if err != nil {
		return v, err
	}
	var problems []string
	check := func(ok bool, format string, args ...any) {
		if !ok {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	check(sum.ExportARN == arn, "exportArn %q, want %q", sum.ExportARN, arn)
	check(sum.TableARN == tableARN, "tableArn %q, want %q", sum.TableARN, tableARN)
	check(sum.S3Bucket == cfg.ExportBucket, "s3Bucket %q, want %q", sum.S3Bucket, cfg.ExportBucket)
	check(sum.OutputFormat == string(types.ExportFormatDynamodbJson), "outputFormat %q, want DYNAMODB_JSON", sum.OutputFormat)
	check(sum.ExportType == "" || sum.ExportType == string(types.ExportTypeFullExport), "exportType %q, want FULL_EXPORT", sum.ExportType)
	check(sum.ItemCount != nil, "itemCount missing")
	if sum.ItemCount != nil && d.ItemCount != nil {
		check(*sum.ItemCount == *d.ItemCount, "itemCount %d, but DescribeExport reports %d", *sum.ItemCount, *d.ItemCount)
	}
	check(sum.ManifestFilesS3Key != "", "manifestFilesS3Key missing")
	if len(problems) > 0 {
		return v, manifestError(cfg, key, problems)
	}
	v.itemCount = *sum.ItemCount

	files, err := r.readManifestFiles(ctx, cfg.ExportBucket, sum.ManifestFilesS3Key)
	if err != nil {
		return v, err
	}
	check(len(files) > 0, "%s lists no data files (an export writes at least one per partition)", sum.ManifestFilesS3Key)
	var listed int64
	for i, f := range files {
		if f.DataFileS3Key == "" || f.ItemCount == nil {
			problems = append(problems, fmt.Sprintf("%s line %d lacks dataFileS3Key or itemCount", sum.ManifestFilesS3Key, i+1))
			continue
		}
		listed += *f.ItemCount
		head, err := r.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(cfg.ExportBucket), Key: aws.String(f.DataFileS3Key)})
		if err != nil {
			problems = append(problems, fmt.Sprintf("data file s3://%s/%s: %v", cfg.ExportBucket, f.DataFileS3Key, err))
			continue
		}
		if want := strings.Trim(f.ETag, `"`); want != "" && strings.Trim(aws.ToString(head.ETag), `"`) != want {
			problems = append(problems, fmt.Sprintf("data file %s has ETag %s, manifest says %s", f.DataFileS3Key, aws.ToString(head.ETag), want))
		}
	}
	check(listed == v.itemCount, "data files list %d items, summary says %d", listed, v.itemCount)
	if len(problems) > 0 {
		return v, manifestError(cfg, key, problems)
	}
	v.dataFiles = len(files)
	return v, nil
}

// summaryKeys are where manifest-summary.json may be: DescribeExport's
// ExportManifest (documented as the manifest's key), the same under the
// export prefix in case it is given relative to it, and the documented
// layout <prefix>/AWSDynamoDB/<export id>/manifest-summary.json.
func summaryKeys(d *types.ExportDescription) []string {
	prefix := aws.ToString(d.S3Prefix)
	layout := path.Join(prefix, "AWSDynamoDB", shortExportID(aws.ToString(d.ExportArn)), "manifest-summary.json")
	var keys []string
	if m := aws.ToString(d.ExportManifest); m != "" {
		keys = append(keys, m)
		if prefix != "" && !strings.HasPrefix(m, prefix) {
			keys = append(keys, path.Join(prefix, m))
		}
	}
	if !slices.Contains(keys, layout) {
		keys = append(keys, layout)
	}
	return keys
}

// getSummary reads the first of keys that exists; any error other than
// "no such key" stops the search.
func (r *Runner) getSummary(ctx context.Context, bucket string, keys []string, dst *manifestSummary) (string, error) {
	var err error
	for _, key := range keys {
		if err = r.getJSON(ctx, bucket, key, dst); err == nil {
			return key, nil
		}
		var nsk *s3types.NoSuchKey
		if !errors.As(err, &nsk) {
			return key, err
		}
	}
	return keys[0], fmt.Errorf("no manifest-summary.json in s3://%s at %s: %w", bucket, strings.Join(keys, " or "), err)
}

func manifestError(cfg Config, key string, problems []string) error {
	return fmt.Errorf("%w (s3://%s/%s):\n  %s\ndo not destroy: inspect the export in the bucket, then run teardown again without --export-arn to export afresh",
		errManifest, cfg.ExportBucket, key, strings.Join(problems, "\n  "))
}

func (r *Runner) getObject(ctx context.Context, bucket, key string) ([]byte, error) {
	out, err := r.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", bucket, key, explainAWSError(err, "the credentials need s3:GetObject on the export bucket (and kms:Decrypt if it uses a KMS key)"))
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, maxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
	}
	if len(b) > maxManifestBytes {
		return nil, fmt.Errorf("s3://%s/%s is larger than %d bytes; it is not an export manifest", bucket, key, maxManifestBytes)
	}
	return b, nil
}

func (r *Runner) getJSON(ctx context.Context, bucket, key string, dst any) error {
	b, err := r.getObject(ctx, bucket, key)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, dst); err != nil {
		return fmt.Errorf("%w: s3://%s/%s is not JSON: %v", errManifest, bucket, key, err)
	}
	return nil
}

// readManifestFiles parses manifest-files.json: one JSON object per line.
func (r *Runner) readManifestFiles(ctx context.Context, bucket, key string) ([]manifestFile, error) {
	b, err := r.getObject(ctx, bucket, key)
	if err != nil {
		return nil, err
	}
	var files []manifestFile
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), maxManifestBytes)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var f manifestFile
		if err := json.Unmarshal(text, &f); err != nil {
			return nil, fmt.Errorf("%w: s3://%s/%s line %d is not JSON: %v", errManifest, bucket, key, line, err)
		}
		files = append(files, f)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", bucket, key, err)
	}
	return files, nil
}
