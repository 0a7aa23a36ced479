package stacks

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsssmparameter"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// APIKeyParameterProps name the parameter the server reads its keys from.
type APIKeyParameterProps struct {
	Region string
	Name   string
}

// APIKeyPutCommand is the command that creates the parameter, as
// docs/DEPLOY.md gives it; the plan-time check names it when it fails.
func APIKeyPutCommand(region, name string) string {
	return fmt.Sprintf("aws ssm put-parameter --region %s --type SecureString --name %s --value 'key-one,key-two'", region, name)
}

// NewAPIKeyParameterCheck reads the API-key parameter at plan time, so a
// deploy to a region (or account) where it does not exist fails in `cdktf
// diff`/`deploy` before anything is created, instead of an instance that
// boots, exits and restarts forever while apply reports success. The stack
// never creates the parameter (the keys would enter Terraform state).
//
// with_decryption is false: the data source then stores only the encrypted
// blob, never a key, in state, and the operator needs no kms:Decrypt. The
// postcondition refuses a parameter of another type, which the server would
// read as plain text.
func NewAPIKeyParameterCheck(scope constructs.Construct, id string, p APIKeyParameterProps) dataawsssmparameter.DataAwsSsmParameter {
	return pin(dataawsssmparameter.NewDataAwsSsmParameter(scope, str(id), &dataawsssmparameter.DataAwsSsmParameterConfig{
		Name:           str(p.Name),
		WithDecryption: false,
		Lifecycle: &cdktf.TerraformResourceLifecycle{
			Postcondition: &[]*cdktf.Postcondition{{
				Condition: str(`${self.type == "SecureString"}`),
				ErrorMessage: str(fmt.Sprintf("the API-key parameter %s in %s must be a SecureString; recreate it with: %s --overwrite",
					p.Name, p.Region, APIKeyPutCommand(p.Region, p.Name))),
			}},
		},
	}), id)
}
