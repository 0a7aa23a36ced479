#!/usr/bin/env bash
# fuzz-long.sh: run every fuzz target at once for FUZZTIME each and report,
# per target, the total execs, the final corpus size, the execs/s over the
# run (lowest tick, ticks at 0) and any finding. Used by `make fuzz-long`.
#
# Settings (environment):
#   FUZZTIME       how long each target runs (default 30m)
#   FUZZ_PARALLEL  fuzzing workers per target (default: go's, one per CPU);
#                  1 keeps the whole run at one busy process per target
#   FUZZ_MINIMIZE  the budget for minimizing a new input (-fuzzminimizetime,
#                  default 100x: the go default of 60s stops all fuzzing
#                  for up to a minute per input)
#   FUZZ_CACHE     the corpus root (default the go command's,
#                  $(go env GOCACHE)/fuzz/<package>); each target keeps its
#                  corpus in FUZZ_CACHE/<target> when set
#   FUZZ_LOG_DIR   where each target's log goes (default bin/fuzz)
#   FUZZ_TARGETS   a regular expression: run only the targets it matches
#   FUZZ_REPORT_ONLY=1  only summarize the logs of an earlier run
set -euo pipefail

fuzztime=${FUZZTIME:-30m}
parallel=${FUZZ_PARALLEL:-}
minimize=${FUZZ_MINIMIZE:-100x}
logdir=${FUZZ_LOG_DIR:-bin/fuzz}
mkdir -p "$logdir"

# package directory and target, one per line
targets="./backend FuzzCleanFilename
./backend/httpapi FuzzUploadHandler"
targets=$(echo "$targets" | awk -v re="${FUZZ_TARGETS:-.}" '$2 ~ re')
if [ -z "$targets" ]; then
	echo "fuzz-long: no fuzz target matches FUZZ_TARGETS=$FUZZ_TARGETS (FuzzCleanFilename, FuzzUploadHandler)" >&2
	exit 1
fi

corpus_dir() { # pkg target
	if [ -n "${FUZZ_CACHE:-}" ]; then
		echo "$FUZZ_CACHE/$2"
	else
		echo "$(go env GOCACHE)/fuzz/$(cd "$1" && go list .)/$2"
	fi
}

pids=()
while [ -z "${FUZZ_REPORT_ONLY:-}" ] && read -r pkg target; do
	args=(-run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize")
	if [ -n "$parallel" ]; then args+=(-parallel "$parallel"); fi
	# The test binary keeps a target's corpus in <fuzzcachedir>/<target>.
	if [ -n "${FUZZ_CACHE:-}" ]; then args+=("$pkg" -args "-test.fuzzcachedir=$FUZZ_CACHE"); else args+=("$pkg"); fi
	echo "fuzz-long: $target for $fuzztime (log $logdir/$target.log)"
	go test "${args[@]}" >"$logdir/$target.log" 2>&1 &
	pids+=($!)
done <<<"$targets"

failed=0
for pid in "${pids[@]}"; do
	wait "$pid" || failed=1
done

while read -r pkg target; do
	log=$logdir/$target.log
	dir=$(corpus_dir "$pkg" "$target")
	entries=$(find "$dir" -type f 2>/dev/null | wc -l || true)
	# Ticks look like "fuzz: elapsed: 1m3s, execs: 12345 (4115/sec), ...",
	# one every 3s; the last repeats the total at the stop (rate 0).
	ticks=$(grep -E '^fuzz: elapsed: .*execs: [0-9]+ \([0-9]+/sec\)' "$log" | sed '$d' || true)
	execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
	rates=$(echo "$ticks" | grep -oE '\([0-9]+/sec\)' | grep -oE '[0-9]+' || true)
	count=$(echo "$rates" | grep -c . || true)
	zero=$(echo "$rates" | grep -cx 0 || true)
	lowest=$(echo "$rates" | sort -n | head -n 1)
	echo "fuzz-long: $target: ${execs} execs, corpus ${entries} entries in $dir; ${count} ticks, lowest ${lowest:-?}/sec, ${zero} at 0/sec"
	# execs/s per minute of the run: lowest and mean tick.
	echo "$ticks" | sed -E 's/^fuzz: elapsed: ([0-9hms.]+), .*\(([0-9]+)\/sec\).*/\1 \2/' |
		awk -v t="$target" 'NF == 2 {
			h = 0; m = 0
			if (match($1, /[0-9]+h/)) h = substr($1, RSTART, RLENGTH - 1)
			if (match($1, /[0-9]+m/)) m = substr($1, RSTART, RLENGTH - 1)
			i = h * 60 + m; r = $2
			if (!(i in n) || r < lo[i]) lo[i] = r
			sum[i] += r; n[i]++; if (i > last) last = i
		}
		END {
			line = "fuzz-long: " t " execs/s per minute (lowest/mean):"
			for (i = 0; i <= last; i++) if (i in n) line = line sprintf(" %d:%d/%d", i, lo[i], sum[i] / n[i])
			print line
		}'
	if grep -q -- '--- FAIL' "$log"; then
		echo "fuzz-long: $target FOUND a failure:"
		grep -A6 -- '--- FAIL' "$log" | head -20
	fi
done <<<"$targets"
exit "$failed"
