#!/usr/bin/env bash
# Rollouts at fleet scale (DESIGN §8), two parts:
#  1. FleetSim (config-server's test sources, run by surefire): 1,000 simulated hosts long-polling
#     and reporting as roll does, on two config servers sharing one S3 bucket on S3Proxy; waves
#     [1, 1%, 10%, 50%, 100%], soak 2 s. A good commit, then a bad one.
#  2. 10,000 long-polls parked on one server (a process, -Xmx512m): its live heap, its busy worker
#     threads, and /health's p99 while they are parked.
# Targets: the good commit applied by every host within 60 s, none before its wave opened; the bad
# one reaching at most 1 + max_failures (0) hosts, halted on both servers within 5 s, both agreeing;
# parked: heap < 512 MiB, 0 busy workers, /health p99 < 10 ms.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
build_if_needed
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

# 1. The simulation.
server_bench FleetSimBench -Dfleet.hosts=1000 -Dfleet.out="$work/sim.out"
get() { sed -n "s/^$1=//p" "$work/sim.out"; }
good_ms=$(get good_ms); early=$(get good_early); got=$(get bad_got); halted_ms=$(get bad_halted_ms)
agree=$( [ "$(get good_agree)" = true ] && [ "$(get bad_agree)" = true ] && echo yes || echo no)
verdict=PASS
[ "$good_ms" -ge 0 ] && [ "$good_ms" -lt 60000 ] && [ "$early" -eq 0 ] && [ "$got" -le 1 ] \
  && [ "$halted_ms" -ge 0 ] && [ "$halted_ms" -lt 5000 ] && [ "$agree" = yes ] || verdict=FAIL
result "fleet-sim" "1,000 hosts, 2 servers on S3Proxy: good commit on every host in ${good_ms} ms, ${early} moved early; bad: ${got} host got it, halted on both in ${halted_ms} ms, servers agree: ${agree}" \
  "< 60 s, 0 early; <= 1 host, < 5 s, agree" "$verdict"

# 2. 10,000 parked long-polls.
n=10000
repo="$work/repo"
mkdir -p "$repo/datacenters" "$repo/hostclasses" "$repo/hosts"
printf 'params: {}\n' > "$repo/datacenters/dc1.yml"
printf 'packages:\n  app: 1.0.0\n' > "$repo/hostclasses/web.yml"
for i in $(seq 1 $n); do printf 'hostclass: web\ndatacenter: dc1\n' > "$repo/hosts/web$i.dc1.example.com.yml"; done
(cd "$repo" && git init -q -b main && git add -A && git -c user.name=bench -c user.email=bench@example.com commit -qm fleet)
echo "bench-token-0123456789abcdef" > "$work/token"
port=$(free_port)
(JAVA_OPTS="-Xmx512m" exec "$top/bin/config-server" serve --repo "$repo" --packages-dir "$work/packages" --bind 127.0.0.1 \
  --port "$port" --poll 1h --cache-dir "$work/cache" --publish-token-file "$work/token" --max-connections 12000) \
  > "$work/server.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
wait_for "$base/health"
mkdir -p "$work/src/app/.roller"
printf 'name: app\nversion: 1.0.0\n' > "$work/src/app/.roller/package.yml"
"$top/bin/roller-pkg" build "$work/src/app" -o "$work/built" >/dev/null
"$top/bin/roller-pkg" publish "$work/built"/app-1.0.0.tar.gz --config-server "$base" --token-file "$work/token" >/dev/null
seq 1 $n | sed 's/.*/web&.dc1.example.com/' > "$work/hosts"
jvm=$(pgrep -f "config-server.jar serve --repo $repo" | head -1)
read -r parked p50 p99 busy heap_mb <<<"$(java "$top/bench/ParkedPolls.java" "$base" "$work/hosts" $n "$jvm" 2> "$work/parked.err")"
verdict=$(awk -v p="$parked" -v n="$n" -v h="$heap_mb" -v q="$p99" -v b="$busy" \
  'BEGIN { print (p >= n && h < 512 && q < 10 && b == 0) ? "PASS" : "FAIL" }')
result "fleet-parked" "${parked} long-polls parked: live heap ${heap_mb} MiB (-Xmx512m), ${busy} busy workers, /health p50 ${p50} ms, p99 ${p99} ms" \
  "10,000 parked, heap < 512 MiB, 0 busy, p99 < 10 ms" "$verdict"
