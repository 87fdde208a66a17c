#!/usr/bin/env bash
# A no-op roll: a host bootstrapped with roll, foreman and hello-web rolls again with nothing to
# do (read its settings, fetch the spec, compare its digest, quick-verify the tree), run as cron
# runs it: `roll` with the config server and host name in /etc/roller/roll.yml. Timed against the
# same Java runtime (the roll package's, with the flags roll's launcher uses) starting and
# printing a line, alternating, 15 each.
# Then the same no-op with trust: in roll.yml (the server signs; a no-op is a 304, so only the
# settings and the key are extra), alternating with the one without.
# Targets: the no-op roll takes under 3x the bare JVM (with the runtime's class-data archive);
# with trust: within 10 ms of without.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
build_if_needed
build_packages_if_needed
work=$(mktemp -d)
root="$work/host"
trap 'stop_host_and_server "$root"; if [ "${KEEP:-0}" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi' EXIT
port=$(free_port)
bootstrap_bench_host "packages: {hello-web: 1.0.0, foreman: 1.0.0, roll: 1.0.0}
params: {bind: 127.0.0.1, listen_port: $port, greeting: hi, workers: 1}
"
mkdir -p "$root/etc/roller"
printf 'config_servers: [%s]\nhost: %s\n' "$url" "$host" > "$work/plain.yml"
printf 'config_servers: [%s]\nhost: %s\ntrust: [%s]\n' "$url" "$host" "$signing_pub" > "$work/trust.yml"
cp "$work/plain.yml" "$root/etc/roller/roll.yml"
roll=("$root/usr/local/bin/roll" --root "$root")
"${roll[@]}" >/dev/null   # the first run from the installed roll records its class-data archive
"${roll[@]}" | grep -q "nothing to do" || { echo "bench: the roll was not a no-op" >&2; exit 1; }

java="$root/usr/local/lib/roll/runtime/bin/java"
hello="$work/hello"
mkdir -p "$hello"
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$hello/Hello.java"
javac --release 17 -d "$hello" "$hello/Hello.java"
bare=(); noop=()
for _ in $(seq 1 15); do
  # With the runtime's class-data archive, which roll's launcher made on the host (the package has none).
  bare+=($(time_ms "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -XX:+UnlockDiagnosticVMOptions \
    -XX:ArchiveRelocationMode=0 -Xlog:cds=off -XX:SharedArchiveFile="$root/var/cache/roller/cds/base.jsa" -cp "$hello" Hello))
  noop+=($(time_ms "${roll[@]}"))
done
b=$(printf '%s\n' "${bare[@]}" | median); n=$(printf '%s\n' "${noop[@]}" | median); r=$(ratio "$n" "$b")
verdict=$(awk -v r="$r" 'BEGIN { print (r < 3.0) ? "PASS" : "FAIL" }')
result "roll-noop" "no-op roll ${n} ms, JVM start + print ${b} ms: ratio ${r} (median of 15)" "ratio < 3.0" "$verdict"

cp "$work/trust.yml" "$root/etc/roller/roll.yml"
"${roll[@]}" | grep -q "nothing to do" || { echo "bench: the roll with trust: was not a no-op" >&2; exit 1; }
plain=(); trusted=()
for _ in $(seq 1 15); do
  cp "$work/plain.yml" "$root/etc/roller/roll.yml"; plain+=($(time_ms "${roll[@]}"))
  cp "$work/trust.yml" "$root/etc/roller/roll.yml"; trusted+=($(time_ms "${roll[@]}"))
done
p=$(printf '%s\n' "${plain[@]}" | median); t=$(printf '%s\n' "${trusted[@]}" | median)
verdict=$(awk -v p="$p" -v t="$t" 'BEGIN { print (t - p <= 10) ? "PASS" : "FAIL" }')
result "roll-noop-trust" "no-op with trust: ${t} ms, without ${p} ms: $(( t - p )) ms more (median of 15)" "<= 10 ms more" "$verdict"
