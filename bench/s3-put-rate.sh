#!/usr/bin/env bash
# S3Proxy's own rate for reports (S3PutRateBench in package-stores' test sources): its in-memory
# store in a process of its own, 64 threads keeping 10,000 reports through S3Store.putReport (two
# small puts each: the latest and its history entry), three rounds. Not a target of Roller's: the
# ceiling fleet-100k's report rate is measured against on this machine.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$top" && mvn -o -q -B install -pl config-repo,packages -DskipTests >&2 \
  && mvn -o -q -B -pl packages/stores test -Dtest=S3PutRateBench -Dsurefire.failIfNoSpecifiedTests=false \
       -Ds3rate.out="$work/out" >&2)
cp "$work/out" "$out/s3-put-rate.txt"
get() { sed -n "s/^$1=//p" "$work/out"; }
result s3-put-rate "S3Proxy (in-memory, own process) keeps $(get round2_reports_per_s) reports/s warm ($(get round0_reports_per_s), $(get round1_reports_per_s) while warming), $(( $(get round2_reports_per_s) * 2 )) small puts/s" \
  "(a measurement of the test store, no target)" PASS
