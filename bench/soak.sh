#!/usr/bin/env bash
# The soak (issue 17): SoakBench in config-server's test sources. One config server, S3 (S3Proxy in
# a process of its own) behind its disk cache; wrk with 256 connections on a host's spec for 60 s
# while a commit lands every second (every fifth fails validation) and 20 reports a second are
# posted; its own client asks /health every 20 ms and a checker notes the commit each spec came from.
# Targets: 0 answers that are not 2xx/3xx (and no socket errors), 0 reports refused, 0 commits that
# failed validation served, /health p99 < 50 ms, heap after within 10% of before. SOAK_SECONDS=N.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
server_bench SoakBench -Dsoak.seconds="${SOAK_SECONDS:-60}" -Dsoak.out="$work/out"
get() { sed -n "s/^$1=//p" "$work/out"; }
cp "$work/out" "$out/soak.txt"
verdict=$(awk -v n="$(get non_2xx)" -v s="$(get socket_errors)" -v r="$(get reports_refused)" -v b="$(get broken_served)" \
  -v h="$(get health_p99_ms)" -v hb="$(get heap_before_mb)" -v ha="$(get heap_after_mb)" -v p="$(get problems)" \
  'BEGIN { print (n == 0 && s == "none" && r == 0 && b == 0 && h < 50 && ha <= hb * 1.1 && p+0 == 0) ? "PASS" : "FAIL" }')
result soak "$(get seconds) s, $(get requests) spec answers ($(get rps)/s, p99 $(get spec_p99)): $(get non_2xx) not 2xx/3xx, socket errors $(get socket_errors); $(get commits) commits ($(get broken_commits) failing validation, $(get broken_served) of them served); $(get reports) reports, $(get reports_refused) refused; /health p99 $(get health_p99_ms) ms over $(get health_checks); heap $(get heap_before_mb) -> $(get heap_after_mb) MiB; other problems $(get problems)" \
  "0 errors, 0 bad commits served, /health p99 < 50 ms, heap within 10%" "$verdict"
