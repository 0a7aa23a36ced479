package teardown

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

// albDeletionProtection is the load balancer attribute Terraform's
// enable_deletion_protection sets.
const albDeletionProtection = "deletion_protection.enabled"

// liftALBProtection turns the load balancer's deletion protection off when it
// is on, as a logged step, and reports whether it did. Nothing has changed
// when it fails, so its errors say the table is untouched.
func (r *Runner) liftALBProtection(ctx context.Context, cfg Config, res Result) (bool, error) {
	if cfg.ALBARN == "" {
		r.say("    load balancer not checked (no --alb-arn): if it has deletion protection (prod), the destroy stops at it; lift it with `%s`", albCLI(cfg, "<load balancer ARN>", false))
		return false, nil
	}
	out, err := r.ELB.DescribeLoadBalancerAttributes(ctx, &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: aws.String(cfg.ALBARN)})
	if err != nil {
		return false, untouched(fmt.Errorf("read the deletion protection of load balancer %s: %w", cfg.ALBARN,
			explainAWSError(err, "check --alb-arn (or alb_arn in the outputs file) and that the credentials allow elasticloadbalancing:DescribeLoadBalancerAttributes")))
	}
	if !albProtected(out.Attributes) {
		r.say("    load balancer deletion protection is off")
		return false, nil
	}
	r.Log.Warn("lifting load balancer deletion protection after a verified export", "alb_arn", cfg.ALBARN, "export_arn", res.ExportARN, "manifest", res.Manifest)
	if err := r.setALBProtection(ctx, cfg.ALBARN, false); err != nil {
		return false, untouched(fmt.Errorf("lift deletion protection of load balancer %s: %w; then run `%s --run-destroy`", cfg.ALBARN,
			explainAWSError(err, "grant elasticloadbalancing:ModifyLoadBalancerAttributes on it"), cfg.resumeCommand(res.ExportARN, false)))
	}
	r.Log.Warn("load balancer deletion protection lifted", "alb_arn", cfg.ALBARN, "export_arn", res.ExportARN)
	r.say("    deletion protection lifted on load balancer %s", cfg.ALBARN)
	return true, nil
}

func (r *Runner) setALBProtection(ctx context.Context, arn string, on bool) error {
	_, err := r.ELB.ModifyLoadBalancerAttributes(ctx, &elbv2.ModifyLoadBalancerAttributesInput{
		LoadBalancerArn: aws.String(arn),
		Attributes:      []elbtypes.LoadBalancerAttribute{{Key: aws.String(albDeletionProtection), Value: aws.String(fmt.Sprint(on))}},
	})
	return err
}

func albProtected(attrs []elbtypes.LoadBalancerAttribute) bool {
	for _, a := range attrs {
		if aws.ToString(a.Key) == albDeletionProtection {
			return aws.ToString(a.Value) == "true"
		}
	}
	return false
}

// restoreALBProtection turns the load balancer's protection back on with a
// fresh context and says what state it is in.
func (r *Runner) restoreALBProtection(cfg Config) string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := r.setALBProtection(ctx, cfg.ALBARN, true)
	switch {
	case err == nil:
		r.Log.Warn("load balancer deletion protection restored", "alb_arn", cfg.ALBARN)
		return fmt.Sprintf("load balancer %s: deletion protection restored (ON)", cfg.ALBARN)
	case hasCode(err, "LoadBalancerNotFound"):
		return fmt.Sprintf("load balancer %s: already destroyed", cfg.ALBARN)
	}
	r.Log.Error("could not restore load balancer deletion protection", "alb_arn", cfg.ALBARN, "err", err)
	return fmt.Sprintf("load balancer %s: deletion protection still OFF, restoring it failed (%v): run `%s`", cfg.ALBARN, err, albCLI(cfg, cfg.ALBARN, true))
}

