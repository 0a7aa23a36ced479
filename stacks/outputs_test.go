package stacks

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/docmeta/docmeta/topology"
)

// The console and the teardown read a deploy's outputs with
// topology.ParseOutputs. Fed what each profile synthesizes (the values are
// Terraform references until deployed), it must fill every field from the
// output the stacks write for it, so writer and reader cannot drift apart.
func TestParseOutputsReadsTheSynthesizedOutputs(t *testing.T) {
	for _, p := range topology.Profiles() {
		t.Run(string(p), func(t *testing.T) {
			cfg := testConfig(t, p)
			file := map[string]map[string]any{}
			for _, stack := range []string{cfg.StackName(), cfg.ExportStackName()} {
				file[stack] = map[string]any{}
				for name, o := range synthesized(t, stack)["output"].(map[string]any) {
					file[stack][name] = o.(map[string]any)["value"]
				}
			}
			data, err := json.Marshal(file)
			if err != nil {
				t.Fatal(err)
			}
			got, err := topology.ParseOutputs(bytes.NewReader(data), cfg.StackName())
			if err != nil {
				t.Fatal(err)
			}
			app := file[cfg.StackName()]
			// The service URL is CloudFront's HTTPS name with the cloudfront
			// edge, else the load balancer's.
			url := "http://" + ref("aws_lb", "alb", "dns_name")
			switch {
			case cfg.Edge == topology.EdgeCloudFront:
				url = "https://" + ref("aws_cloudfront_distribution", "distribution", "domain_name")
			case cfg.CertificateARN != "":
				url = "https://" + ref("aws_lb", "alb", "dns_name")
			}
			want := topology.Outputs{
				Stack:                cfg.StackName(),
				ServiceURL:           url,
				ALBDNSName:           ref("aws_lb", "alb", "dns_name"),
				ALBARN:               ref("aws_lb", "alb", "arn"),
				ALBARNSuffix:         ref("aws_lb", "alb", "arn_suffix"),
				TargetGroupARNSuffix: ref("aws_lb_target_group", "app_tg", "arn_suffix"),
				TableName:            ref("aws_dynamodb_table", "table", "name"),
				ASGName:              ref("aws_autoscaling_group", "app_asg", "name"),
				TargetGroupARN:       ref("aws_lb_target_group", "app_tg", "arn"),
				Region:               cfg.Region,
				ExportBucket:         cfg.ExportBucketName("${data.aws_caller_identity.account.account_id}"),
				NATGatewayIDs:        stringsOf(app[topology.OutputNATGatewayIDs]),
				InterfaceEndpointIDs: stringsOf(app[topology.OutputInterfaceEndpointIDs]),
				AlarmNamePrefix:      cfg.AlarmNamePrefix(),
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ParseOutputs of the synthesized outputs:\n got  %+v\n want %+v", got, want)
			}
			if len(got.NATGatewayIDs) != cfg.NATGateways() || len(got.InterfaceEndpointIDs) != len(cfg.InterfaceEndpoints) {
				t.Errorf("%d NAT gateway and %d endpoint IDs read, want %d and %d",
					len(got.NATGatewayIDs), len(got.InterfaceEndpointIDs), cfg.NATGateways(), len(cfg.InterfaceEndpoints))
			}
		})
	}
}
