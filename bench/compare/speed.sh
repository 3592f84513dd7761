#!/bin/bash
# speed.sh OLD_BIN NEW_BIN CORPUS [RUNS] - is a change slower?  Runs the two
# builds alternately RUNS times (default 5): a rebuild of CORPUS with
# --jobs 1 and --jobs 2, then bench_query over bench/queries.txt on the
# index; prints the medians.  OLD_BIN and NEW_BIN hold ra-index and
# bench_query.
[ $# -ge 3 ] || { echo "usage: speed.sh OLD_BIN NEW_BIN CORPUS [RUNS]" >&2; exit 2; }
old=$1 new=$2 gen=$3 runs=${4:-5}
src=$(cd "$(dirname "$0")/../.." && pwd)
w=$(mktemp -d)
grep -v '^#' "$src/bench/queries.txt" > $w/q.txt
for i in $(seq $runs); do
  for side in old new; do
    bin=${!side}
    for j in 1 2; do
      rm -rf $w/db; s=$(date +%s.%N)
      $bin/ra-index -q --db $w/db --rebuild --jobs $j "$gen" || exit 1
      e=$(date +%s.%N); echo "$side rebuild-j$j $(echo "$e - $s" | bc)"
    done
    $bin/bench_query --db $w/db --column 2 --warm 1 --count 3 $w/q.txt 2>/dev/null | awk -v s=$side '/^queries/{print s, "query-p50", $4; print s, "query-mean", $10}'
  done
done > $w/raw
for k in rebuild-j1 rebuild-j2 query-p50 query-mean; do
  for side in old new; do
    awk -v s=$side -v k=$k '$1==s && $2==k {print $3}' $w/raw | sort -g | awk -v s=$side -v k=$k '{a[NR]=$1} END{printf "%s %s median %.4f (n=%d)\n", k, s, a[int((NR+1)/2)], NR}'
  done
done
rm -rf $w