// destroyFailed puts back whatever protection this run lifted, so a failed
// destroy leaves the protections as it found them, and says exactly what
// state the table, the load balancer and the rest of the stack are in. The
// destroy may have got partway: a table it already deleted cannot be
// protected again, and the operator needs to know that.
func (r *Runner) destroyFailed(cfg Config, res Result, destroy string, cause error) error {
	msg := fmt.Sprintf("%s failed: %v", destroy, cause)
	resume := cfg.resumeCommand(res.ExportARN, false) + " --run-destroy"
	if !res.ProtectionLifted && !res.ALBProtectionLifted {
		return fmt.Errorf("%s; no protection was changed by this run; fix the cause and run `%s` again (the export %s is verified)", msg, destroy, res.ExportARN)
	}
	// A fresh context: the run's own may be the reason destroy stopped.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var state []string
	tableGone, tableUnknown := false, false
	if res.ProtectionLifted {
		_, err := r.DB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(cfg.Table)})
		switch {
		case hasCode(err, "ResourceNotFoundException"):
			tableGone = true
			r.Log.Error("destroy failed after deleting the table", "table", cfg.Table, "export_arn", res.ExportARN)
			state = append(state, fmt.Sprintf("table %s: DELETED by the destroy; its data is in the verified export s3://%s/%s, and DynamoDB keeps a PITR system backup of it for 35 days",
				cfg.Table, cfg.ExportBucket, res.Manifest))
		case err != nil:
			tableUnknown = true
			r.Log.Error("could not check the table after a failed destroy", "table", cfg.Table, "err", err)
			state = append(state, fmt.Sprintf("table %s: UNKNOWN, DescribeTable failed (%v); deletion protection is OFF if it exists: check with `aws dynamodb describe-table --region %s --table-name %s` and restore it with `%s`",
				cfg.Table, err, cfg.Region, cfg.Table, tableCLI(cfg)))
		default:
			if _, err := r.DB.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String(cfg.Table), DeletionProtectionEnabled: aws.Bool(true)}); err != nil {
				tableUnknown = true
				r.Log.Error("could not restore table deletion protection", "table", cfg.Table, "err", err)
				state = append(state, fmt.Sprintf("table %s: exists with its data, but deletion protection is still OFF: restoring it failed (%v): run `%s`",
					cfg.Table, err, tableCLI(cfg)))
			} else {
				r.Log.Warn("table deletion protection restored after failed destroy", "table", cfg.Table)
				state = append(state, fmt.Sprintf("table %s: exists with its data as it was; deletion protection restored (ON)", cfg.Table))
			}
		}
	}
	if res.ALBProtectionLifted {
		state = append(state, r.restoreALBProtection(cfg))
	}
	state = append(state,
		fmt.Sprintf("other resources of %s: the destroy may have removed some before it failed (`cdktf deploy %s` recreates them)", cfg.Stack, cfg.Stack),
		fmt.Sprintf("export %s: verified, kept in s3://%s/%s", res.ExportARN, cfg.ExportBucket, res.Manifest))
	var todo string
	switch {
	case tableGone:
		todo = fmt.Sprintf("the destroy got partway. To finish it, fix the cause above and run `%s` again (not teardown: the table it exports is gone). To bring the data back instead, restore the table from the export or the PITR backup (docs/TEARDOWN.md, \"Restoring\")", destroy)
	case tableUnknown:
		todo = fmt.Sprintf("first make sure the table's deletion protection is ON (command above), then fix the cause and run `%s`", resume)
	default:
		todo = fmt.Sprintf("fix the cause above and run `%s`", resume)
	}
	return fmt.Errorf("%s\nstate now:\n  %s\nwhat to do: %s", msg, strings.Join(state, "\n  "), todo)
}

func tableCLI(cfg Config) string {
	return fmt.Sprintf("aws dynamodb update-table --region %s --table-name %s --deletion-protection-enabled", cfg.Region, cfg.Table)
}

func albCLI(cfg Config, arn string, on bool) string {
	return fmt.Sprintf("aws elbv2 modify-load-balancer-attributes --region %s --load-balancer-arn %s --attributes Key=%s,Value=%t", cfg.Region, arn, albDeletionProtection, on)
}

// hasCode reports whether err is an AWS API error with the given code.
func hasCode(err error, code string) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == code
}
