#!/usr/bin/env bash
# GET /hosts/{fqdn}/spec under wrk (2 threads, 64 connections, 15 s) against the config server on
# a git copy of the sample repo with every package it names published, and, one after the other,
# against a bare Undertow handler answering a fixed body of the same size; then the same spec from a
# second server on the same repo and store that signs its answers (--signing-key, DESIGN §9).
# Targets: at least half the bare handler's requests/s; p99 under 10 ms; signed at least 0.9x unsigned.
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
"$top/bin/config-server" keygen --out "$work/signing.key" >/dev/null
signed_port=$(free_port)
"$top/bin/config-server" serve --repo "$work/repo" --packages-dir "$work/packages" --bind 127.0.0.1 --port "$signed_port" \
  --cache-dir "$work/cache-signed" --signing-key "$work/signing.key" > "$work/signed.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$signed_port/health"
signed_url="http://127.0.0.1:$signed_port/hosts/web3.us-west-1.example.com/spec"
curl -fsS -D - -o /dev/null "$signed_url" | grep -qi '^x-roller-signature: ed25519:' \
  || { echo "bench: the signing server's spec is not signed" >&2; exit 1; }

bare_port=$(free_port)
java -cp "$top/config-server/target/config-server.jar" "$top/bench/BareUndertow.java" "$bare_port" "$size" > "$work/bare.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$bare_port/"

wrk -t2 -c64 -d5s "$url" >/dev/null                      # warm up the JIT
wrk -t2 -c64 -d5s "http://127.0.0.1:$bare_port/" >/dev/null
wrk -t2 -c64 -d5s "$signed_url" >/dev/null
spec_out=$(wrk -t2 -c64 -d15s --latency "$url")
signed_out=$(wrk -t2 -c64 -d15s --latency "$signed_url")
bare_out=$(wrk -t2 -c64 -d15s --latency "http://127.0.0.1:$bare_port/")
echo "$spec_out" > "$out/server-spec.wrk.txt"; echo "$bare_out" >> "$out/server-spec.wrk.txt"; echo "$signed_out" >> "$out/server-spec.wrk.txt"
signed_rps=$(wrk_rps <<<"$signed_out")
signed_r=$(ratio "$signed_rps" "$(wrk_rps <<<"$spec_out")")
spec_rps=$(wrk_rps <<<"$spec_out"); bare_rps=$(wrk_rps <<<"$bare_out")
p99=$(wrk_p99_ms <<<"$spec_out")
errors=$(grep -c "Non-2xx" <<<"$spec_out" || true)
r=$(ratio "$spec_rps" "$bare_rps")
verdict=$(awk -v r="$r" -v p="$p99" -v e="$errors" 'BEGIN { print (r >= 0.5 && p < 10 && e == 0) ? "PASS" : "FAIL" }')
result "server-spec" "spec ${spec_rps} req/s, bare Undertow ${bare_rps} req/s (${size}-byte body): ratio ${r}; spec p99 ${p99} ms" \
  "ratio >= 0.5, p99 < 10 ms" "$verdict"
verdict=$(awk -v r="$signed_r" 'BEGIN { print (r >= 0.9) ? "PASS" : "FAIL" }')
result "server-spec-signed" "signed spec ${signed_rps} req/s against unsigned ${spec_rps}: ratio ${signed_r}" "ratio >= 0.9" "$verdict"
