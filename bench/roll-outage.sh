#!/usr/bin/env bash
# The outage a roll causes a service: hello-web on a bootstrapped host, polled by a client as
# fast as it answers, while roll restarts it for a new greeting (stop, switch, start, health
# check). The same client measures the service's own stop + start done by hand (SIGTERM to its
# group, wait until gone, start it again), the floor. Three of each; medians.
# Target: roll's outage under the hand restart + 100 ms.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
build_if_needed
build_packages_if_needed
work=$(mktemp -d)
root="$work/host"
trap 'stop_host_and_server "$root"; [ -f "$work/manual.pid" ] && kill -TERM -- "-$(cat "$work/manual.pid")" 2>/dev/null; rm -rf "$work"' EXIT
port=$(free_port)
hostclass() { printf 'packages: {hello-web: 1.0.0, foreman: 1.0.0, roll: 1.0.0}\nparams: {bind: 127.0.0.1, listen_port: %s, greeting: %s, workers: 2}\n' "$port" "$1"; }
bootstrap_bench_host "$(hostclass hello)"
javac --release 17 -d "$work/poll" "$top/bench/Poll.java"

# Polls hello-web while "$@" runs; prints the longest gap between answers, in ms.
outage() {
  rm -f "$work/stop"
  java -cp "$work/poll" Poll "http://127.0.0.1:$port/" "$work/stop" > "$work/poll.out" &
  local poller=$!
  for _ in $(seq 1 200); do grep -q polling "$work/poll.out" 2>/dev/null && break; sleep 0.05; done
  "$@" >/dev/null 2>&1
  curl -fsS "http://127.0.0.1:$port/" >/dev/null   # up again
  sleep 0.2
  touch "$work/stop"
  wait "$poller"
  tail -1 "$work/poll.out"
}

rolled=()
for greeting in bonjour hola hallo; do
  printf '%s' "$(hostclass "$greeting")" > "$work/repo/hostclasses/bench.yml"; commit_repo "$work/repo"
  rolled+=($(outage "${roll[@]}"))
  curl -fsS "http://127.0.0.1:$port/" | grep -q "$greeting" || { echo "bench: the roll did not land" >&2; exit 1; }
done

# By hand: the service's own stop and start, nothing else.
run=$(sed -n 's/^ *run: //p' "$root/usr/local/.roller/generation.yml" | head -1)
cut -d' ' -f1 "$root/var/lib/roller/run/hello-web.pid" > "$work/manual.pid"
rm -f "$root/var/lib/roller/run/hello-web.pid"
restart_by_hand() {   # runs in a subshell: the service's pid lives in a file
  local pid
  pid=$(cat "$work/manual.pid")
  kill -TERM -- "-$pid"
  while [ -d "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; do sleep 0.001; done
  (cd "$root/usr/local" && exec setsid sh -c "exec $run" >> "$root/var/log/roller/hello-web.log" 2>&1 < /dev/null) &
  echo $! > "$work/manual.pid"
  until curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; do sleep 0.001; done
}
by_hand=()
for _ in 1 2 3; do
  by_hand+=($(outage restart_by_hand))
done
r=$(printf '%s\n' "${rolled[@]}" | median); h=$(printf '%s\n' "${by_hand[@]}" | median)
extra=$((r - h))
verdict=$([ "$extra" -lt 100 ] && echo PASS || echo FAIL)
result "roll-outage" "outage during a roll ${r} ms, stop + start by hand ${h} ms: roll adds ${extra} ms (medians of 3: ${rolled[*]} / ${by_hand[*]})" "adds < 100 ms" "$verdict"
