#!/usr/bin/env bash
# Extracts the 200 MB, 20,000-file package with roller-pkg extract (every safety rule, sha256
# verified) and with GNU tar -xzf, alternating, five times each.
# Target: roller-pkg at least as fast (time ratio <= 1.0).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
build_if_needed
tree=$(bench_tree)
scratch=$(fast_scratch)
trap 'rm -rf "$scratch"' EXIT
"$top/bin/roller-pkg" build "$tree" -o "$scratch" >/dev/null
tarball="$scratch/bench-tree-1.0.0.tar.gz"
sha=$(sha256sum "$tarball" | cut -d' ' -f1)
mine=(); theirs=()
for i in 1 2 3 4 5; do
  rm -rf "$scratch/gnu" "$scratch/mine"; mkdir "$scratch/gnu"
  theirs+=($( { /usr/bin/time -f "%e" tar -xzf "$tarball" -C "$scratch/gnu"; } 2>&1 ))
  mine+=($( { /usr/bin/time -f "%e" "$top/bin/roller-pkg" extract "$tarball" --sha256 "$sha" -o "$scratch/mine" >/dev/null; } 2>&1 ))
done
diff -r "$scratch/gnu" "$scratch/mine" >/dev/null || { echo "the extracted trees differ" >&2; exit 1; }
m=$(printf '%s\n' "${mine[@]}" | median); t=$(printf '%s\n' "${theirs[@]}" | median); r=$(ratio "$m" "$t")
verdict=$(awk -v r="$r" 'BEGIN { print (r <= 1.0) ? "PASS" : "FAIL" }')
result "package-extract" "roller-pkg ${m} s, tar -xzf ${t} s: ratio ${r} (median of 5, in $(dirname "$scratch"))" "ratio <= 1.0" "$verdict"
