package teardown

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// InterruptedError is returned when the wait for an export ends before the
// export does (cancelled or past the wait bound). The export keeps running
// on AWS; the table is untouched.
type InterruptedError struct {
	ExportARN string
	Status    types.ExportStatus
	Elapsed   time.Duration
	Resume    string
	Cause     error
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("stopped waiting for export %s after %s (last status %s): %v\n"+
		"the table is untouched (deletion protection and data are as they were); the export continues on AWS.\n"+
		"check it:  aws dynamodb describe-export --export-arn %s\n"+
		"resume:    %s",
		e.ExportARN, e.Elapsed.Round(time.Second), orUnknown(string(e.Status)), e.Cause, e.ExportARN, e.Resume)
}

func (e *InterruptedError) Unwrap() error { return e.Cause }

// errWaitBound is the cause when the wait exceeds Config.WaitTimeout.
var errWaitBound = errors.New("wait bound reached")

// waitForExport polls DescribeExport until the export completes, fails, the
// wait bound passes or ctx ends, printing the status at every poll.
func (r *Runner) waitForExport(ctx context.Context, cfg Config, arn string, now func() time.Time) (*types.ExportDescription, error) {
	start := now()
	deadline := time.NewTimer(cfg.WaitTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(cfg.PollInterval)
	defer tick.Stop()
	resume := cfg.resumeCommand(arn, true)
	var last types.ExportStatus
	interrupted := func(cause error) error {
		return &InterruptedError{ExportARN: arn, Status: last, Elapsed: now().Sub(start), Resume: resume, Cause: cause}
	}
	for poll := 1; ; poll++ {
		out, err := r.DB.DescribeExport(ctx, &dynamodb.DescribeExportInput{ExportArn: aws.String(arn)})
		switch {
		case ctx.Err() != nil:
			return nil, interrupted(ctx.Err())
		case err != nil:
			return nil, fmt.Errorf("describe export %s: %w; check it with `aws dynamodb describe-export --export-arn %s` and resume with `%s`",
				arn, explainAWSError(err, "the credentials need dynamodb:DescribeExport"), arn, resume)
		}
		d := out.ExportDescription
		last = d.ExportStatus
		r.say("    export %s: %s (poll %d, %s elapsed)", shortExportID(arn), d.ExportStatus, poll, now().Sub(start).Round(time.Second))
		switch d.ExportStatus {
		case types.ExportStatusCompleted:
			return d, nil
		case types.ExportStatusFailed:
			return nil, fmt.Errorf("export %s FAILED: %s: %s; fix the cause (commonly the export bucket's policy, its KMS key, or s3:PutObject permission) and run teardown again without --export-arn",
				arn, aws.ToString(d.FailureCode), aws.ToString(d.FailureMessage))
		}
		select {
		case <-ctx.Done():
			return nil, interrupted(ctx.Err())
		case <-deadline.C:
			return nil, interrupted(fmt.Errorf("%w (%s, --wait-timeout)", errWaitBound, cfg.WaitTimeout))
		case <-tick.C:
		}
	}
}

// shortExportID is the export's id, the last element of its ARN.
func shortExportID(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}
