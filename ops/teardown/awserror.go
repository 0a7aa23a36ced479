package teardown

import (
	"fmt"

	"github.com/docmeta/docmeta/internal/awsfault"
)

// explainAWSError appends the fix for the failures an operator causes:
// missing or expired credentials, missing permissions, and a wrong region or
// name (hint says which names and permissions the call needs).
func explainAWSError(err error, hint string) error {
	switch awsfault.Classify(err) {
	case awsfault.Credentials:
		if awsfault.Code(err) == "" {
			return fmt.Errorf("%w; no usable AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or `aws sso login`)", err)
		}
		return fmt.Errorf("%w; the AWS credentials are invalid or expired: refresh them (e.g. `aws sso login`) and run again", err)
	case awsfault.Denied:
		return fmt.Errorf("%w; permission denied: %s", err, hint)
	}
	return fmt.Errorf("%w; %s", err, hint)
}
