#!/usr/bin/env bash
# fuzz-times.sh: time every FuzzUploadHandler corpus input on its own (the
# committed seeds plus a fuzz corpus directory) and list the slowest, to
# find inputs that are slow to serve or that stall a fuzzing run.
#   scripts/fuzz-times.sh [CORPUS_DIR] [N] [RUNS]
# CORPUS_DIR defaults to the go command's cache of the target, N (how many
# to list) to 10, RUNS (runs per input, averaged) to 20. Each input is
# timed in three rounds and the fastest round kept, so that a busy machine
# does not make an input look slow.
set -euo pipefail

pkg=./backend/httpapi
dir=${1:-$(go env GOCACHE)/fuzz/$(go list "$pkg")/FuzzUploadHandler}
n=${2:-10}
runs=${3:-20}
if [ ! -d "$dir" ]; then
	echo "fuzz-times: no corpus in $dir; run make fuzz or make fuzz-long first, or name a directory" >&2
	exit 1
fi

out=$(go test -run '^$' -bench '^BenchmarkUploadCorpus$' -benchtime "${runs}x" -count 3 "$pkg" -args -corpus "$dir")
# Lines look like "BenchmarkUploadCorpus/<input>-2   20   29208 ns/op".
times=$(echo "$out" | awk '$1 ~ /^BenchmarkUploadCorpus\// && $4 == "ns/op" {
	name = $1; sub(/^BenchmarkUploadCorpus\//, "", name); sub(/-[0-9]+$/, "", name)
	if (!(name in best) || $3 < best[name]) best[name] = $3 }
	END { for (name in best) print best[name], name }' | sort -rn)
count=$(echo "$times" | grep -c . || true)
median=$(echo "$times" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "fuzz-times: $count inputs ($pkg testdata + $dir), fastest of 3 rounds of $runs runs; median $((median / 1000)) µs per input; slowest:"
echo "$times" | head -n "$n" | awk '{ printf "%10.3f ms  %s\n", $1 / 1e6, $2 }'
