#!/usr/bin/env bash
# The fleet at 100,000 hosts (DESIGN §10), FleetIndexBench in config-server's test sources: the
# generated 100,000-host repo, a report per host in an S3 bucket on S3Proxy (its in-memory store, in a
# process of its own), a first config server (no compacted index yet: reads every report, then
# writes index/reports.json.gz) and a second started after it. Measures: start to index loaded
# (/health 200) of both (the target is the second's: a bucket's first server starts once), the
# second's heap after GC (the server alone), medians of 20 GET / and GET /fleet?state=failing (and of
# 20 more with a report posted before each: the summary follows the reports host by host), and 500
# reports/s for 20 s (each kept in S3, with its history) with their p99, and a spec's p99 meanwhile.
# Targets: index ready < 30 s; / and /fleet?state=failing < 100 ms; heap < 1 GiB; reports p99 < 100 ms.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
repo=$(repo_100k)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
server_bench FleetIndexBench -Dfleet.repo="$repo" -Dfleet.out="$work/out"
get() { sed -n "s/^$1=//p" "$work/out"; }
cat "$work/out" > "$out/fleet-100k.txt"
verdict=$(awk -v r="$(get ready_ms)" -v p="$(get page_ms)" -v f="$(get failing_ms)" -v h="$(get heap_mb)" \
  -v cp="$(get churn_page_ms)" -v cf="$(get churn_failing_ms)" \
  -v q="$(get report_p99_ms)" -v n="$(get reports)" -v t="$(get reports_ms)" \
  'BEGIN { print (r < 30000 && p < 100 && f < 100 && cp < 100 && cf < 100 && h < 1024 && q < 100 && t < 22000) ? "PASS" : "FAIL" }')
result "fleet-100k" "$(get hosts) hosts, reports in S3Proxy (seeded in $(get seed_ms) ms): index ready $(get ready_ms) ms after start (a bucket's first server: $(get ready_cold_ms) ms; $(get warm_last_refresh)); / $(get page_ms) ms, /fleet?state=failing $(get failing_ms) ms (a report before each: $(get churn_page_ms) and $(get churn_failing_ms) ms); heap $(get heap_mb) MiB; $(get reports) reports in $(get reports_ms) ms, p99 $(get report_p99_ms) ms; spec p99 meanwhile $(get spec_p99_ms) ms" \
  "ready < 30 s; pages < 100 ms; heap < 1 GiB; 500 reports/s, p99 < 100 ms" "$verdict"
