package topology

import (
	"strings"
	"testing"

	"github.com/docmeta/docmeta/internal/testenv"
)

func TestSettingsLookupReadsEnvironmentThenCdktfContext(t *testing.T) {
	ctx, err := ParseCdktfJSON([]byte(`{"language":"go","context":{"DOCMETA_DEV_INSTANCE_TYPE":"t4g.small","DOCMETA_REGION":"eu-west-1","DOCMETA_SEED_ASG_MAX":null}}`))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DOCMETA_REGION": "us-east-1"}
	lookup, problems := SettingsLookup(testenv.Getenv(env), ctx)
	if got := lookup("DOCMETA_DEV_INSTANCE_TYPE"); got != "t4g.small" {
		t.Errorf("context value = %q", got)
	}
	if got := lookup("DOCMETA_REGION"); got != "us-east-1" {
		t.Errorf("the environment should win over context, got %q", got)
	}
	if got := lookup("DOCMETA_SEED_ASG_MAX"); got != "" {
		t.Errorf("null context value = %q, want unset", got)
	}
	cfg, err := Load(Dev, lookup)
	if err != nil || cfg.InstanceType != "t4g.small" || cfg.Region != "us-east-1" {
		t.Errorf("dev config = %+v, %v", cfg, err)
	}
	if err := problems(); err != nil {
		t.Errorf("problems with string-only context: %v", err)
	}
}

func TestSettingsLookupNamesNonStringContextValues(t *testing.T) {
	ctx, err := ParseCdktfJSON([]byte(`{"context":{"DOCMETA_DEV_AZ_COUNT":3,"DOCMETA_DELETION_PROTECTION":true,"DOCMETA_INTERFACE_ENDPOINTS":["ssm","kms"],"UNREAD":5}}`))
	if err != nil {
		t.Fatal(err)
	}
	lookup, problems := SettingsLookup(func(string) string { return "" }, ctx)
	if _, err := Load(Dev, lookup); err != nil {
		t.Fatalf("dev: %v", err)
	}
	err = problems()
	if err == nil {
		t.Fatal("non-string context values accepted silently")
	}
	for _, want := range []string{
		`"DOCMETA_DEV_AZ_COUNT" is a number (3, not a string)`, `write it as "3"`,
		`"DOCMETA_DELETION_PROTECTION" is a boolean`, `write it as "true"`,
		`"DOCMETA_INTERFACE_ENDPOINTS" is a list`, `write it as "ssm,kms"`,
		"settings are strings",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "UNREAD") {
		t.Errorf("a key no setting reads was reported: %v", err)
	}
}

func TestContextFromCdktfJSONOverlaysTheCLIContext(t *testing.T) {
	ctx, err := ContextFromCdktfJSON([]byte(`{"context":{"DOCMETA_REGION":"eu-west-1","DOCMETA_NAT_MODE":"single"}}`), `{"DOCMETA_REGION":"us-east-1"}`)
	if err != nil {
		t.Fatal(err)
	}
	if ctx["DOCMETA_REGION"] != "us-east-1" || ctx["DOCMETA_NAT_MODE"] != "single" {
		t.Errorf("context = %v", ctx)
	}
	if _, err := ContextFromCdktfJSON([]byte(`{}`), `nope`); err == nil {
		t.Error("a broken CDKTF_CONTEXT_JSON was accepted")
	}
}

func TestCdktfContextOverlayWins(t *testing.T) {
	ctx, err := ParseCdktfJSON([]byte(`{}`))
	if err != nil || len(ctx) != 0 {
		t.Fatalf("no context: %v %v", ctx, err)
	}
	ctx["DOCMETA_REGION"] = "eu-west-1"
	if err := ctx.Overlay(`{"DOCMETA_REGION":"us-east-1"}`); err != nil {
		t.Fatal(err)
	}
	if ctx["DOCMETA_REGION"] != "us-east-1" {
		t.Errorf("overlay did not win: %v", ctx)
	}
	if err := ctx.Overlay(`[1]`); err == nil {
		t.Error("non-object CDKTF_CONTEXT_JSON accepted")
	}
	if _, err := ParseCdktfJSON([]byte(`{"context":`)); err == nil {
		t.Error("broken cdktf.json accepted")
	}
}
