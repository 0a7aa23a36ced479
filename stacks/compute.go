package stacks

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/autoscalinggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/autoscalingpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsssmparameter"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/launchtemplate"
	"github.com/docmeta/docmeta/topology"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// ASGGroupMetrics are the group metrics the ASG publishes (at no charge):
// the in-service alarm compares GroupInServiceInstances with the minimum.
var ASGGroupMetrics = []string{"GroupInServiceInstances", "GroupDesiredCapacity", "GroupMinSize"}

// ComputeProps are the inputs of the launch template and Auto Scaling Group.
type ComputeProps struct {
	Name         string
	InstanceType string
	// Burstable sets the standard credit mode (a t-family type).
	Burstable          bool
	AMIParameter       string
	RootVolume         topology.Volume
	ASG                topology.ASGSize
	Scaling            topology.Scaling
	ScaleInProtection  bool
	SubnetIDs          []string
	SecurityGroupID    string
	InstanceProfileARN string
	TargetGroupARN     string
	// ScalingResourceLabel is "<alb arn suffix>/<target group arn suffix>".
	ScalingResourceLabel string
	// UserData is the rendered bootstrap script (plain text; encoded here).
	UserData string
	// TargetGroupAttached is what attaches the target group to the load
	// balancer: AWS rejects an ALBRequestCountPerTarget policy before that.
	TargetGroupAttached cdktf.ITerraformDependable
	// BootDependsOn is everything the first instance needs when it boots
	// and that the group does not reference: see bootDependencies.
	BootDependsOn []cdktf.ITerraformDependable
}

// Compute is the launch template and the group.
type Compute struct {
	LaunchTemplate launchtemplate.LaunchTemplate
	Group          autoscalinggroup.AutoscalingGroup
}

