# Shared by the benchmark scripts: paths, building the jars once, and the result row format.
# A benchmark prints one or more rows: RESULT|name|figure|target|PASS or FAIL
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/bench/out"
mkdir -p "$out"

build_if_needed() {
  if [ ! -f "$top/config-server/target/config-server.jar" ] || [ ! -f "$top/packages/target/roller-pkg.jar" ]; then
    (cd "$top" && mvn -q -B package -DskipTests) >&2
  fi
}

result() { # name figure target verdict
  printf 'RESULT|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# A scratch folder for I/O-heavy comparisons: RAM-backed when the machine has /dev/shm, so the
# figures compare the tools' work rather than the disk's mood. Printed in each result.
fast_scratch() {
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    mktemp -d /dev/shm/roller-bench.XXXXXX
  else
    mktemp -d "$out/scratch.XXXXXX"
  fi
}

# The 200 MB, 20,000-file package tree, generated once.
bench_tree() {
  local tree="$out/tree-20k"
  if [ ! -f "$tree/.roller/package.yml" ]; then
    rm -rf "$tree"
    java "$top/bench/GenerateTree.java" "$tree" 20000 200 >&2
  fi
  echo "$tree"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# A free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# Waits (up to 30 s) until URL answers 200.
wait_for() {
  for _ in $(seq 1 150); do
    curl -fsS "$1" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "bench: $1 did not answer" >&2
  return 1
}

# wrk's requests/s and p99 latency (ms) from its --latency output.
wrk_rps() { awk '/Requests\/sec/ {print $2}'; }
wrk_p99_ms() {
  awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } print v }'
}
