#!/bin/bash
# cluster_load.sh - the cluster under load (bench/cluster/load.py): 16
# clients through lighttpd and FastCGI while both replicas of a shard are
# killed (process group) one after the other and restarted, then while
# every shard is rebuilt: no 5xx, partial answers only while the shard had
# no replica, whole answers within 2 s of its return, idle connections the
# servers dropped reconnected, no answer changed by the rebuild, no
# FastCGI process restarted.  Skipped in the sanitizer build (its slowness
# is not the cluster's) and without lighttpd, python3 or xapian-tcpsrv.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${RA_SRCDIR:-..}/tests/lib.sh"
GEN="$(dirname "$RA_INDEX")/../bench/gen_corpus"
BUILD=$(cd "$(dirname "$RA_INDEX")/.." && pwd)
if [ -n "${RA_SAN_FLAGS:-}" ]; then
  echo "1..0 # SKIP timing of recovery is not measured under sanitizers"
  exit 0
fi
for t in lighttpd python3 xapian-tcpsrv; do
  if ! command -v "$t" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$t" ]; then
    echo "1..0 # SKIP needs $t"
    exit 0
  fi
done
PATH="$PATH:/usr/sbin"
"$GEN" -q --count 200 --seed 5 --out "$T_TMP/corpus"
"$RA_INDEX" --quiet --shards 2 --db "$T_TMP/s2" "$T_TMP/corpus"
run python3 "$RA_SRCDIR/bench/cluster/load.py" "$BUILD" "$RA_SRCDIR" "$T_TMP/s2" 2 12 "$T_TMP/corpus"
printf '%s\n' "$OUT" | sed 's/^/# /'
is "$RC" 0 "load.py: every check holds"
like "$OUT" "5xx answers: 0;" "no 5xx answer"
like "$OUT" "(0 outside the outage)" "partial answers only while the shard had no replica"
like "$OUT" "all whole from +2 s: yes" "whole answers within 2 s of the replicas' return"
like "$OUT" "idle connections after 1.5 s): whole answers" "dropped idle connections reconnected"
like "$OUT" "none restarted" "no FastCGI process restarted"
like "$OUT" "0 different or failed" "no answer changed while every shard was rebuilt"
done_testing
