#!/usr/bin/env bash
# config-server impact on the generated 100,000-host repo, both commits loaded (the compute time
# only, from --stats; median of 3), for a change to one hostclass (a package version of hc5, its
# ~500 hosts) and to one datacenter (a param of dc3, its ~10,000 hosts over 200 hostclasses); the
# markdown's length for each. Then the same question answered by looping GET /hosts/{fqdn}/spec/diff
# over a sample of 2,000 hosts on a config server, extrapolated to every host, and the ratio.
# Targets: one hostclass under 1 s, one datacenter under 3 s, markdown under 60 lines.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
build_if_needed
repo=$(repo_100k)
work=$(mktemp -d)
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
clone="$work/repo"
git clone -q "$repo" "$clone"
branch() { # name file sed-expression
  git -C "$clone" checkout -q -b "$1" main
  sed -i "$3" "$clone/$2"
  git -C "$clone" -c user.name=bench -c user.email=bench@example.com commit -qam "$1"
  git -C "$clone" checkout -q main
}
branch one-hostclass hostclasses/hc5.yml '0,/: 1\./s/: 1\./: 9./'
branch one-dc datacenters/dc3.yml 's/ntp1.dc3/ntp2.dc3/'

measure() { # branch -> "impact_ms lines changed"
  local ms=() i line
  for i in 1 2 3; do
    JAVA_OPTS=-Xmx2g "$top/bin/config-server" impact "$clone" --from main --to "$1" --format markdown --stats \
      > "$work/$1.md" 2> "$work/$1.err"
    ms+=("$(grep -o 'impact: [0-9]*' "$work/$1.err" | awk '{print $2}')")
  done
  line=$(grep -o '\*\*[0-9]* of' "$work/$1.md" | tr -dc 0-9)
  echo "$(printf '%s\n' "${ms[@]}" | median) $(wc -l < "$work/$1.md") $line"
}
read -r hc_ms hc_lines hc_changed <<<"$(measure one-hostclass)"
read -r dc_ms dc_lines dc_changed <<<"$(measure one-dc)"

# The slow way, on a server: a sample of hosts' spec diffs, extrapolated.
port=$(free_port)
JAVA_OPTS="-Xmx2g" "$top/bin/config-server" serve --repo "$clone" --packages-dir "$work/packages" --bind 127.0.0.1 \
  --port "$port" --poll 1h --cache-dir "$work/cache" > "$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
wait_for "$base/health"
for _ in $(seq 1 300); do
  curl -fsS "$base/health" 2>/dev/null | grep -q "status: ok" && break
  sleep 0.2
done
curl -fsS "$base/hosts" | sed 's/^- //' > "$work/hosts"
to=$(git -C "$clone" rev-parse one-dc)
from=$(git -C "$clone" rev-parse main)
curl -fsS "$base/hosts/$(head -1 "$work/hosts")/spec/diff?from=$from&to=$to" > /dev/null   # loads the second commit
read -r loop_ms _ <<<"$(java "$top/bench/SpecDiffLoop.java" "$base" "$work/hosts" "$from" "$to" 2000)"
total=$(wc -l < "$work/hosts")
loop_all_ms=$(( loop_ms * total / 2000 ))

verdict=PASS
[ "$hc_ms" -lt 1000 ] && [ "$dc_ms" -lt 3000 ] && [ "$hc_lines" -le 60 ] && [ "$dc_lines" -le 60 ] || verdict=FAIL
result "impact" "one hostclass: $hc_changed hosts in $hc_ms ms, $hc_lines lines; one datacenter: $dc_changed hosts in $dc_ms ms, $dc_lines lines; spec/diff loop: 2,000 hosts in $loop_ms ms, ~$loop_all_ms ms for all $total: impact $(ratio "$loop_all_ms" "$dc_ms")x faster" \
  "< 1 s, < 3 s, <= 60 lines" "$verdict"
