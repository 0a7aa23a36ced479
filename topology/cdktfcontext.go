package topology

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// CdktfContext is the "context" object of cdktf.json. Settings are read
// from the environment first and then from this context, by the cdktf app
// (main.go) and the cost report (docmeta-ops cost) alike, with a plain JSON
// parse instead of jsii: one reader, so `make cost` prices what `make synth`
// and `cdktf synth` deploy.
type CdktfContext map[string]any

// ParseCdktfJSON returns the "context" object of a cdktf.json document
// (empty when it has none). Numbers keep their written form.
func ParseCdktfJSON(data []byte) (CdktfContext, error) {
	var doc struct {
		Context CdktfContext `json:"context"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("cdktf.json is not JSON: %w", err)
	}
	if doc.Context == nil {
		doc.Context = CdktfContext{}
	}
	return doc.Context, nil
}

// Overlay adds the entries of a CDKTF_CONTEXT_JSON value, which the cdktf
// CLI sets from cdktf.json (and its own flags) and which take precedence in
// the cdktf app, as they do here.
func (c CdktfContext) Overlay(contextJSON string) error {
	dec := json.NewDecoder(strings.NewReader(contextJSON))
	dec.UseNumber()
	var extra map[string]any
	if err := dec.Decode(&extra); err != nil {
		return fmt.Errorf("CDKTF_CONTEXT_JSON is not a JSON object: %w", err)
	}
	for k, v := range extra {
		c[k] = v
	}
	return nil
}

// ContextFromCdktfJSON parses a cdktf.json document and overlays
// contextJSON, the CDKTF_CONTEXT_JSON value the cdktf CLI passes to the app
// ("" when the app runs without the CLI, as in `go run .`).
func ContextFromCdktfJSON(cdktfJSON []byte, contextJSON string) (CdktfContext, error) {
	ctx, err := ParseCdktfJSON(cdktfJSON)
	if err != nil {
		return nil, err
	}
	if contextJSON != "" {
		if err := ctx.Overlay(contextJSON); err != nil {
			return nil, err
		}
	}
	return ctx, nil
}

// SettingsLookup is the settings lookup of the cdktf app and the cost
// report: a non-empty environment variable wins, else a string value of the
// context. Every setting is a string; rather than fall back to a default
// for a context value that is not one (a number, a boolean, a list),
// problems reports each such value the loader asked for, naming the key and
// the quoted form to write instead. Callers fail when problems is non-nil.
func SettingsLookup(getenv func(string) string, ctx CdktfContext) (lookup func(string) string, problems func() error) {
	var (
		mu  sync.Mutex
		bad = map[string]string{}
	)
	lookup = func(key string) string {
		if v := getenv(key); v != "" {
			return v
		}
		switch v := ctx[key].(type) {
		case nil:
			return ""
		case string:
			return v
		default:
			raw, _ := json.Marshal(v)
			mu.Lock()
			bad[key] = fmt.Sprintf("cdktf.json context %q is %s (%s, not a string); settings are strings: write it as %q",
				key, jsonKind(v), raw, asString(v))
			mu.Unlock()
			return ""
		}
	}
	problems = func() error {
		mu.Lock()
		defer mu.Unlock()
		keys := make([]string, 0, len(bad))
		for k := range bad {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var errs []error
		for _, k := range keys {
			errs = append(errs, errors.New(bad[k]))
		}
		return errors.Join(errs...)
	}
	return lookup, problems
}

// asString is the string a non-string context value should be written as:
// lists become the comma-separated form the settings use.
func asString(v any) string {
	if l, ok := v.([]any); ok {
		parts := make([]string, len(l))
		for i, e := range l {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}

func jsonKind(v any) string {
	switch v.(type) {
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}
