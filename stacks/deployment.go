package stacks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawscalleridentity"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsec2managedprefixlist"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawspartition"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/docmeta/docmeta/stacks/userdata"
	"github.com/docmeta/docmeta/topology"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Options are the inputs of one profile's deployment.
type Options struct {
	Config topology.Config
	// BinaryPath is the linux server binary for Config.Arch(), built by
	// `make synth`.
	BinaryPath string
}

// Deployment is the two stacks of a profile.
type Deployment struct {
	App     cdktf.TerraformStack
	Exports cdktf.TerraformStack
	// BinarySHA256 is the checksum the instances verify.
	BinarySHA256 string
	// Warnings are printed at synth time (and shown by the cdktf CLI as
	// stack annotations), e.g. a load balancer serving plain HTTP.
	Warnings []string
}

// CloudFrontOriginFacingPrefixList is the AWS-managed prefix list of the
// addresses CloudFront reaches origins from, VPC origins included.
const CloudFrontOriginFacingPrefixList = "com.amazonaws.global.cloudfront.origin-facing"

// BinaryPathFor is where `make synth` puts the server binary of an arch.
func BinaryPathFor(arch topology.Arch) string {
	return fmt.Sprintf("bin/linux-%s/docmeta-server", arch)
}

// NewDeployment validates the options and adds the profile's application
// stack (docmeta-<profile>) and export stack (docmeta-<profile>-exports).
func NewDeployment(app cdktf.App, o Options) (*Deployment, error) {
	cfg := o.Config
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	sum, err := FileSHA256(o.BinaryPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: server binary %s does not exist: run `make synth`, which cross-compiles ./backend/cmd/docmeta-server for linux/%s and then synthesizes", cfg.StackName(), o.BinaryPath, cfg.Arch())
	}
	if err != nil {
		return nil, fmt.Errorf("%s: server binary: %w", cfg.StackName(), err)
	}
	if st, err := os.Stat(o.BinaryPath); err == nil && st.Size() == 0 {
		return nil, fmt.Errorf("%s: server binary %s is empty: run `make synth`", cfg.StackName(), o.BinaryPath)
	}
	d := &Deployment{BinarySHA256: sum}
	d.Exports = newStack(app, cfg, cfg.ExportStackName())
	exportsAccount := pin(dataawscalleridentity.NewDataAwsCallerIdentity(d.Exports, str("account"), nil), "account")
	exportBucket := NewExportBucket(d.Exports, "exports", ExportBucketProps{
		BucketName: cfg.ExportBucketName(*exportsAccount.AccountId()), Settings: cfg.Export,
	})
	output(d.Exports, topology.OutputExportBucket, *exportBucket.Bucket(), "bucket the teardown exports the table to (kept by cdktf destroy)")
	output(d.Exports, topology.OutputExportBucketARN, *exportBucket.Arn(), "ARN of the export bucket")
	output(d.Exports, topology.OutputRegion, cfg.Region, "AWS region")

	d.App = newStack(app, cfg, cfg.StackName())
	if err := buildApp(d.App, cfg, o.BinaryPath, sum); err != nil {
		return nil, err
	}
	if !cfg.HTTPS() {
		d.Warnings = append(d.Warnings, HTTPOnlyWarning(cfg.StackName()))
	}
	return d, nil
}

// newStack adds a stack with the AWS provider and, when configured, the S3
// remote-state backend with locking.
func newStack(app cdktf.App, cfg topology.Config, name string) cdktf.TerraformStack {
	stack := cdktf.NewTerraformStack(app, str(name))
	provider.NewAwsProvider(stack, str("aws"), &provider.AwsProviderConfig{
		Region: str(cfg.Region), DefaultTags: defaultTags(cfg, name),
	})
	if s := cfg.RemoteState; s != nil {
		cdktf.NewS3Backend(stack, &cdktf.S3BackendConfig{
			Bucket: str(s.Bucket), Key: str(cfg.StateKey(name)), Region: str(s.Region),
			DynamodbTable: str(s.LockTable), Encrypt: jsiiTrue,
		})
	}
	return stack
}

