package httpapi_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var corpusDir = flag.String("corpus", "", "BenchmarkUploadCorpus: a fuzz corpus directory of FuzzUploadHandler inputs to time besides testdata (e.g. the fuzz cache's)")

// BenchmarkUploadCorpus times each FuzzUploadHandler corpus input on its
// own, one sub-benchmark per input, to find inputs that are slow to serve
// (a slow path a client could trigger, or one that stalls fuzzing):
//
//	go test -run '^$' -bench UploadCorpus -benchtime 50x ./backend/httpapi -args -corpus DIR
//
// scripts/fuzz-times.sh (make fuzz-times) lists the slowest.
func BenchmarkUploadCorpus(b *testing.B) {
	dirs := []string{filepath.Join("testdata", "fuzz", "FuzzUploadHandler")}
	if *corpusDir != "" {
		dirs = append(dirs, *corpusDir)
	}
	_, ln := startFuzzServer(b)
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil || len(files) == 0 {
			b.Fatalf("no corpus inputs in %s (%v); pass -corpus with a directory of fuzz inputs", dir, err)
		}
		for _, file := range files {
			contentType, body, err := readCorpusInput(file)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(filepath.Base(file), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					roundTrip(b, ln, contentType, body)
				}
			})
		}
	}
}

// readCorpusInput reads a FuzzUploadHandler input in the fuzz corpus
// format: "go test fuzz v1", then string("...") and []byte("...").
func readCorpusInput(file string) (string, []byte, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return "", nil, fmt.Errorf("read corpus input: %w", err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 3 || lines[0] != "go test fuzz v1" {
		return "", nil, fmt.Errorf("%s: not a go test fuzz v1 file with a string and a []byte", file)
	}
	var vals [2]string
	for i, prefix := range []string{"string(", "[]byte("} {
		l := lines[i+1]
		if !strings.HasPrefix(l, prefix) || !strings.HasSuffix(l, ")") {
			return "", nil, fmt.Errorf("%s: line %d is not %s...)", file, i+2, prefix)
		}
		if vals[i], err = strconv.Unquote(l[len(prefix) : len(l)-1]); err != nil {
			return "", nil, fmt.Errorf("%s: line %d: %w", file, i+2, err)
		}
	}
	return vals[0], []byte(vals[1]), nil
}
