// Package stackoutputs reads the outputs of a deployed docmeta stack from the
// JSON that `cdktf deploy --outputs-file` writes: an object keyed by stack
// name whose values are that stack's outputs.
package stackoutputs

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Outputs are the values the console needs from a stack.
type Outputs struct {
	Stack          string
	ServiceURL     string
	ALBDNSName     string
	TableName      string
	ASGName        string
	TargetGroupARN string
	NATGatewayIDs  []string
	// InterfaceEndpointIDs are the deployed interface VPC endpoints: nil
	// when the outputs have no interface_endpoint_ids (a stack deployed
	// before it was added), empty when the stack has none.
	InterfaceEndpointIDs []string
	Region               string
}

// names maps each field to the normalized output names that fill it
// (normalized: lower case, without "_", "-" or "."), so both service_url and
// serviceUrl are accepted.
var names = []struct {
	keys []string
	set  func(*Outputs, json.RawMessage) error
}{
	{[]string{"serviceurl", "url"}, func(o *Outputs, v json.RawMessage) error { return str(v, &o.ServiceURL) }},
	{[]string{"albdnsname", "loadbalancerdnsname", "albdns"}, func(o *Outputs, v json.RawMessage) error { return str(v, &o.ALBDNSName) }},
	{[]string{"tablename", "dynamodbtablename", "table"}, func(o *Outputs, v json.RawMessage) error { return str(v, &o.TableName) }},
	{[]string{"asgname", "autoscalinggroupname", "asg"}, func(o *Outputs, v json.RawMessage) error { return str(v, &o.ASGName) }},
	{[]string{"targetgrouparn", "tgarn"}, func(o *Outputs, v json.RawMessage) error { return str(v, &o.TargetGroupARN) }},
	{[]string{"natgatewayids", "natgateways", "natids"}, func(o *Outputs, v json.RawMessage) error { return list(v, &o.NATGatewayIDs) }},
	{[]string{"interfaceendpointids", "vpcendpointids"}, func(o *Outputs, v json.RawMessage) error { return list(v, &o.InterfaceEndpointIDs) }},
	{[]string{"region", "awsregion"}, func(o *Outputs, v json.RawMessage) error { return str(v, &o.Region) }},
}

func normalize(k string) string {
	return strings.NewReplacer("_", "", "-", "", ".", "").Replace(strings.ToLower(k))
}

func str(v json.RawMessage, dst *string) error { return json.Unmarshal(v, dst) }

// list accepts a JSON list (what `cdktf deploy --outputs-file` writes for a
// list output: the Terraform output's value, e.g. ["vpce-1","vpce-2"] or [])
// or a comma-separated string ("" = none). An output that is present always
// yields a non-nil slice, so "none deployed" differs from "not in the file".
func list(v json.RawMessage, dst *[]string) error {
	var l []string
	if err := json.Unmarshal(v, &l); err == nil {
		if l == nil {
			l = []string{}
		}
		*dst = l
		return nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return err
	}
	*dst = []string{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*dst = append(*dst, p)
		}
	}
	return nil
}

// Parse reads an outputs file. stack selects the stack; it may be empty when
// the file holds exactly one.
func Parse(r io.Reader, stack string) (Outputs, error) {
	var all map[string]map[string]json.RawMessage
	if err := json.NewDecoder(r).Decode(&all); err != nil {
		return Outputs{}, fmt.Errorf("outputs file is not `cdktf deploy --outputs-file` JSON (an object of stacks): %w", err)
	}
	stacks := make([]string, 0, len(all))
	for s := range all {
		stacks = append(stacks, s)
	}
	sort.Strings(stacks)
	if stack == "" {
		if len(stacks) != 1 {
			return Outputs{}, fmt.Errorf("outputs file holds stacks %v: choose one with --stack", stacks)
		}
		stack = stacks[0]
	}
	values, ok := all[stack]
	if !ok {
		return Outputs{}, fmt.Errorf("stack %q is not in the outputs file (it has %v): fix --stack or redeploy with --outputs-file", stack, stacks)
	}
	out := Outputs{Stack: stack}
	for k, v := range values {
		nk := normalize(k)
		for _, n := range names {
			if matches(nk, n.keys) {
				if err := n.set(&out, v); err != nil {
					return Outputs{}, fmt.Errorf("output %q of stack %s: %w", k, stack, err)
				}
				break
			}
		}
	}
	if out.ASGName == "" || out.Region == "" {
		return Outputs{}, fmt.Errorf("stack %s outputs lack the ASG name or region (have %v): redeploy with the current stacks", stack, keys(values))
	}
	return out, nil
}

// matches accepts an exact name, or a name with a construct-path prefix
// (cdktf prefixes nested outputs).
func matches(k string, want []string) bool {
	for _, w := range want {
		if k == w || (len(w) > 3 && strings.HasSuffix(k, w)) {
			return true
		}
	}
	return false
}

func keys(m map[string]json.RawMessage) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
