#!/usr/bin/env bash
# The config server on the generated 100,000-host repo, in a JVM capped at 1 GiB of heap:
#  - live heap after the commit is loaded (jcmd GC.run, then GC.heap_info);
#  - a new commit served: time from `git commit` landing to POST /hooks/refresh answering with it;
#  - GET /hosts/{fqdn}/spec of one host under wrk (2 threads, 64 connections, 15 s).
#  - a commit changing one host file, and one changing a datacenter file (loaded incrementally: only
#    the changed blobs are read);
# Targets: heap under 1 GiB; a host-file commit served within 1 s, a datacenter-file one within 3 s;
# p99 under 10 ms.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
build_if_needed
command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 1; }
repo=$(repo_100k)
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
clone="$work/repo"
git clone -q "$repo" "$clone"
echo "bench-token-0123456789abcdef" > "$work/token"
port=$(free_port)
JAVA_OPTS="-Xmx1g" "$top/bin/config-server" serve --repo "$clone" --packages-dir "$work/packages" --bind 127.0.0.1 \
  --port "$port" --poll 1h --cache-dir "$work/cache" --publish-token-file "$work/token" > "$work/server.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
wait_for "$base/health"
for _ in $(seq 1 300); do   # the first load: up to 60 s
  curl -fsS "$base/health" 2>/dev/null | grep -q "status: ok" && break
  sleep 0.2
done

jvm=$(pgrep -f "config-server.jar serve --repo $clone" | head -1)
jcmd "$jvm" GC.run >/dev/null
heap_kb=$(jcmd "$jvm" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); print v; exit } }')
heap_mb=$(( heap_kb / 1024 ))

host=$(curl -fsS "$base/hosts?hostclass=hc7" | head -1 | sed 's/^- //')
"$top/bin/config-server" spec --rev main "$clone" "$host" \
  | awk '/^packages:/ {p = 1; next} /^[a-z]/ {p = 0} p && /name:/ {n = $NF} p && /version:/ {print n, $NF}' > "$work/needed"
while read -r name version; do
  mkdir -p "$work/src/$name-$version/.roller"
  printf 'name: %s\nversion: %s\n' "$name" "$version" > "$work/src/$name-$version/.roller/package.yml"
  "$top/bin/roller-pkg" build "$work/src/$name-$version" -o "$work/built" >/dev/null
done < "$work/needed"
for tarball in "$work"/built/*.tar.gz; do
  "$top/bin/roller-pkg" publish "$tarball" --config-server "$base" --token-file "$work/token" >/dev/null
done

# A new commit: a host's param changes; the hook makes the server fetch and load it.
printf 'hostclass: hc7\ndatacenter: dc0\nparams:\n  workers: 99\n' > "$clone/hosts/bench-new.dc0.example.com.yml"
(cd "$clone" && git add -A && git -c user.name=bench -c user.email=bench@example.com commit -qm "a new host")
new=$(git -C "$clone" rev-parse HEAD)
start=$(date +%s%N)
served=$(curl -fsS -X POST "$base/hooks/refresh" | awk '/^commit:/ {print $2}')
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$served" = "$new" ] || { echo "bench: the new commit was not served ($served)" >&2; exit 1; }

# Times a commit of what the caller changed in $clone, from the hook to the answer naming it.
commit_served_ms() {
  (cd "$clone" && git add -A && git -c user.name=bench -c user.email=bench@example.com commit -qm "$1")
  local want start got
  want=$(git -C "$clone" rev-parse HEAD)
  start=$(date +%s%N)
  got=$(curl -fsS -X POST "$base/hooks/refresh" | awk '/^commit:/ {print $2}')
  [ "$got" = "$want" ] || { echo "bench: commit $want was not served ($got)" >&2; exit 1; }
  echo $(( ($(date +%s%N) - start) / 1000000 ))
}
host_ms=(); dc_ms=()
for i in 1 2 3; do
  printf 'hostclass: hc7\ndatacenter: dc0\nparams:\n  workers: %s\n' "$i" > "$clone/hosts/bench-new.dc0.example.com.yml"
  host_ms+=("$(commit_served_ms "host file $i")")
  printf '\n# bench %s\n' "$i" >> "$clone/datacenters/dc1.yml"
  dc_ms+=("$(commit_served_ms "datacenter file $i")")
done
host_ms=$(printf '%s\n' "${host_ms[@]}" | median); dc_ms=$(printf '%s\n' "${dc_ms[@]}" | median)

url="$base/hosts/$host/spec"
curl -fsS "$url" >/dev/null
wrk -t2 -c64 -d5s "$url" >/dev/null
spec_out=$(wrk -t2 -c64 -d15s --latency "$url")
echo "$spec_out" > "$out/server-100k.wrk.txt"
rps=$(wrk_rps <<<"$spec_out"); p99=$(wrk_p99_ms <<<"$spec_out")
verdict=$(awk -v h="$heap_mb" -v a="$host_ms" -v d="$dc_ms" -v p="$p99" 'BEGIN { print (h < 1024 && a < 1000 && d < 3000 && p < 10) ? "PASS" : "FAIL" }')
result "server-100k" "live heap ${heap_mb} MiB (-Xmx1g); a new host ${took_ms} ms; commit of a host file served in ${host_ms} ms, of a datacenter file in ${dc_ms} ms (medians of 3); spec ${rps} req/s, p99 ${p99} ms" \
  "heap < 1 GiB, host commit < 1 s, datacenter commit < 3 s, p99 < 10 ms" "$verdict"
