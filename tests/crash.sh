#!/bin/sh
# crash.sh - kill -9 the indexer at 24 random moments of rebuilds and
# updates: every time, the index must still open and answer from a complete
# generation, and the next run must recover without manual steps.
. "${RA_SRCDIR:-..}/tests/lib.sh"
C="$T_TMP/corpus"; DB="$T_TMP/db"
mkdir -p "$C"; cp "$CORPUS/tags.txt" "$C/"
for f in "$CORPUS"/0*.txt; do
  for k in $(seq 1 60); do
    sed "1,12s/Residency/Residency Crashword$k/" "$f" > "$C/p${k}_$(basename "$f")"
  done
done
total() { "$RA_QUERY" --db "$DB" --format json --count 1 crashword1 2>/dev/null | grep -o '"total_estimate":[0-9]*' | cut -d: -f2; }

t0=$(date +%s%N)
run "$RA_INDEX" --db "$DB" --quiet "$C"
t1=$(date +%s%N)
is "$RC" 0 "initial build of 300 pages"
ms=$(( (t1 - t0) / 1000000 )); [ "$ms" -lt 50 ] && ms=50
echo "# a full build takes ${ms} ms; kills land in [0, ${ms}] ms"
good=$(total)
ok $([ -n "$good" ] && [ "$good" -gt 0 ] && echo 0 || echo 1) "index answers ($good hits)"

seed=${RA_CRASH_SEED:-$(date +%s)}
echo "# seed $seed (set RA_CRASH_SEED to replay)"
failures=0
for i in $(seq 1 24); do
  delay=$(awk -v s="$seed" -v i="$i" -v ms="$ms" 'BEGIN { srand(s + i); printf "%.3f", rand() * ms / 1000 }')
  if [ $((i % 2)) -eq 0 ]; then
    # An update: change a few pages first.
    for k in 1 2 3; do
      f="$C/p$(( (i + k) % 60 + 1 ))_002_f7ec2a6eb3000eca.txt"
      echo "Edit $i$k: a sentence about crash recovery." >> "$f"
    done
    mode=update; args=""
  else
    mode=rebuild; args="--rebuild"
  fi
  # shellcheck disable=SC2086
  "$RA_INDEX" --db "$DB" --quiet $args "$C" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  n=$(total)
  if [ "$n" != "$good" ]; then
    failures=$((failures + 1))
    echo "# kill $i ($mode after ${delay}s): index answered '$n', expected $good"
  fi
  if ! "$RA_QUERY" --db "$DB" --format json mentorship >/dev/null 2>&1; then
    failures=$((failures + 1)); echo "# kill $i ($mode after ${delay}s): query failed"
  fi
done
is "$failures" 0 "after 24 kills -9 the index always opened and answered completely"

run "$RA_INDEX" --db "$DB" "$C"
is "$RC" 0 "the next run recovers without manual steps"
like "$ERR" "0 failed" "and indexes everything"
ok $([ ! -e "$DB/tmp-shards" ] && echo 0 || echo 1) "no shard leftovers after a good run"
run "$RA_INDEX" --db "$DB" --rebuild "$C"
gens=$(ls -d "$DB"/gen-* | wc -l | tr -d ' ')
ok $([ "$gens" -le 2 ] && echo 0 || echo 1) "old and killed generations are collected ($gens left)"
is "$(total)" "$good" "final index complete"

done_testing
