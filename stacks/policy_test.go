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
	Condition   map[string]map[string]any
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
			Condition   map[string]map[string]any
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
// is only a reference or a function call is written bare (aws_x.y.arn,
// element(split(":", ...), 0)), which becomes the string "${...}" as
// Terraform would render it. Quotes inside a string's "${...}" belong to the
// expression and are escaped for JSON.
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
			j := hclStringEnd(s, i)
			b.WriteString(hclStringAsJSON(s[i+1 : j]))
			i = j
		case c == '=':
			b.WriteByte(':')
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '.' || s[j] == '-' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			if j < len(s) && s[j] == '(' {
				j = hclClose(s, j+1, ')') + 1
			}
			q, _ := json.Marshal("${" + s[i:j] + "}")
			b.Write(q)
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// hclStringEnd is the index of the quote closing the string opened at i,
// skipping escapes and the quotes of nested "${...}" expressions.
func hclStringEnd(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\\':
			j++
		case s[j] == '"':
			return j
		case strings.HasPrefix(s[j:], "${"):
			j = hclClose(s, j+2, '}')
		}
	}
	return len(s) - 1
}

// hclClose is the index of the bracket closing an expression that starts
// at i, skipping nested brackets and strings.
func hclClose(s string, i int, closer byte) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			j = hclStringEnd(s, j)
		case c == '(' || c == '{' || c == '[':
			depth++
		case c == ')' || c == '}' || c == ']':
			if depth == 0 && c == closer {
				return j
			}
			depth--
		}
	}
	return len(s) - 1
}

// hclStringAsJSON quotes the body of an HCL string for JSON: escapes outside
// "${...}" are the same in both; inside, the expression is kept verbatim.
func hclStringAsJSON(body string) string {
	var b strings.Builder
	b.WriteByte('"')
	for j := 0; j < len(body); j++ {
		switch {
		case body[j] == '\\' && j+1 < len(body):
			b.WriteString(body[j : j+2])
			j++
		case strings.HasPrefix(body[j:], "${"):
			end := hclClose(body, j+2, '}')
			q, _ := json.Marshal(body[j : end+1])
			b.Write(q[1 : len(q)-1])
			j = end
		default:
			b.WriteByte(body[j])
		}
	}
	b.WriteByte('"')
	return b.String()
}
