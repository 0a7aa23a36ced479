#!/usr/bin/env bash
# Shell-level test of the real server binary: build it, start it on a free
# loopback port with the embedded store, and run the README's curl commands
# (the original `curl -F "file=@test.txt" http://localhost:PORT/upload`
# among them). Exits non-zero with a message on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "curl_test: FAIL: $*" >&2
	if [ -f "$tmp/server.log" ]; then
		echo "--- server log ---" >&2
		cat "$tmp/server.log" >&2
	fi
	exit 1
}

go build -o "$tmp/docmeta-server" ./backend/cmd/docmeta-server

# Port 0: the kernel picks a free port; the "listening" log line names it.
DOCMETA_ADDR=127.0.0.1:0 DOCMETA_DATA_DIR="$tmp/data" "$tmp/docmeta-server" >"$tmp/server.log" 2>&1 &
pid=$!

addr=""
for _ in $(seq 1 100); do
	addr=$(sed -n 's/.*"msg":"listening","addr":"\([^"]*\)".*/\1/p' "$tmp/server.log")
	[ -n "$addr" ] && break
	kill -0 "$pid" 2>/dev/null || fail "the server exited before listening"
	sleep 0.1
done
[ -n "$addr" ] || fail "no listening line after 10 s"
port=${addr##*:}
base="http://localhost:$port"
echo "curl_test: server listening on $addr"

# request METHOD-ARGS...: runs curl, sets $status and $body.
request() {
	local out
	out=$(curl -sS -w '\n%{http_code}' "$@") || fail "curl $* failed"
	status=${out##*$'\n'}
	body=${out%$'\n'*}
}

cd "$tmp"
printf 'hello from the docmeta shell test\n' >test.txt
want_sha=$(sha256sum test.txt | cut -d' ' -f1)

# The original command, unchanged apart from the port.
request -F "file=@test.txt" "$base/upload"
[ "$status" = 201 ] || fail "upload: status $status, body $body"
case $body in
*'"filename":"test.txt"'*) ;;
*) fail "upload: filename missing in $body" ;;
esac
case $body in
*"\"sha256\":\"$want_sha\""*) ;;
*) fail "upload: sha256 $want_sha missing in $body" ;;
esac
id=$(printf '%s' "$body" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
[ -n "$id" ] || fail "upload: no id in $body"
echo "curl_test: uploaded test.txt as $id"

request "$base/status"
[ "$status" = 200 ] || fail "status: status $status"
case $body in
*'"status":"ok"'*) ;;
*) fail "status: body $body" ;;
esac

request "$base/documents"
[ "$status" = 200 ] || fail "documents: status $status"
case $body in
*"\"id\":\"$id\""*) ;;
*) fail "documents: $id not listed in $body" ;;
esac

request "$base/documents/$id"
[ "$status" = 200 ] || fail "documents/$id: status $status"

# Client mistakes get a 4xx with a JSON error.
request -F "upload=@test.txt" "$base/upload"
[ "$status" = 400 ] || fail "wrong field name: status $status"
case $body in
*'"error":{"code":"invalid"'*) ;;
*) fail "wrong field name: body $body" ;;
esac
request --data-binary @test.txt "$base/upload"
[ "$status" = 415 ] || fail "not multipart: status $status"

# Graceful shutdown: SIGTERM, exit status 0.
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" = 0 ] || fail "the server exited with $rc after SIGTERM"
grep -q '"msg":"stopped"' "$tmp/server.log" || fail "no stopped line in the log"
echo "curl_test: PASS"
