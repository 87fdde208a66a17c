#!/usr/bin/env bash
# roll killed with SIGKILL at 100 random instants of real rolls (issue 17): CrashSafetyTest in
# roll's test sources, an upgrade, a params change, a package added or removed and a failing health
# check (rollback) in turn, each roll its own JVM killed after a random part of a whole roll's time.
# After each kill /usr/local must be a complete generation that verifies, no service may run from a
# removed tree, and the next roll must finish or undo the journal and succeed.
# Target: 100 kills, 100 hosts on a complete generation, 100 next rolls succeed. KILLS=N to change.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kills=${KILLS:-100}
(cd "$top" && mvn -o -q -B install -pl config-repo,packages,packages/stores,config-server,host -DskipTests >&2 \
  && mvn -o -q -B -pl roll test -Dtest="CrashSafetyTest#killedAtRandom*" -Dsurefire.failIfNoSpecifiedTests=false \
       -Droller.kills="$kills" -Droller.kills.out="$work/out" >&2) || true
if [ -f "$work/out" ]; then
  cp "$work/out" "$out/kills.txt"
  result kills "$(sed -n 's/^summary=//p' "$work/out")" "$kills kills, $kills complete generations, $kills next rolls succeed" PASS
else
  result kills "an invariant failed (see the test's output above)" "$kills kills, $kills complete generations, $kills next rolls succeed" FAIL
fi
