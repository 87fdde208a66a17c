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

# Where fast_scratch makes its folders (printed, not made).
fast_scratch_probe() {
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then echo /dev/shm/probe; else echo "$out/probe"; fi
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

# Milliseconds a command takes (its output discarded), wall clock.
time_ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; return 1; }
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

# A git config repo in $1 with a datacenter dc1 and whatever files follow as PATH CONTENT pairs.
make_repo() {
  local repo=$1; shift
  mkdir -p "$repo/datacenters" "$repo/hostclasses" "$repo/hosts" "$repo/users"
  printf 'description: benchmarks\n' > "$repo/datacenters/dc1.yml"
  while [ $# -gt 0 ]; do mkdir -p "$(dirname "$repo/$1")"; printf '%s' "$2" > "$repo/$1"; shift 2; done
  git -C "$repo" init -q -b main
  git -C "$repo" add -A
  git -C "$repo" -c user.name=bench -c user.email=bench@example.com commit -qm "bench fleet"
}

# Commits the repo's changes and tells the server at $url to serve them.
commit_repo() {
  git -C "$1" add -A
  git -C "$1" -c user.name=bench -c user.email=bench@example.com commit -qm "${2:-change}"
  curl -fsS -X POST "${url}hooks/refresh" >/dev/null
}

# Starts a config server on git repo $1 with a filesystem store under $2; sets url and server_pid.
start_config_server() {
  local repo=$1 dir=$2 port
  port=$(free_port)
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/token"
  # Answers are signed (hosts without trust: ignore it); $signing_pub is the key a host trusts.
  [ -f "$dir/signing.key" ] || "$top/bin/config-server" keygen --out "$dir/signing.key" >/dev/null
  signing_pub=$(cat "$dir/signing.key.pub")
  "$top/bin/config-server" serve --repo "$repo" --packages-dir "$dir/packages" --cache-dir "$dir/cache" \
    --bind 127.0.0.1 --port "$port" --poll 1h --publish-token-file "$dir/token" --signing-key "$dir/signing.key" \
    > "$dir/server.log" 2>&1 &
  server_pid=$!
  url="http://127.0.0.1:$port/"
  wait_for "${url}health"
}

# Publishes tarballs to the server at $url, with the token start_config_server wrote in $1.
publish() {
  local token=$1 f; shift
  for f in "$@"; do "$top/bin/roller-pkg" publish "$f" --config-server "$url" --token-file "$token" >/dev/null; done
}

# Stops the services of scratch host root $1 (exec manager pid files) and the config server.
stop_host_and_server() {
  local pidfile
  for pidfile in "$1"/var/lib/roller/run/*.pid; do
    [ -f "$pidfile" ] && { kill -TERM -- "-$(cut -d' ' -f1 "$pidfile")" 2>/dev/null || true; }
  done
  if [ -n "${server_pid:-}" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
}

# Builds the roll and foreman packages (and the rest) if they are missing.
build_packages_if_needed() {
  if [ ! -f "$top/packages/tools/target/packages/roll-1.0.0.tar.gz" ] || [ ! -d "$top/packages/examples/target/packages" ]; then
    (cd "$top" && mvn -q -B package -DskipTests) >&2
  fi
}

# A bootstrapped bench host: a repo at $work/repo whose hostclass bench is $1 (YAML) and whose
# host bench1.dc1.example.com is in it, a config server on it with the example and tool packages
# published, and the host bootstrapped into $work/host with /bootstrap. Sets host, root, roll.
bootstrap_bench_host() {
  host=bench1.dc1.example.com
  root="$work/host"
  make_repo "$work/repo" hostclasses/bench.yml "$1" "hosts/$host.yml" "hostclass: bench
datacenter: dc1
"
  mkdir -p "$work/server"
  start_config_server "$work/repo" "$work/server"
  publish "$work/server/token" "$top"/packages/examples/target/packages/hello-web-1.0.0.tar.gz \
    "$top"/packages/tools/target/packages/*.tar.gz
  curl -fsS "${url}bootstrap?host=$host" | sh -s -- --host "$host" --root "$root" >&2
  roll=("$root/usr/local/bin/roll" --root "$root" --host "$host" --config-server "$url")
}

# Publishes every package the sample repo names to the server on PORT (token in WORK/token): the
# examples, plus stand-ins for foreman and roll built in WORK.
publish_sample_packages() { # port work
  local name tarball
  for name in foreman roll; do
    mkdir -p "$2/src/$name/.roller"
    printf 'name: %s\nversion: 1.0.0\n' "$name" > "$2/src/$name/.roller/package.yml"
    "$top/bin/roller-pkg" build "$2/src/$name" -o "$2/built" >/dev/null
  done
  for tarball in "$top"/packages/examples/target/packages/*.tar.gz "$2"/built/*.tar.gz; do
    "$top/bin/roller-pkg" publish "$tarball" --config-server "http://127.0.0.1:$1" --token-file "$2/token" >/dev/null
  done
}

# The generated 100,000-host repo (200 hostclasses, 10 datacenters), made and committed once; prints its path.
repo_100k() {
  local repo="$out/repo-100k"
  if [ ! -d "$repo/.git" ]; then
    rm -rf "$repo"
    java "$top/bench/GenerateRepo.java" "$repo" 100000 200 >&2
    (cd "$repo" && git init -q -b main && git add -A \
      && git -c user.name=bench -c user.email=bench@example.com commit -qm "generated: 100000 hosts") >&2
  fi
  echo "$repo"
}

# Runs a benchmark class of config-server's test sources through surefire (after installing the
# modules it needs), passing the -D properties given: server_bench FleetIndexBench -Dfleet.out=...
server_bench() {
  local test=$1; shift
  (cd "$top" && mvn -o -q -B install -pl config-repo,packages,packages/stores -DskipTests >&2 \
    && mvn -o -q -B -pl config-server test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false "$@" >&2)
}
