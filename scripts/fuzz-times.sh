#!/usr/bin/env bash
# fuzz-times.sh: run every input of a fuzz target's corpus (the committed
# seeds plus the fuzzer's cache) once, without fuzzing, and list the
# slowest, to find inputs that stall a fuzzing run.
#   scripts/fuzz-times.sh PKG TARGET [CACHE_DIR] [N]
# PKG is a package directory (./backend/httpapi), CACHE_DIR the fuzzer's
# corpus of TARGET (default: the go command's, under $(go env GOCACHE)/fuzz),
# N how many of the slowest to list (default 10).
set -euo pipefail

pkg=${1:?usage: scripts/fuzz-times.sh PKG TARGET [CACHE_DIR] [N]}
target=${2:?usage: scripts/fuzz-times.sh PKG TARGET [CACHE_DIR] [N]}
import=$(cd "$pkg" && go list .)
cache=${3:-$(go env GOCACHE)/fuzz/$import/$target}
n=${4:-10}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=$work/testdata/fuzz/$target
mkdir -p "$corpus"
# The test binary reads testdata/ from its working directory, so the
# package's own directory is left untouched.
if [ -d "$pkg/testdata/fuzz/$target" ]; then cp "$pkg/testdata/fuzz/$target"/* "$corpus"/; fi
if [ -d "$cache" ]; then cp "$cache"/* "$corpus"/; fi
echo "fuzz-times: $(find "$corpus" -type f | wc -l) inputs of $target ($pkg seeds + $cache)"

go test -c -o "$work/pkg.test" "$pkg"
(cd "$work" && ./pkg.test -test.run="^$target\$" -test.v -test.count=1 >"$work/out" 2>&1) || {
	grep -E -- '--- FAIL|Error|panic' "$work/out" | head -20
	echo "fuzz-times: some inputs fail (above)"
}
# Subtests print "--- PASS: Target/input (1.23s)".
grep -E -- "--- (PASS|FAIL): $target/" "$work/out" |
	sed -E 's/.*--- (PASS|FAIL): [^/]+\/([^ ]+) \(([0-9.]+)s\).*/\3 \2 \1/' |
	sort -rn | head -n "$n" | awk '{printf "%8.2fs  %s  %s\n", $1, $3, $2}'
grep -E -- "^(--- )?(PASS|FAIL|ok).*$target \(" "$work/out" || true
