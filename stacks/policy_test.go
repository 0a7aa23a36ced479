package stacks

import (
	"encoding/json"
	"fmt"
	"testing"
)

// parsedPolicy accepts the string-or-list forms IAM allows.
type parsedPolicy struct {
	Statement []parsedStatement
}

type parsedStatement struct {
	Sid       string
	Effect    string
	Principal any
	Action    []string
	Resource  []string
	Condition map[string]map[string]string
}

func parsePolicy(t *testing.T, v any) parsedPolicy {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("policy is %T, not a JSON string", v)
	}
	var raw struct {
		Statement []struct {
			Sid       string
			Effect    string
			Principal any
			Action    any
			Resource  any
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		t.Fatalf("policy %q: %v", s, err)
	}
	var p parsedPolicy
	for _, st := range raw.Statement {
		p.Statement = append(p.Statement, parsedStatement{
			Sid: st.Sid, Effect: st.Effect, Principal: st.Principal, Condition: st.Condition,
			Action: listOf(st.Action), Resource: listOf(st.Resource),
		})
	}
	return p
}

func listOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, len(x))
		for i := range x {
			out[i] = fmt.Sprint(x[i])
		}
		return out
	}
	return nil
}

func statement(t *testing.T, p parsedPolicy, sid string) parsedStatement {
	t.Helper()
	for _, s := range p.Statement {
		if s.Sid == sid {
			return s
		}
	}
	t.Fatalf("policy has no statement %q: %+v", sid, p)
	return parsedStatement{}
}
