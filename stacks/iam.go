package stacks

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iaminstanceprofile"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicyattachment"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// IAMProps name exactly the resources the server touches.
type IAMProps struct {
	// Name prefixes the role and profile names, which are account-wide:
	// it carries the region (topology.Config.GlobalNamePrefix).
	Name               string
	Region             string
	Partition          string
	TableARN           string
	IndexARN           string
	ArtifactObjectARN  string
	APIKeyParameterARN string
	// VPCID and the gateway endpoint IDs condition the data grants: the
	// role's credentials read nothing from outside the VPC.
	VPCID, S3EndpointID, DynamoDBEndpointID string
	// APIKeyKMSKeyARN is set only for a customer-managed key.
	APIKeyKMSKeyARN string
}

// IAM is the instance role and its profile.
type IAM struct {
	Role    iamrole.IamRole
	Profile iaminstanceprofile.IamInstanceProfile
	// Grants are the role's policies: an instance launched before they are
	// attached boots with a role that may not read the binary, the key
	// parameter or the table, and the SSM agent cannot register.
	Grants []cdktf.ITerraformDependable
}

// ssmCorePolicy is what the SSM agent needs for Session Manager.
const ssmCorePolicy = "policy/AmazonSSMManagedInstanceCore"

// parameterReadActions are every SSM call that returns a parameter's value.
var parameterReadActions = []string{"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"}

// ServerPolicy is the instance role's inline policy: the server's four
// DynamoDB calls on the table and its listing index, reading its own binary
// (every version of its key, so earlier launch-template versions boot), and
// reading the API-key parameter, and a Deny on every other parameter.
//
// Each grant holds only from inside the VPC, by the condition key AWS
// documents for the path the request takes: aws:SourceVpce (the gateway
// endpoint's ID) for DynamoDB and S3, which are reached through gateway
// endpoints, and aws:SourceVpc for SSM, reached through the interface
// endpoint (private DNS). Stolen instance credentials then read neither the
// metadata nor the keys from elsewhere. kms:Decrypt stays conditioned on
// kms:ViaService only: SSM calls KMS on the role's behalf, and such a
// service-to-service request carries no VPC.
func ServerPolicy(p IAMProps) policyDocument {
	fromEndpoint := func(id string) map[string]any {
		return map[string]any{"StringEquals": map[string]string{"aws:SourceVpce": id}}
	}
	doc := policyDocument{Statement: []policyStatement{
		{Sid: "MetadataTable", Effect: "Allow", Action: serverTableActions, Resource: []string{p.TableARN, p.IndexARN},
			Condition: fromEndpoint(p.DynamoDBEndpointID)},
		{Sid: "ServerBinary", Effect: "Allow", Action: binaryReadActions, Resource: []string{p.ArtifactObjectARN},
			Condition: fromEndpoint(p.S3EndpointID)},
		{Sid: "ApiKeys", Effect: "Allow", Action: []string{"ssm:GetParameter"}, Resource: []string{p.APIKeyParameterARN},
			Condition: map[string]any{"StringEquals": map[string]string{"aws:SourceVpc": p.VPCID}}},
		// The managed AmazonSSMManagedInstanceCore policy (Session Manager)
		// allows ssm:GetParameter(s) on "*", which would let a dev instance
		// read prod's API keys. An explicit Deny wins over that Allow.
		// Only this profile's parameter is exempt: the AL2023 AMI lookup
		// under /aws/service/ is a Terraform data source read at plan time
		// with the operator's credentials, never by the instance, and the
		// SSM agent needs no parameter for Session Manager. GetParameterHistory
		// is denied too because it returns values as well.
		{Sid: "NoOtherParameters", Effect: "Deny", Action: parameterReadActions, NotResource: []string{p.APIKeyParameterARN}},
	}}
	if p.APIKeyKMSKeyARN != "" {
		doc.Statement = append(doc.Statement, policyStatement{
			Sid: "ApiKeysDecrypt", Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: []string{p.APIKeyKMSKeyARN},
			Condition: map[string]any{"StringEquals": map[string]string{"kms:ViaService": "ssm." + p.Region + ".amazonaws.com"}},
		})
	}
	return doc
}

// NewIAM creates the instance role with the server policy and the managed
// SSM core policy, and its instance profile.
func NewIAM(scope constructs.Construct, id string, p IAMProps) *IAM {
	c := constructs.NewConstruct(scope, str(id))
	// EC2 may assume the role; a trust policy has no Resource element.
	assume := cdktf.Fn_Jsonencode(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole",
	}}})
	r := &IAM{}
	r.Role = pin(iamrole.NewIamRole(c, str("role"), &iamrole.IamRoleConfig{
		Name: str(p.Name + "-instance"), AssumeRolePolicy: assume,
		Description: str("docmeta server instances"), Tags: nameTag(p.Name + "-instance"),
	}), "instance_role")
	server := pin(iamrolepolicy.NewIamRolePolicy(c, str("server_policy"), &iamrolepolicy.IamRolePolicyConfig{
		Name: str("docmeta-server"), Role: r.Role.Id(), Policy: ServerPolicy(p).Expression(),
	}), "instance_server_policy")
	core := pin(iamrolepolicyattachment.NewIamRolePolicyAttachment(c, str("ssm_core"), &iamrolepolicyattachment.IamRolePolicyAttachmentConfig{
		Role: r.Role.Name(), PolicyArn: str("arn:" + p.Partition + ":iam::aws:" + ssmCorePolicy),
	}), "instance_ssm_core")
	r.Grants = []cdktf.ITerraformDependable{server, core}
	r.Profile = pin(iaminstanceprofile.NewIamInstanceProfile(c, str("profile"), &iaminstanceprofile.IamInstanceProfileConfig{
		Name: str(p.Name + "-instance"), Role: r.Role.Name(),
	}), "instance_profile")
	return r
}
