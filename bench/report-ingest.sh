#!/usr/bin/env bash
# One config server's report intake (ReportIngestBench in config-server's test sources): the
# generated 100,000-host repo, 500 reports/s for 20 s (open loop, after 5 s of warm-up), each kept
# with its history, first in a filesystem store (the server's own cost), then in S3Proxy's in-memory
# store in a process of its own on the same two cores (fleet-100k's store). Target (issue 16): 500
# reports/s with p99 < 100 ms, stored in S3Proxy; the filesystem row says what the server alone does.
# REPORT_WORKERS=N runs the server with N report threads (--report-workers; default 8).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
repo=$(repo_100k)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
server_bench ReportIngestBench -Dfleet.repo="$repo" -Dfleet.out="$work/out" ${REPORT_WORKERS:+-Dfleet.reportWorkers=$REPORT_WORKERS}
cp "$work/out" "$out/report-ingest.txt"
get() { sed -n "s/^$1=//p" "$work/out"; }
for store in fs s3; do
  verdict=$(awk -v q="$(get ${store}_report_p99_ms)" -v t="$(get ${store}_reports_ms)" 'BEGIN { print (q < 100 && t < 22000) ? "PASS" : "FAIL" }')
  label=$([ "$store" = fs ] && echo "filesystem store" || echo "S3Proxy (in-memory, own process)")
  result "report-ingest-$store" "$label: $(get ${store}_reports) reports at $(get rate)/s in $(get ${store}_reports_ms) ms, p99 $(get ${store}_report_p99_ms) ms; spec p99 meanwhile $(get ${store}_spec_p99_ms) ms" \
    "500 reports/s, p99 < 100 ms" "$verdict"
done
