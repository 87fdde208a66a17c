#!/usr/bin/env bash
# foreman sync of 500 users that are already in sync (accounts, keys, a dotfile, sudo for some),
# on a scratch root whose account files are copied from this machine, against a config server
# on 127.0.0.1. Five timed syncs alternate with the same JVM starting and printing a line.
# Needs root (the account tools). Target: under 1 s beyond JVM start.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
build_if_needed
[ "$(id -u)" = 0 ] || { echo "bench: foreman-sync needs root (useradd)" >&2; exit 1; }
[ -f "$top/foreman/target/foreman.jar" ] || (cd "$top" && mvn -q -B package -DskipTests) >&2
work=$(mktemp -d)
host=bench1.dc1.example.com
root="$work/host"
trap 'if [ -n "${server_pid:-}" ]; then kill "$server_pid" 2>/dev/null || true; fi; if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi' EXIT
key=$(sed -n 's/^  - \(ssh-ed25519 .*\)$/\1/p' "$top/config-repo/example/users/alice.yml" | head -1)
args=(hostclasses/bench.yml "packages: {}
" "hosts/$host.yml" "hostclass: bench
datacenter: dc1
")
for i in $(seq 1 500); do
  sudo=$([ $((i % 10)) = 0 ] && echo '["*"]' || echo '[]')
  args+=("users/user$i.yml" "uid: $((60000 + i))
comment: Bench user $i
shell: /bin/sh
groups: [benchgrp]
ssh_keys: [\"$key\"]
hostclasses: [\"*\"]
sudo: $sudo
files:
  .profile: |
    export BENCH=$i
")
done
make_repo "$work/repo" "${args[@]}"
mkdir -p "$work/server" "$root/etc" "$root/home" "$root/bin"
start_config_server "$work/repo" "$work/server"
for f in passwd group shadow gshadow login.defs; do cp "/etc/$f" "$root/etc/"; done
cp /bin/sh "$root/bin/"
foreman=("$top/bin/foreman" sync --root "$root" --host "$host" --config-server "$url")
start=$(date +%s)
"${foreman[@]}" > "$work/first.log"
echo "bench: first sync created $(grep -c 'created (uid' "$work/first.log") accounts in $(( $(date +%s) - start )) s" >&2
"${foreman[@]}" | grep -q "^in sync: 500 accounts" || { echo "bench: the second sync was not a no-op" >&2; exit 1; }

hello="$work/hello"
mkdir -p "$hello"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$hello/Hello.java"
javac --release 17 -d "$hello" "$hello/Hello.java"
bare=(); synced=()
for _ in 1 2 3 4 5; do
  bare+=($(time_ms java -XX:+UseSerialGC -cp "$hello" Hello))
  synced+=($(time_ms "${foreman[@]}"))
done
b=$(printf '%s\n' "${bare[@]}" | median); s=$(printf '%s\n' "${synced[@]}" | median)
beyond=$((s - b))
verdict=$([ "$beyond" -lt 1000 ] && echo PASS || echo FAIL)
result "foreman-sync" "500 users in sync: ${s} ms, JVM start + print ${b} ms: ${beyond} ms beyond (median of 5)" "< 1000 ms beyond" "$verdict"
