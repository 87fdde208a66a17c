#!/usr/bin/env bash
# Loads, validates and indexes a generated repo of 100,000 hosts and 200 hostclasses from a git
# commit, three times, in a JVM capped at 1 GiB of heap. Target: under 10 s, heap under 1 GiB.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
build_if_needed
repo=$(repo_100k)
times=(); heaps=(); walls=()
for i in 1 2 3; do
  line=$(JAVA_OPTS=-Xmx1g /usr/bin/time -f "WALL %e" "$top/bin/config-server" validate --rev main --stats "$repo" 2>&1 \
    | tee "$out/repo-load.$i.log" | tr '\n' ' ')
  times+=("$(grep -o 'total: [0-9]*' <<<"$line" | awk '{print $2}')")
  heaps+=("$(grep -o 'heap after GC: [0-9]*' <<<"$line" | awk '{print $4}')")
  walls+=("$(grep -o 'WALL [0-9.]*' <<<"$line" | awk '{print $2}')")
done
ms=$(printf '%s\n' "${times[@]}" | median)
wall=$(printf '%s\n' "${walls[@]}" | median)
heap=$(printf '%s\n' "${heaps[@]}" | median)
verdict=PASS
[ "$ms" -lt 10000 ] && [ "$heap" -lt 1024 ] || verdict=FAIL
result "repo-load-100k" "${ms} ms load+validate+index (${wall} s with JVM start), heap ${heap} MiB after GC, -Xmx1g" \
  "< 10 s, heap < 1 GiB" "$verdict"
