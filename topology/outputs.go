package topology

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Stack output names. stacks/ writes them with StaticId, so `cdktf deploy
// --outputs-file` uses them verbatim; ParseOutputs reads them by the same
// constants, so a name has one spelling. Adding an output is one constant
// here plus its line in stacks/outputs.go (and a field in Outputs when a
// tool reads it).
const (
	OutputServiceURL           = "service_url"
	OutputALBDNSName           = "alb_dns_name"
	OutputALBARN               = "alb_arn"
	OutputALBARNSuffix         = "alb_arn_suffix"
	OutputTableName            = "table_name"
	OutputTableARN             = "table_arn"
	OutputASGName              = "asg_name"
	OutputTargetGroupARN       = "target_group_arn"
	OutputTargetGroupARNSuffix = "target_group_arn_suffix"
	OutputNATGatewayIDs        = "nat_gateway_ids"
	OutputInterfaceEndpointIDs = "interface_endpoint_ids"
	OutputRegion               = "region"
	OutputArtifactBucket       = "artifact_bucket"
	OutputExportBucket         = "export_bucket"
	OutputExportBucketARN      = "export_bucket_arn"
	OutputServerSHA256         = "server_sha256"
	OutputVPCID                = "vpc_id"
	OutputEdge                 = "edge"
	OutputDistributionID       = "distribution_id"
	OutputAlarmTopicARN        = "alarm_topic_arn"
	OutputBudgetUSD            = "budget_usd"
	OutputAlarmNamePrefix      = "alarm_name_prefix"
)

// Outputs are the values the console and the teardown read from a deployed
// stack and its exports stack.
type Outputs struct {
	// Stack is the application stack the values come from.
	Stack      string
	ServiceURL string
	ALBDNSName string
	ALBARN     string
	// ALBARNSuffix and TargetGroupARNSuffix ("app/name/id",
	// "targetgroup/name/id") are the LoadBalancer and TargetGroup
	// dimensions of the AWS/ApplicationELB metrics the console charts.
	ALBARNSuffix         string
	TargetGroupARNSuffix string
	TableName            string
	ASGName              string
	TargetGroupARN       string
	Region               string
	ExportBucket         string
	NATGatewayIDs        []string
	// InterfaceEndpointIDs is nil when the file has no such output (a stack
	// deployed before it existed) and empty when the stack has none, so a
	// reader can tell "unknown" from "none".
	InterfaceEndpointIDs []string
	// AlarmNamePrefix starts the names of the deployment's alarms.
	AlarmNamePrefix string
}

// fields names the output that fills each field; a *string takes a JSON
// string, a *[]string a JSON list.
func (o *Outputs) fields() map[string]any {
	return map[string]any{
		OutputServiceURL:           &o.ServiceURL,
		OutputALBDNSName:           &o.ALBDNSName,
		OutputALBARN:               &o.ALBARN,
		OutputALBARNSuffix:         &o.ALBARNSuffix,
		OutputTargetGroupARNSuffix: &o.TargetGroupARNSuffix,
		OutputTableName:            &o.TableName,
		OutputASGName:              &o.ASGName,
		OutputTargetGroupARN:       &o.TargetGroupARN,
		OutputRegion:               &o.Region,
		OutputExportBucket:         &o.ExportBucket,
		OutputNATGatewayIDs:        &o.NATGatewayIDs,
		OutputInterfaceEndpointIDs: &o.InterfaceEndpointIDs,
		OutputAlarmNamePrefix:      &o.AlarmNamePrefix,
	}
}

// ParseOutputs reads the JSON `cdktf deploy --outputs-file` writes (an
// object keyed by stack name whose values are that stack's outputs) for one
// application stack. The stack's exports stack (ExportStackName), when the
// file holds it, fills what the application stack does not. stack may be
// empty when the file holds exactly one application stack.
func ParseOutputs(r io.Reader, stack string) (Outputs, error) {
	var all map[string]map[string]json.RawMessage
	if err := json.NewDecoder(r).Decode(&all); err != nil {
		return Outputs{}, fmt.Errorf("outputs file is not `cdktf deploy --outputs-file` JSON (an object of stacks): %w", err)
	}
	stacks := make([]string, 0, len(all))
	var apps []string
	for s := range all {
		stacks = append(stacks, s)
		if !strings.HasSuffix(s, exportStackSuffix) {
			apps = append(apps, s)
		}
	}
	sort.Strings(stacks)
	if stack == "" {
		if len(apps) != 1 {
			return Outputs{}, fmt.Errorf("outputs file holds stacks %v: choose one with --stack", stacks)
		}
		stack = apps[0]
	}
	values, ok := all[stack]
	if !ok {
		return Outputs{}, fmt.Errorf("stack %q is not in the outputs file (it has %v): fix --stack or redeploy with `cdktf deploy %s --outputs-file <file>`", stack, stacks, stack)
	}
	out := Outputs{Stack: stack}
	for _, src := range []struct {
		name   string
		values map[string]json.RawMessage
	}{{stack + exportStackSuffix, all[stack+exportStackSuffix]}, {stack, values}} {
		for name, dst := range out.fields() {
			raw, ok := src.values[name]
			if !ok {
				continue
			}
			if err := decodeOutput(raw, dst); err != nil {
				return Outputs{}, fmt.Errorf("output %q of stack %s: %w; redeploy with the current stacks", name, src.name, err)
			}
		}
	}
	return out, nil
}

func decodeOutput(raw json.RawMessage, dst any) error {
	switch d := dst.(type) {
	case *string:
		if err := json.Unmarshal(raw, d); err != nil {
			return fmt.Errorf("not a string: %w", err)
		}
	case *[]string:
		var l []string
		if err := json.Unmarshal(raw, &l); err != nil {
			return fmt.Errorf("not a list of strings: %w", err)
		}
		if l == nil {
			l = []string{}
		}
		*d = l
	}
	return nil
}