func defaultTags(cfg topology.Config, stack string) *[]*provider.AwsProviderDefaultTags {
	return &[]*provider.AwsProviderDefaultTags{{Tags: &map[string]*string{
		"Project": str("docmeta"), "Profile": str(string(cfg.Profile)), "Stack": str(stack), "ManagedBy": str("cdktf"),
	}}}
}

// EdgeProviderAlias is the us-east-1 provider of the cloudfront edge's web
// ACL and CloudFront alarm.
const EdgeProviderAlias = "us_east_1"

// buildApp assembles the application stack from the concern constructs.
func buildApp(stack cdktf.TerraformStack, cfg topology.Config, binaryPath, sum string) error {
	account := pin(dataawscalleridentity.NewDataAwsCallerIdentity(stack, str("account"), nil), "account")
	partition := pin(dataawspartition.NewDataAwsPartition(stack, str("partition"), nil), "partition")
	name := cfg.NamePrefix()

	table := NewTable(stack, "metadata", TableProps{Name: cfg.TableName(), DeletionProtection: cfg.Table.DeletionProtection})
	indexARN := *table.Arn() + "/index/" + topology.ListingIndexName
	artifacts := NewArtifacts(stack, "artifacts", ArtifactsProps{
		Name: name, Arch: cfg.Arch(), BinaryPath: binaryPath, BinarySHA256: sum,
	})

	subnets, err := cfg.SubnetCIDRs()
	if err != nil {
		return err
	}
	budgetUSD, err := BudgetAmountUSD(cfg)
	if err != nil {
		return err
	}
	net := NewNetwork(stack, "network", NetworkProps{
		Name: name, CIDR: cfg.VPCCIDR, Subnets: subnets, NATMode: cfg.NATMode, PublicSubnets: cfg.PublicSubnets(),
	})
	var edgeProvider provider.AwsProvider
	cloudFrontPrefixList := ""
	if cfg.Edge == topology.EdgeCloudFront {
		edgeProvider = provider.NewAwsProvider(stack, str("aws_"+EdgeProviderAlias), &provider.AwsProviderConfig{
			Alias: str(EdgeProviderAlias), Region: str(topology.CloudFrontRegion), DefaultTags: defaultTags(cfg, cfg.StackName()),
		})
		cloudFrontPrefixList = *pin(dataawsec2managedprefixlist.NewDataAwsEc2ManagedPrefixList(stack, str("cloudfront_origin_facing"),
			&dataawsec2managedprefixlist.DataAwsEc2ManagedPrefixListConfig{Name: str(CloudFrontOriginFacingPrefixList)}), "cloudfront_origin_facing").Id()
	}

	gw := NewGatewayEndpoints(stack, "gateway_endpoints", GatewayEndpointsProps{
		Region: cfg.Region, VPCID: *net.VPC.Id(), RouteTableIDs: net.PrivateRouteTables,
		S3Policy: policyDocument{Statement: []policyStatement{
			{
				Sid: "ArtifactsAndAmazonLinuxRepos", Effect: "Allow", Principal: "*",
				Action:   binaryReadActions,
				Resource: []string{*artifacts.Bucket.Arn() + "/*", AL2023RepoBucketARN(cfg.Region)},
			},
			{
				Sid: "SsmAgentBuckets", Effect: "Allow", Principal: "*",
				Action: []string{"s3:GetObject"}, Resource: SSMAgentBucketARNs(cfg.Region),
			},
		}},
		DynamoDBPolicy: policyDocument{Statement: []policyStatement{{
			Sid: "MetadataTable", Effect: "Allow", Principal: "*",
			Action: serverTableActions, Resource: []string{*table.Arn(), indexARN},
		}}},
	})
	sgs := NewSecurityGroups(stack, "security_groups", SecurityGroupsProps{
		Name: name, VPCID: *net.VPC.Id(), HTTPS: cfg.CertificateARN != "" && cfg.InternetFacingLB(),
		CloudFrontPrefixList: cloudFrontPrefixList,
		S3PrefixList:         *gw.S3.PrefixListId(), DynamoDBPrefixList: *gw.DynamoDB.PrefixListId(),
		InternetEgress: cfg.NATMode != topology.NATNone,
	})
	interfaces := NewInterfaceEndpoints(stack, "interface_endpoints", InterfaceEndpointsProps{
		Region: cfg.Region, VPCID: *net.VPC.Id(), Services: cfg.InterfaceEndpoints,
		SubnetIDs: net.PrivateSubnetIDs[:cfg.EndpointAZCount], SecurityGroupID: *sgs.Endpoint.Id(),
	})

	iam := NewIAM(stack, "iam", IAMProps{
		Name: cfg.GlobalNamePrefix(), Region: cfg.Region, Partition: *partition.Partition(),
		TableARN: *table.Arn(), IndexARN: indexARN, ArtifactObjectARN: artifacts.ObjectARN,
		VPCID: *net.VPC.Id(), S3EndpointID: *gw.S3.Id(), DynamoDBEndpointID: *gw.DynamoDB.Id(),
		APIKeyParameterARN: fmt.Sprintf("arn:%s:ssm:%s:%s:parameter%s", *partition.Partition(), cfg.Region, *account.AccountId(), cfg.APIKeyParameter),
		APIKeyKMSKeyARN:    cfg.APIKeyKMSKeyARN,
	})
	apiKeys := NewAPIKeyParameterCheck(stack, "api_key_parameter", APIKeyParameterProps{Region: cfg.Region, Name: cfg.APIKeyParameter})
	artifactPolicy := NewArtifactPolicy(stack, "artifact_bucket_policy", ArtifactPolicyProps{
		Bucket: artifacts.Bucket, S3EndpointID: *gw.S3.Id(),
		InstanceRoleARN: *iam.Role.Arn(), AccountID: *account.AccountId(),
	})

	lbSubnets := net.PublicSubnetIDs
	if !cfg.InternetFacingLB() {
		lbSubnets = net.PrivateSubnetIDs
	}
	alb := NewLoadBalancer(stack, "load_balancer", LoadBalancerProps{
		Name: name, VPCID: *net.VPC.Id(), SubnetIDs: lbSubnets, SecurityGroupID: *sgs.ALB.Id(),
		CertificateARN: cfg.CertificateARN, Internal: !cfg.InternetFacingLB(), DeletionProtection: cfg.ALBDeletionProtection,
		DeregistrationDelay:   cfg.Scaling.DeregistrationDelaySeconds,
		TargetGroupNamePrefix: cfg.TargetGroupNamePrefix(),
		DependsOn:             net.PublicReady,
	})
	serviceURL, distributionID := alb.URL, ""
	if cfg.Edge == topology.EdgeCloudFront {
		webACL := ""
		if cfg.WAF {
			webACL = *NewWebACL(stack, "waf", WebACLProps{Name: cfg.GlobalNamePrefix(), RateLimit: cfg.WAFRateLimit, Provider: edgeProvider}).Arn()
		}
		// CloudFront's names are account-wide: the global prefix carries the
		// region, so two regions' stacks do not collide.
		edge := NewCloudFrontEdge(stack, "cloudfront", CloudFrontEdgeProps{
			Name: cfg.GlobalNamePrefix(), ALBARN: *alb.LB.Arn(), ALBDNSName: *alb.LB.DnsName(),
			Aliases: cfg.DomainNames, CertificateARN: cfg.CertificateARN, WebACLARN: webACL,
			// A VPC origin needs the internet gateway attached to the VPC.
			DependsOn: []cdktf.ITerraformDependable{net.InternetGateway},
		})
		serviceURL, distributionID = edge.URL, *edge.Distribution.Id()
	}

	ud, err := userdata.Render(userdata.Params{
		Region: cfg.Region, Table: cfg.TableName(), APIKeyParameter: cfg.APIKeyParameter,
		ArtifactBucket: *artifacts.Bucket.Bucket(), ArtifactKey: *artifacts.Object.Key(),
		ArtifactVersion: *artifacts.Object.VersionId(), BinarySHA256: sum, ListingShards: cfg.Table.ListingShards,
	})
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.StackName(), err)
	}
	compute := NewCompute(stack, "compute", ComputeProps{
		Name: name, InstanceType: cfg.InstanceType, Burstable: cfg.Burstable(), AMIParameter: cfg.AMIParameter(),
		RootVolume: cfg.RootVolume, ASG: cfg.ASG, Scaling: cfg.Scaling, ScaleInProtection: cfg.ScaleInProtection,
		SubnetIDs: net.PrivateSubnetIDs, SecurityGroupID: *sgs.Instance.Id(),
		InstanceProfileARN: *iam.Profile.Arn(), TargetGroupARN: *alb.TargetGroup.Arn(),
		ScalingResourceLabel: *alb.LB.ArnSuffix() + "/" + *alb.TargetGroup.ArnSuffix(),
		UserData:             ud.Script,
		TargetGroupAttached:  alb.APIRule,
		BootDependsOn: bootDependencies(BootNeeds{
			RoleGrants:      iam.Grants,
			Endpoints:       endpointDependables(gw, interfaces),
			Rules:           sgs.InstanceReachesAWS,
			Routes:          net.PrivateReady,
			Artifacts:       []cdktf.ITerraformDependable{artifacts.Object, artifactPolicy},
			APIKeyParameter: apiKeys,
		}),
	})

	endpointIDs := make([]string, len(interfaces))
	for i, e := range interfaces {
		endpointIDs[i] = *e.Id()
	}
	alarms := NewAlarms(stack, "alarms", AlarmsProps{
		Name: name, EdgeName: cfg.GlobalNamePrefix(), ALBARNSuffix: *alb.LB.ArnSuffix(), TargetGroupARNSuffix: *alb.TargetGroup.ArnSuffix(),
		TableName: *table.Name(), ASGName: *compute.Group.Name(), ASGMin: cfg.ASG.Min,
		DistributionID: distributionID, EdgeProvider: edgeProvider, EdgeInStackRegion: cfg.Region == topology.CloudFrontRegion,
		AlertEmail: cfg.AlertEmail, AccountID: *account.AccountId(),
	})
	NewBudget(stack, "budget", BudgetProps{Name: cfg.GlobalNamePrefix(), AmountUSD: budgetUSD, StackTag: cfg.StackName(), TopicARN: *alarms.Topic.Arn()})

	NewOutputs(stack, OutputsProps{
		Edge: string(cfg.Edge), DistributionID: distributionID, AlarmTopicARN: *alarms.Topic.Arn(), BudgetUSD: budgetUSD,
		ServiceURL: serviceURL, ALBDNSName: *alb.LB.DnsName(), ALBARN: *alb.LB.Arn(), ALBARNSuffix: *alb.LB.ArnSuffix(),
		TableName: *table.Name(), TableARN: *table.Arn(), ASGName: *compute.Group.Name(),
		TargetGroupARN: *alb.TargetGroup.Arn(), TargetGroupARNSuffix: *alb.TargetGroup.ArnSuffix(),
		NATGatewayIDs: net.NATGatewayIDs, InterfaceEndpointIDs: endpointIDs, Region: cfg.Region,
		ArtifactBucket: *artifacts.Bucket.Bucket(), ExportBucket: cfg.ExportBucketName(*account.AccountId()),
		BinarySHA256: sum, VPCID: *net.VPC.Id(),
		AlarmNamePrefix: cfg.AlarmNamePrefix(),
	})
	return nil
}

// AL2023RepoBucketARN is the S3 bucket the Amazon Linux 2023 package
// repositories of a region are served from (dnf through the gateway endpoint).
func AL2023RepoBucketARN(region string) string {
	return "arn:aws:s3:::al2023-repos-" + region + "-de612dc2/*"
}
