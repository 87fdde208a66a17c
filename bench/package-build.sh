#!/usr/bin/env bash
# Builds the 200 MB, 20,000-file package with roller-pkg and the same folder with GNU tar -czf,
# alternating, five times each. Target: roller-pkg at least as fast (time ratio <= 1.0).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
build_if_needed
tree=$(bench_tree)
scratch=$(fast_scratch)
trap 'rm -rf "$scratch"' EXIT
cp -r "$tree" "$scratch/tree"
mine=(); theirs=()
for i in 1 2 3 4 5; do
  rm -f "$scratch"/*.tar.gz
  theirs+=($( { /usr/bin/time -f "%e" tar -czf "$scratch/gnu.tar.gz" -C "$scratch/tree" .; } 2>&1 ))
  mine+=($( { /usr/bin/time -f "%e" "$top/bin/roller-pkg" build "$scratch/tree" -o "$scratch" >/dev/null; } 2>&1 ))
done
m=$(printf '%s\n' "${mine[@]}" | median); t=$(printf '%s\n' "${theirs[@]}" | median); r=$(ratio "$m" "$t")
verdict=$(awk -v r="$r" 'BEGIN { print (r <= 1.0) ? "PASS" : "FAIL" }')
result "package-build" "roller-pkg ${m} s, tar -czf ${t} s: ratio ${r} (median of 5, in $(dirname "$scratch"))" "ratio <= 1.0" "$verdict"
