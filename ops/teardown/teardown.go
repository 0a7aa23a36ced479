package teardown

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/google/uuid"
)

// ExecFunc runs the destroy command with the operator's terminal attached.
type ExecFunc func(ctx context.Context, argv []string) error

// Runner performs teardowns against the given clients.
type Runner struct {
	DB DynamoDBAPI
	S3 S3API
	// ELB lifts and restores the load balancer's deletion protection (only
	// used when Config.ALBARN is set).
	ELB ELBv2API
	// Out receives the operator-facing progress, one step per line.
	Out io.Writer
	// Log records the deliberate steps (export started, protection lifted,
	// destroy run) as structured logs.
	Log *slog.Logger
	// Exec runs the destroy command (only with Config.RunDestroy).
	Exec ExecFunc
	// Now and NewToken are replaceable for tests.
	Now      func() time.Time
	NewToken func() string
}

// Result is what a completed teardown did.
type Result struct {
	TableARN  string
	ExportARN string
	// Manifest is the S3 key of the verified manifest-summary.json.
	Manifest  string
	ItemCount int64
	DataFiles int
	// ProtectionLifted is true when this run turned the table's deletion
	// protection off; ALBProtectionLifted, the load balancer's.
	ProtectionLifted    bool
	ALBProtectionLifted bool
	Destroyed           bool
}

// Run carries out the teardown described by cfg (already WithDefaults and
// validated). Every error before the deletion-protection step leaves the
// table untouched, and each says what to do next.
func (r *Runner) Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	now, token := r.Now, r.NewToken
	if now == nil {
		now = time.Now
	}
	if token == nil {
		token = uuid.NewString
	}
	var res Result

	// 1. The table exists and is active.
	dt, err := r.DB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(cfg.Table)})
	if err != nil {
		return res, untouched(fmt.Errorf("describe table %s in %s: %w", cfg.Table, cfg.Region, explainAWSError(err, "check --table/--region (or the outputs file) and that the credentials allow dynamodb:DescribeTable")))
	}
	table := dt.Table
	res.TableARN = aws.ToString(table.TableArn)
	protected := aws.ToBool(table.DeletionProtectionEnabled)
	r.say("1/6 table %s: %s, deletion protection %s", cfg.Table, table.TableStatus, onOff(protected))
	if table.TableStatus != types.TableStatusActive {
		return res, untouched(fmt.Errorf("table %s is %s, not ACTIVE: wait until it is ACTIVE and run teardown again", cfg.Table, table.TableStatus))
	}

	// 2. Point-in-time recovery is on: the export reads from it.
	cb, err := r.DB.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(cfg.Table)})
	if err != nil {
		return res, untouched(fmt.Errorf("describe continuous backups of %s: %w", cfg.Table, explainAWSError(err, "the credentials need dynamodb:DescribeContinuousBackups")))
	}
	pitr := pitrStatus(cb)
	if pitr != types.PointInTimeRecoveryStatusEnabled {
		return res, untouched(fmt.Errorf("point-in-time recovery is %s on table %s, and the export reads from it: enable it (`aws dynamodb update-continuous-backups --region %s --table-name %s --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true`, or `cdktf deploy %s`, whose table has PITR on), wait until it reports ENABLED, then run teardown again",
			orUnknown(string(pitr)), cfg.Table, cfg.Region, cfg.Table, cfg.Stack))
	}
	r.say("2/6 point-in-time recovery: ENABLED (latest restorable %s)", fmtTime(cb.ContinuousBackupsDescription.PointInTimeRecoveryDescription.LatestRestorableDateTime))

	// 3. Start the export, or resume one.
	exportARN := cfg.ExportARN
	if exportARN == "" {
		out, err := r.DB.ExportTableToPointInTime(ctx, &dynamodb.ExportTableToPointInTimeInput{
			TableArn:     table.TableArn,
			S3Bucket:     aws.String(cfg.ExportBucket),
			S3Prefix:     aws.String(cfg.ExportPrefix),
			ExportFormat: types.ExportFormatDynamodbJson,
			ExportType:   types.ExportTypeFullExport,
			ClientToken:  aws.String(token()),
		})
		if err != nil {
			return res, untouched(fmt.Errorf("start export of %s to s3://%s/%s: %w", cfg.Table, cfg.ExportBucket, cfg.ExportPrefix,
				explainAWSError(err, "check that the export bucket exists in "+cfg.Region+" (deploy the exports stack) and that the credentials allow dynamodb:ExportTableToPointInTime and s3:PutObject on it")))
		}
		exportARN = aws.ToString(out.ExportDescription.ExportArn)
		r.Log.Info("export started", "table", cfg.Table, "export_arn", exportARN, "bucket", cfg.ExportBucket, "prefix", cfg.ExportPrefix)
		r.say("3/6 export started: %s -> s3://%s/%s", exportARN, cfg.ExportBucket, cfg.ExportPrefix)
	} else {
		r.say("3/6 resuming export %s", exportARN)
	}
	res.ExportARN = exportARN

	// 4. Wait for it, with visible progress, bounded and cancellable.
	desc, err := r.waitForExport(ctx, cfg, exportARN, now)
	if err != nil {
		return res, untouched(err)
	}
	if got := aws.ToString(desc.TableArn); got != res.TableARN {
		return res, untouched(fmt.Errorf("export %s is of table %s, not %s: pass the export ARN of this table, or omit --export-arn to start a new export", exportARN, got, res.TableARN))
	}
	if got := aws.ToString(desc.S3Bucket); got != cfg.ExportBucket {
		return res, untouched(fmt.Errorf("export %s was written to bucket %s, not %s: pass --export-bucket %s, or omit --export-arn to export again", exportARN, got, cfg.ExportBucket, got))
	}
	r.say("4/6 export COMPLETED: %d items, %d bytes billed", aws.ToInt64(desc.ItemCount), aws.ToInt64(desc.BilledSizeBytes))

	// 5. Verify the manifest and the data files it lists.
	m, err := r.verifyManifest(ctx, cfg, desc, res.TableARN)
	if err != nil {
		return res, untouched(fmt.Errorf("verify export %s: %w", exportARN, err))
	}
	res.Manifest, res.ItemCount, res.DataFiles = m.key, m.itemCount, m.dataFiles
	r.say("5/6 manifest verified: %d items in %d data files (s3://%s/%s)", m.itemCount, m.dataFiles, cfg.ExportBucket, m.key)

	// 6. Only now: lift deletion protection (deliberately) and destroy.
	return r.finish(ctx, cfg, res, protected)
}