// NewCompute creates the hardened launch template and the group that rolls
// every new launch-template version out by itself.
func NewCompute(scope constructs.Construct, id string, p ComputeProps) *Compute {
	c := constructs.NewConstruct(scope, str(id))
	r := &Compute{}
	// The AMI is resolved at plan time from the public parameter, so a new
	// AL2023 release becomes a new template version (and a refresh) on the
	// next deploy instead of drifting silently at each launch.
	ami := pin(dataawsssmparameter.NewDataAwsSsmParameter(c, str("ami"), &dataawsssmparameter.DataAwsSsmParameterConfig{
		Name: str(p.AMIParameter),
	}), "al2023_ami")
	r.LaunchTemplate = pin(launchtemplate.NewLaunchTemplate(c, str("lt"), &launchtemplate.LaunchTemplateConfig{
		Name:                 str(p.Name + "-app"),
		Description:          str("docmeta server on Amazon Linux 2023"),
		ImageId:              ami.InsecureValue(),
		InstanceType:         str(p.InstanceType),
		UpdateDefaultVersion: true,
		IamInstanceProfile:   &launchtemplate.LaunchTemplateIamInstanceProfile{Arn: str(p.InstanceProfileARN)},
		VpcSecurityGroupIds:  strs(p.SecurityGroupID),
		MetadataOptions: &launchtemplate.LaunchTemplateMetadataOptions{
			HttpEndpoint: str("enabled"), HttpTokens: str("required"),
			HttpPutResponseHopLimit: num(1), InstanceMetadataTags: str("disabled"),
		},
		BlockDeviceMappings: &[]*launchtemplate.LaunchTemplateBlockDeviceMappings{{
			DeviceName: str("/dev/xvda"),
			Ebs: &launchtemplate.LaunchTemplateBlockDeviceMappingsEbs{
				VolumeSize: num(p.RootVolume.SizeGiB), VolumeType: str(p.RootVolume.Type),
				Encrypted: str("true"), DeleteOnTermination: str("true"),
			},
		}},
		UserData:            cdktf.Fn_Base64encode(str(EscapeForExpression(p.UserData))),
		CreditSpecification: creditSpecification(p.Burstable),
		TagSpecifications: &[]*launchtemplate.LaunchTemplateTagSpecifications{
			{ResourceType: str("instance"), Tags: nameTag(p.Name + "-app")},
			{ResourceType: str("volume"), Tags: nameTag(p.Name + "-app")},
		},
		Tags: nameTag(p.Name + "-app"),
	}), "app_lt")

	r.Group = pin(autoscalinggroup.NewAutoscalingGroup(c, str("asg"), &autoscalinggroup.AutoscalingGroupConfig{
		Name:                   str(p.Name + "-app"),
		MinSize:                num(p.ASG.Min),
		MaxSize:                num(p.ASG.Max),
		DesiredCapacity:        num(p.ASG.Desired),
		VpcZoneIdentifier:      strs(p.SubnetIDs...),
		TargetGroupArns:        strs(p.TargetGroupARN),
		HealthCheckType:        str("ELB"),
		HealthCheckGracePeriod: num(p.Scaling.HealthCheckGraceSeconds),
		ProtectFromScaleIn:     p.ScaleInProtection,
		// Group metrics are free; the in-service alarm reads them.
		EnabledMetrics:     strs(ASGGroupMetrics...),
		MetricsGranularity: str("1Minute"),
		// Apply waits until this many instances are healthy in the target
		// group, so an instance that cannot boot (no route, AccessDenied,
		// missing key parameter) fails the deploy instead of passing it.
		MinElbCapacity:         num(p.ASG.Min),
		WaitForCapacityTimeout: str(waitForCapacityTimeout),
		// Replacing an unhealthy instance or rebalancing AZs launches the new
		// one first: dev's single instance is never terminated before its
		// replacement serves.
		InstanceMaintenancePolicy: &autoscalinggroup.AutoscalingGroupInstanceMaintenancePolicy{
			MinHealthyPercentage: num(100), MaxHealthyPercentage: num(200),
		},
		DependsOn: &p.BootDependsOn,
		LaunchTemplate: &autoscalinggroup.AutoscalingGroupLaunchTemplate{
			Id: r.LaunchTemplate.Id(),
			// The concrete latest version, not "$Latest": Terraform then sees
			// every template change as a group change and starts the refresh.
			Version: r.LaunchTemplate.GetStringAttribute(str("latest_version")),
		},
		InstanceRefresh: &autoscalinggroup.AutoscalingGroupInstanceRefresh{
			Strategy: str("Rolling"),
			Preferences: &autoscalinggroup.AutoscalingGroupInstanceRefreshPreferences{
				// Launch before terminating: capacity never drops.
				MinHealthyPercentage: num(100),
				MaxHealthyPercentage: num(200),
				InstanceWarmup:       str(fmt.Sprint(p.Scaling.HealthCheckGraceSeconds)),
				// Protected instances are replaced too, or a refresh would stall.
				ScaleInProtectedInstances: str("Refresh"),
				// A refresh whose new instances never turn healthy returns the
				// group to the previous launch-template version (whose binary
				// the artifact bucket keeps).
				AutoRollback: jsiiTrue,
			},
		},
		Tag: &[]*autoscalinggroup.AutoscalingGroupTag{{
			Key: str("Name"), Value: str(p.Name + "-app"), PropagateAtLaunch: true,
		}},
		Lifecycle: &cdktf.TerraformResourceLifecycle{
			// Scaling moves desired capacity; a deploy must not reset it.
			IgnoreChanges: &[]*string{str("desired_capacity")},
		},
	}), "app_asg")

	pin(autoscalingpolicy.NewAutoscalingPolicy(c, str("requests_per_target"), &autoscalingpolicy.AutoscalingPolicyConfig{
		Name: str(p.Name + "-requests-per-target"), AutoscalingGroupName: r.Group.Name(),
		PolicyType: str("TargetTrackingScaling"),
		TargetTrackingConfiguration: &autoscalingpolicy.AutoscalingPolicyTargetTrackingConfiguration{
			TargetValue: num(p.Scaling.TargetRequestsPerInstance),
			PredefinedMetricSpecification: &autoscalingpolicy.AutoscalingPolicyTargetTrackingConfigurationPredefinedMetricSpecification{
				PredefinedMetricType: str("ALBRequestCountPerTarget"),
				ResourceLabel:        str(p.ScalingResourceLabel),
			},
		},
		DependsOn: &[]cdktf.ITerraformDependable{p.TargetGroupAttached},
	}), "app_scaling")
	return r
}

// waitForCapacityTimeout bounds the wait for healthy instances on create:
// boot with a package install and the download retries, plus two health
// checks, stays well under it.
const waitForCapacityTimeout = "15m"

// creditSpecification is "standard" for burstable types and absent for the
// others, which reject the setting.
func creditSpecification(burstable bool) *launchtemplate.LaunchTemplateCreditSpecification {
	if !burstable {
		return nil
	}
	return &launchtemplate.LaunchTemplateCreditSpecification{CpuCredits: str("standard")}
}

// EscapeForExpression prepares a literal for a cdktf function argument: cdktf
// writes the argument into a quoted HCL string inside "${...}" and escapes only
// newlines and dollar-braces itself, so backslashes, double quotes and tabs
// are escaped here (Terraform turns them back into the original text).
func EscapeForExpression(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\t", `\t`, "\r", `\r`).Replace(s)
}
