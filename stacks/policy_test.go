package stacks

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// parsedPolicy accepts the string-or-list forms IAM allows.
type parsedPolicy struct {
	Statement []parsedStatement
}

type parsedStatement struct {
	Sid         string
	Effect      string
	Principal   any
	Action      []string
	Resource    []string
	NotResource []string
	Condition   map[string]map[string]string
}

func parsePolicy(t *testing.T, v any) parsedPolicy {
	t.Helper()
	s := jsonencodeArgument(t, v)
	var raw struct {
		Statement []struct {
			Sid         string
			Effect      string
			Principal   any
			Action      any
			Resource    any
			NotResource any
			Condition   map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		t.Fatalf("policy %q: %v", s, err)
	}
	var p parsedPolicy
	for _, st := range raw.Statement {
		p.Statement = append(p.Statement, parsedStatement{
			Sid: st.Sid, Effect: st.Effect, Principal: st.Principal, Condition: st.Condition,
			Action: listOf(st.Action), Resource: listOf(st.Resource), NotResource: listOf(st.NotResource),
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

// jsonencodeArgument turns the synthesized `${jsonencode({...})}` back into
// JSON: HCL object syntax uses `=` between keys and values, and a value that
// is only a reference is written bare (aws_x.y.arn), which becomes the
// string "${aws_x.y.arn}" as Terraform would render it.
func jsonencodeArgument(t *testing.T, v any) string {
	t.Helper()
	s, _ := v.(string)
	const pre, suf = "${jsonencode(", ")}"
	if !strings.HasPrefix(s, pre) || !strings.HasSuffix(s, suf) {
		t.Fatalf("policy is not a jsonencode(...) expression: %.80q", s)
	}
	s = s[len(pre) : len(s)-len(suf)]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			b.WriteString(s[i : j+1])
			i = j
		case c == '=':
			b.WriteByte(':')
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '.' || s[j] == '-' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			b.WriteString(`"${` + s[i:j] + `}"`)
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
