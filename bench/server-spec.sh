#!/usr/bin/env bash
# GET /hosts/{fqdn}/spec under wrk (2 threads, 64 connections, 15 s) against the config server on
# a git copy of the sample repo with every package it names published, and, one after the other,
# against a bare Undertow handler answering a fixed body of the same size.
# Targets: at least half the bare handler's requests/s; p99 under 10 ms.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
build_if_needed
command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

cp -r "$top/config-repo/example" "$work/repo"
(cd "$work/repo" && git init -q -b main && git add -A && git -c user.name=bench -c user.email=bench@example.com commit -qm sample)
echo "bench-token-0123456789abcdef" > "$work/token"
port=$(free_port)
"$top/bin/config-server" serve --repo "$work/repo" --packages-dir "$work/packages" --bind 127.0.0.1 --port "$port" \
  --cache-dir "$work/cache" --publish-token-file "$work/token" > "$work/server.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$port/health"
publish_sample_packages "$port" "$work"
url="http://127.0.0.1:$port/hosts/web3.us-west-1.example.com/spec"
size=$(curl -fsS "$url" | wc -c)

bare_port=$(free_port)
java -cp "$top/config-server/target/config-server.jar" "$top/bench/BareUndertow.java" "$bare_port" "$size" > "$work/bare.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$bare_port/"

wrk -t2 -c64 -d5s "$url" >/dev/null                      # warm up the JIT
wrk -t2 -c64 -d5s "http://127.0.0.1:$bare_port/" >/dev/null
spec_out=$(wrk -t2 -c64 -d15s --latency "$url")
bare_out=$(wrk -t2 -c64 -d15s --latency "http://127.0.0.1:$bare_port/")
echo "$spec_out" > "$out/server-spec.wrk.txt"; echo "$bare_out" >> "$out/server-spec.wrk.txt"
spec_rps=$(wrk_rps <<<"$spec_out"); bare_rps=$(wrk_rps <<<"$bare_out")
p99=$(wrk_p99_ms <<<"$spec_out")
errors=$(grep -c "Non-2xx" <<<"$spec_out" || true)
r=$(ratio "$spec_rps" "$bare_rps")
verdict=$(awk -v r="$r" -v p="$p99" -v e="$errors" 'BEGIN { print (r >= 0.5 && p < 10 && e == 0) ? "PASS" : "FAIL" }')
result "server-spec" "spec ${spec_rps} req/s, bare Undertow ${bare_rps} req/s (${size}-byte body): ratio ${r}; spec p99 ${p99} ms" \
  "ratio >= 0.5, p99 < 10 ms" "$verdict"