func (r *Runner) finish(ctx context.Context, cfg Config, res Result, protected bool) (Result, error) {
	destroy := strings.Join(cfg.DestroyCommand, " ")
	resume := cfg.resumeCommand(res.ExportARN, false)
	if protected && !cfg.LiftDeletionProtection {
		r.say("6/6 deletion protection is still ON for table %s; the export is verified and nothing was changed.", cfg.Table)
		r.say("    to destroy: %s --run-destroy", resume)
		r.say("    (re-verifies this export, lifts the deletion protection of the table and the load balancer as logged steps, then runs `%s`)", destroy)
		return res, nil
	}
	if !cfg.LiftDeletionProtection {
		r.say("6/6 deletion protection is off on %s; the export is verified", cfg.Table)
		r.say("    safe to destroy now: %s", destroy)
		r.say("    (a load balancer with deletion protection, as in prod, stops the destroy: run `%s --run-destroy`, which lifts it too)", resume)
		r.say("    (the export bucket is in its own stack and stays; restore steps: docs/TEARDOWN.md)")
		return res, nil
	}

	// The load balancer first: lifting its protection cannot lose data, and
	// if the table's step then fails, it is put back.
	lifted, err := r.liftALBProtection(ctx, cfg, res)
	if err != nil {
		return res, err
	}
	res.ALBProtectionLifted = lifted
	if protected {
		r.Log.Warn("lifting table deletion protection after a verified export", "table", cfg.Table, "export_arn", res.ExportARN, "manifest", res.Manifest, "items", res.ItemCount)
		if _, err := r.DB.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(cfg.Table), DeletionProtectionEnabled: aws.Bool(false)}); err != nil {
			albNote := ""
			if res.ALBProtectionLifted {
				albNote = "; " + r.restoreALBProtection(cfg)
			}
			return res, fmt.Errorf("lift deletion protection of %s: %w%s\n(the table is untouched: deletion protection is still ON and the data is as it was; the export %s is verified): grant dynamodb:UpdateTable on the table and run `%s --run-destroy`",
				cfg.Table, explainAWSError(err, "the credentials need dynamodb:UpdateTable"), albNote, res.ExportARN, resume)
		}
		res.ProtectionLifted = true
		r.Log.Warn("table deletion protection lifted", "table", cfg.Table, "export_arn", res.ExportARN)
		r.say("6/6 deletion protection lifted on table %s (export %s verified)", cfg.Table, res.ExportARN)
	} else {
		r.say("6/6 deletion protection is off on table %s; the export is verified", cfg.Table)
	}
	if !cfg.RunDestroy {
		r.say("    safe to destroy now: %s", destroy)
		r.say("    (the export bucket is in its own stack and stays; restore steps: docs/TEARDOWN.md)")
		return res, nil
	}
	r.Log.Warn("running destroy", "command", destroy, "export_arn", res.ExportARN)
	r.say("    running: %s", destroy)
	if err := r.Exec(ctx, cfg.DestroyCommand); err != nil {
		return res, r.destroyFailed(cfg, res, destroy, err)
	}
	res.Destroyed = true
	r.say("destroyed stack %s; the table's data is in s3://%s/%s", cfg.Stack, cfg.ExportBucket, res.Manifest)
	return res, nil
}

// untouched marks an error that happened before any change to the table.
func untouched(err error) error {
	var ie *InterruptedError
	if errors.As(err, &ie) {
		return err // already says it
	}
	return fmt.Errorf("%w\n(the table is untouched: deletion protection and data are as they were)", err)
}

func (r *Runner) say(format string, args ...any) {
	fmt.Fprintf(r.Out, format+"\n", args...)
}

func pitrStatus(cb *dynamodb.DescribeContinuousBackupsOutput) types.PointInTimeRecoveryStatus {
	if cb == nil || cb.ContinuousBackupsDescription == nil || cb.ContinuousBackupsDescription.PointInTimeRecoveryDescription == nil {
		return ""
	}
	return cb.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus
}

func onOff(b bool) string {
	if b {
		return "ON"
	}
	return "off"
}

func orUnknown(s string) string {
	if s == "" {
		return "not reported"
	}
	return s
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "unknown"
	}
	return t.UTC().Format(time.RFC3339)
}
