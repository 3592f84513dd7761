#!/bin/sh
# relevance.sh - the relevance gate for the article corpus: the reader
# queries of tests/relevance/golden.tsv, run through ra-query over an index
# of corpus/, must keep the mean reciprocal rank (MRR) of their expected
# best articles at or above tests/relevance/min_mrr.  Every miss is printed
# as a TAP diagnostic (docs/evaluation.md says how to change the set).
. "${RA_SRCDIR:-..}/tests/lib.sh"
DB="$T_TMP/db"
GOLDEN="$RA_SRCDIR/tests/relevance/golden.tsv"
MIN=$(grep -v '^#' "$RA_SRCDIR/tests/relevance/min_mrr" | head -1 | tr -d ' \r')
TAB=$(printf '\t')

run "$RA_INDEX" --db "$DB" "$CORPUS"
is "$RC" 0 "ra-index indexes corpus/"

# The golden set itself: enough queries, and every expected id exists.
n=$(grep -v '^#' "$GOLDEN" | grep -c .)
[ "$n" -ge 30 ]
ok $? "golden set has at least 30 queries ($n)"
bad=
for id in $(grep -v '^#' "$GOLDEN" | cut -f2 | tr ' ' '\n' | sort -u); do
  [ -f "$CORPUS/$id.txt" ] || bad="$bad $id"
done
is "$bad" "" "every expected id names a page in corpus/"
case $MIN in
  0|0.[0-9]*|1|1.[0]*) ok 0 "min_mrr holds a number ($MIN)" ;;
  *) ok 1 "min_mrr holds a number (got '$MIN')"; MIN=1 ;;
esac

# Reciprocal rank of each query; the sum and the misses.
: > "$T_TMP/rr"
grep -v '^#' "$GOLDEN" | while IFS=$TAB read -r query want why; do
  [ -n "$query" ] || continue
  run "$RA_QUERY" --db "$DB" --format json --count 10 -- "$query"
  rank=0 r=0
  for id in $(json_ids "$OUT"); do
    r=$((r + 1))
    for w in $want; do [ "$id" = "$w" ] && { rank=$r; break 2; }; done
  done
  echo "$rank" >> "$T_TMP/rr"
  if [ "$rank" -ne 1 ]; then
    got=$(json_ids "$OUT" | head -3 | sed 's/_.*//' | tr '\n' ' ')
    echo "# miss: '$query': first of $(echo "$want" | sed 's/_[0-9a-f]*//g')" \
      "at rank $rank (0: not in the top 10); top 3: $got($why)"
  fi
done
mrr=$(awk '{ n++; if ($1 > 0) s += 1 / $1 } END { printf "%.4f", n ? s / n : 0 }' "$T_TMP/rr")
echo "# MRR $mrr over $(grep -c . "$T_TMP/rr") queries (gate: $MIN)"
awk -v m="$mrr" -v min="$MIN" 'BEGIN { exit !(m + 0 >= min + 0) }'
ok $? "MRR $mrr >= $MIN (tests/relevance/min_mrr)"

done_testing
