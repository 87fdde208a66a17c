# Shared by the benchmark scripts: paths, building the jars once, and the result row format.
# A benchmark prints one or more rows: RESULT|name|figure|target|PASS or FAIL
top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/bench/out"
mkdir -p "$out"

build_if_needed() {
  if [ ! -f "$top/config-server/target/config-server.jar" ]; then
    (cd "$top" && mvn -q -B package -DskipTests) >&2
  fi
}

result() { # name figure target verdict
  printf 'RESULT|%s|%s|%s|%s\n' "$1" "$2" "$3" "$4"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
