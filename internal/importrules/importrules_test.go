package importrules

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/docmeta/docmeta"

// pkg is what `go list -json` says of one package.
type pkg struct {
	ImportPath  string
	Imports     []string
	TestImports []string
	Standard    bool
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list (needs the go tool on PATH): %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list (needs the go tool on PATH): %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages; is the test run inside the repository?", len(pkgs))
	}
	return pkgs
}

// rel is the path inside the module ("" for the root), or ok=false for a
// package outside it.
func rel(path string) (string, bool) {
	if path == module {
		return "", true
	}
	r, ok := strings.CutPrefix(path, module+"/")
	return r, ok
}

func under(r, folder string) bool { return r == folder || strings.HasPrefix(r, folder+"/") }

func isStd(path string) bool { return !strings.Contains(strings.Split(path, "/")[0], ".") }

// TestImportRules checks the rules of docs/ARCHITECTURE.md, "Import rules",
// on the non-test imports of every package.
func TestImportRules(t *testing.T) {
	for _, p := range listPackages(t) {
		from, _ := rel(p.ImportPath)
		for _, imp := range p.Imports {
			to, inModule := rel(imp)
			if msg := violation(from, to, imp, inModule); msg != "" {
				t.Errorf("%s imports %s: %s (docs/ARCHITECTURE.md, Import rules)", p.ImportPath, imp, msg)
			}
		}
	}
}

func violation(from, to, imp string, inModule bool) string {
	switch {
	case from == "backend" && !isStd(imp):
		return "the domain imports only the standard library"
	case from == "topology" && !isStd(imp):
		return "topology imports only the standard library"
	case from == "backend/httpapi" && inModule && (under(to, "backend/bolt") || under(to, "backend/dynamo")):
		return "the HTTP layer sees the Store contract, never a concrete store"
	case (from == "backend/bolt" && under(to, "backend/dynamo")) || (from == "backend/dynamo" && under(to, "backend/bolt")):
		return "the stores are independent"
	case inModule && under(to, "stacks") && !under(from, "stacks") && from != "":
		return "only main.go and stacks itself use the cdktf constructs"
	case under(from, "ops") && inModule && (under(to, "stacks") || under(to, "tui") || under(to, "backend")):
		return "ops reads topology and internal/, not the stacks, the console or the server"
	case from == "tui" && (strings.HasPrefix(imp, "github.com/aws/") || (inModule && !under(to, "backend") && !under(to, "tui"))):
		return "the console's views see only their own types and the domain; adapters bring vendor types in"
	case under(from, "internal") && inModule && (under(to, "ops") || under(to, "tui") || under(to, "stacks") || under(to, "bench")):
		return "internal/ serves the product folders and imports none of them but backend"
	case inModule && (under(to, "bench") || under(to, "test")) && !under(from, "bench") && !under(from, "test"):
		return "nothing imports the benchmark or the reliability suite"
	}
	return ""
}

// The rules must be able to fail: each holds a case it refuses.
func TestViolationRefusesWhatTheRulesForbid(t *testing.T) {
	for _, tc := range []struct{ from, imp string }{
		{"backend", "github.com/valyala/fasthttp"},
		{"topology", "github.com/aws/jsii-runtime-go"},
		{"backend/httpapi", module + "/backend/bolt"},
		{"backend/dynamo", module + "/backend/bolt"},
		{"ops/cost", module + "/stacks"},
		{"tui", "github.com/aws/aws-sdk-go-v2/aws"},
		{"tui", module + "/ops/cost"},
		{"internal/testenv", module + "/tui"},
		{"backend/cmd/docmeta-server", module + "/bench/report"},
		{"test/reliability", module + "/stacks"},
	} {
		to, inModule := rel(tc.imp)
		if violation(tc.from, to, tc.imp, inModule) == "" {
			t.Errorf("%s importing %s was allowed", tc.from, tc.imp)
		}
	}
	if msg := violation("tui/costmodel", "ops/cost", module+"/ops/cost", true); msg != "" {
		t.Errorf("an adapter bringing ops/cost into the console was refused: %s", msg)
	}
}
