package backend

import (
	"strings"
	"testing"
)

func TestCleanFilename(t *testing.T) {
	ok := map[string]string{
		"test.txt":                        "test.txt",
		"../../etc/passwd":                "passwd",
		`C:\Users\me\report.pdf`:          "report.pdf",
		"  spaced name.txt ":              "spaced name.txt",
		"résumé.pdf":                      "résumé.pdf",
		strings.Repeat("a", 255):          strings.Repeat("a", 255),
		"dir/" + strings.Repeat("é", 127): strings.Repeat("é", 127),
	}
	for in, want := range ok {
		got, err := CleanFilename(in)
		if err != nil || got != want {
			t.Errorf("CleanFilename(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := []string{"", ".", "..", "dir/", "a/..", "nul\x00.txt", "tab\tname", "bad\xffutf8", "new\nline", strings.Repeat("a", 256), "del\x7f", "c1\u0085ctl"}
	for _, in := range bad {
		if got, err := CleanFilename(in); ErrorCode(err) != EINVALID {
			t.Errorf("CleanFilename(%q) = %q, %v; want an EINVALID error", in, got, err)
		}
	}
}

func FuzzCleanFilename(f *testing.F) {
	for _, s := range []string{"test.txt", "../../etc/passwd", `a\b\c`, "nul\x00", "\xff", strings.Repeat("x", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := CleanFilename(in)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("error %v has code %q, want EINVALID", err, ErrorCode(err))
			}
			return
		}
		if got == "" || got == "." || got == ".." || len(got) > MaxFilenameBytes || strings.ContainsAny(got, `/\`) {
			t.Fatalf("CleanFilename(%q) = %q passes checks it should fail", in, got)
		}
		if again, err := CleanFilename(got); err != nil || again != got {
			t.Fatalf("CleanFilename is not idempotent: %q -> %q -> %q, %v", in, got, again, err)
		}
	})
}
