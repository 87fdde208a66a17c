#!/usr/bin/env bash
# A roll that changes one package of a 5-package, 20,000-file hostclass (roll itself and four
# generated packages of 5,000 files each), every package already unpacked on the host: build a
# generation by hard links, write its index, switch, gc. Alternates the changed package between
# two versions, 7 rolls. The packages carry no services, so no service start time is included.
# Target: under 1 s.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
build_if_needed
build_packages_if_needed
work=$(mktemp -d "$(dirname "$(fast_scratch_probe)")/roller-bench.XXXXXX")
host=bench1.dc1.example.com
root="$work/host"
trap 'stop_host_and_server "$root"; if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi' EXIT
for p in a b c d; do
  java "$top/bench/GenerateTree.java" "$work/src/bench-$p" 5000 20 >&2
  sed -i "s/^name: .*/name: bench-$p/" "$work/src/bench-$p/.roller/package.yml"
  mv "$work/src/bench-$p/share" "$work/src/bench-$p/share-$p"   # each package its own paths
  "$top/bin/roller-pkg" build "$work/src/bench-$p" -o "$work/dist" >/dev/null
done
echo "one more line" >> "$work/src/bench-d/share-d/d7/file7.txt"
sed -i "s/^version: .*/version: 1.0.1/" "$work/src/bench-d/.roller/package.yml"
"$top/bin/roller-pkg" build "$work/src/bench-d" -o "$work/dist" >/dev/null
hostclass() { printf 'packages: {roll: 1.0.0, bench-a: 1.0.0, bench-b: 1.0.0, bench-c: 1.0.0, bench-d: %s}\n' "$1"; }
make_repo "$work/repo" hostclasses/bench.yml "$(hostclass 1.0.0)" "hosts/$host.yml" "hostclass: bench
datacenter: dc1
"
mkdir -p "$work/server"
start_config_server "$work/repo" "$work/server"
publish "$work/server/token" "$work"/dist/*.tar.gz "$top"/packages/tools/target/packages/roll-1.0.0.tar.gz
curl -fsS "${url}bootstrap?host=$host" | sh -s -- --host "$host" --root "$root" >&2
roll=("$root/usr/local/bin/roll" --root "$root" --host "$host" --config-server "$url")
files=$(find -L "$root/usr/local" -type f | wc -l)
# Every version on the host once, so the timed rolls find every package unpacked already.
printf '%s' "$(hostclass 1.0.1)" > "$work/repo/hostclasses/bench.yml"; commit_repo "$work/repo"; "${roll[@]}" >&2
times=()
for i in 1 2 3 4 5 6 7; do
  version=$([ $((i % 2)) = 1 ] && echo 1.0.0 || echo 1.0.1)
  printf '%s' "$(hostclass "$version")" > "$work/repo/hostclasses/bench.yml"; commit_repo "$work/repo"
  times+=($(time_ms "${roll[@]}"))
done
[ "$(readlink "$root/usr/local")" = ../var/lib/roller/generations/9 ] \
  && ! grep -q "one more line" "$root/usr/local/share-d/d7/file7.txt" \
  || { echo "bench: not every roll landed" >&2; exit 1; }

m=$(printf '%s\n' "${times[@]}" | median)
verdict=$(awk -v m="$m" 'BEGIN { print (m < 1000) ? "PASS" : "FAIL" }')
result "roll-change" "one package of 5 changed, ${files} files: ${m} ms per roll (median of 7, rolls ${times[*]} ms, in $(dirname "$work"))" "< 1000 ms" "$verdict"
