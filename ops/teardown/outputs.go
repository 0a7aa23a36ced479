package teardown

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// StackOutputs are the values teardown reads from `cdktf deploy
// --outputs-file` JSON: an object keyed by stack name whose values are that
// stack's outputs.
type StackOutputs struct {
	Region       string
	Table        string
	ExportBucket string
	// ALBARN is the load balancer's ARN (output alb_arn).
	ALBARN string
}

// outputNames are the accepted output names per field, normalized (lower
// case without "_", "-", "."); cdktf may prefix nested outputs with their
// construct path, so a suffix match is accepted too.
var outputNames = []struct {
	names []string
	set   func(*StackOutputs, string)
}{
	{[]string{"region", "awsregion"}, func(o *StackOutputs, v string) { o.Region = v }},
	{[]string{"tablename", "dynamodbtablename"}, func(o *StackOutputs, v string) { o.Table = v }},
	{[]string{"exportbucketname", "exportbucket"}, func(o *StackOutputs, v string) { o.ExportBucket = v }},
	{[]string{"albarn", "loadbalancerarn"}, func(o *StackOutputs, v string) { o.ALBARN = v }},
}

// ReadOutputs reads the outputs of stack, and of its exports stack
// (<stack>-exports) when the file holds it, from an outputs file.
func ReadOutputs(r io.Reader, stack string) (StackOutputs, error) {
	var all map[string]map[string]json.RawMessage
	if err := json.NewDecoder(r).Decode(&all); err != nil {
		return StackOutputs{}, fmt.Errorf("outputs file is not `cdktf deploy --outputs-file` JSON (an object of stacks): %w", err)
	}
	values, ok := all[stack]
	if !ok {
		return StackOutputs{}, fmt.Errorf("stack %q is not in the outputs file (it has %v): fix --stack or redeploy with `cdktf deploy %s --outputs-file <file>`", stack, sortedKeys(all), stack)
	}
	var out StackOutputs
	for _, src := range []map[string]json.RawMessage{all[stack+"-exports"], values} {
		for k, raw := range src {
			nk := strings.NewReplacer("_", "", "-", "", ".", "").Replace(strings.ToLower(k))
			for _, n := range outputNames {
				if !matchesOutput(nk, n.names) {
					continue
				}
				var s string
				if err := json.Unmarshal(raw, &s); err != nil {
					return StackOutputs{}, fmt.Errorf("output %q of stack %s is not a string: %w", k, stack, err)
				}
				n.set(&out, s)
			}
		}
	}
	return out, nil
}

func matchesOutput(k string, names []string) bool {
	for _, n := range names {
		if k == n || (len(n) > 6 && strings.HasSuffix(k, n)) {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
