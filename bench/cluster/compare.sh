#!/bin/sh
# compare.sh - do two indexes answer alike?  For every query of a query file
# (bench/queries.txt's layout: tab-separated, the rasearch query in field
# 2; or one query per line with --plain), ra-query --format json on both
# sides: the top 20 ids in order must be equal; the total and the facet
# counts must be equal wherever both sides counted them exactly (every
# match examined: facet_docs the same on both, >= the total, <= 250), and
# the totals too unless near-duplicates were folded (Xapian then estimates
# the folded count on one database, and the estimate may differ from a
# cluster's, which is exact: `"work life balance"` is 180 vs 178 on 300
# articles, where 178 is right); where either side sampled,
# each tag's share of the examined matches is compared and the largest
# difference reported.
#
#   compare.sh [--plain] RA_QUERY DB_A DB_B QUERIES
#
# DB_A/DB_B: an index directory or a cluster file.  Prints one line per
# difference and a summary; exit 0 when nothing differs (sampled shares
# are reported, not judged), 1 otherwise, 2 on usage.  Needs jq.
set -u
plain=0
if [ "${1:-}" = --plain ]; then plain=1; shift; fi
if [ $# -ne 4 ]; then
  echo "usage: compare.sh [--plain] RA_QUERY DB_A DB_B QUERIES" >&2
  exit 2
fi
Q=$1 A=$2 B=$3 QF=$4
command -v jq >/dev/null 2>&1 || { echo "compare.sh: needs jq" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ra-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ $plain = 1 ]; then grep -v '^#' "$QF" | grep -v '^$' >"$tmp/q"
else grep -v '^#' "$QF" | cut -f2 | grep -v '^$' >"$tmp/q"; fi

# One line per query: ids|total|facet_docs|tag=count,...  (jq -c of the
# parts, so fields never hold the separator unescaped).
summary() {
  jq -r '[([.hits[].id] | join(" ")), (.total_estimate|tostring),
          (.facet_docs|tostring), ([.facets[] | "\(.folded)=\(.count)"] | join(","))]
         | join("|")' 2>/dev/null
}
n=0 same=0 diff=0 exact=0 sampled=0 maxshare=0 collapsed=0
while IFS= read -r q; do
  n=$((n + 1))
  sa=$("$Q" --db "$A" --format json --per-page 20 -- "$q" 2>/dev/null | summary)
  sb=$("$Q" --db "$B" --format json --per-page 20 -- "$q" 2>/dev/null | summary)
  ia=${sa%%|*} ib=${sb%%|*}
  if [ "$ia" != "$ib" ]; then
    diff=$((diff + 1))
    printf 'DIFF top20  %s\n  A: %s\n  B: %s\n' "$q" "$ia" "$ib"
    continue
  fi
  same=$((same + 1))
  ta=$(printf '%s' "$sa" | cut -d'|' -f2) tb=$(printf '%s' "$sb" | cut -d'|' -f2)
  fa=$(printf '%s' "$sa" | cut -d'|' -f3) fb=$(printf '%s' "$sb" | cut -d'|' -f3)
  ca=$(printf '%s' "$sa" | cut -d'|' -f4) cb=$(printf '%s' "$sb" | cut -d'|' -f4)
  if [ "${fa:-0}" -le 250 ] && [ "$fa" = "$fb" ] && [ "$fa" -ge "${ta:-0}" ]; then
    # Every match examined on both sides: the facet counts are exact and
    # must agree; so must the totals, unless collapsing made one side's an
    # estimate (a total below the examined matches says near-duplicates
    # were folded, and Xapian estimates that count on one database).
    exact=$((exact + 1))
    if [ "$ca" != "$cb" ] || { [ "$ta" != "$tb" ] && [ "$ta" = "$fa" ] && [ "$tb" = "$fb" ]; }; then
      diff=$((diff + 1))
      printf 'DIFF counts %s\n  A: total %s facets %s\n  B: total %s facets %s\n' \
        "$q" "$ta" "$ca" "$tb" "$cb"
    elif [ "$ta" != "$tb" ]; then
      collapsed=$((collapsed + 1))
    fi
  else
    sampled=$((sampled + 1))
    # Largest difference of a tag's share of the examined matches.
    d=$(printf '%s\n%s\n' "$fa $ca" "$fb $cb" | awk '
      NR == 1 { na = $1; n = split($2, v, ","); for (i = 1; i <= n; i++) { split(v[i], kv, "="); a[kv[1]] = kv[2] / (na ? na : 1) } }
      NR == 2 { nb = $1; n = split($2, v, ","); for (i = 1; i <= n; i++) { split(v[i], kv, "="); b[kv[1]] = kv[2] / (nb ? nb : 1) } }
      END { m = 0; for (k in a) { x = a[k] - b[k]; if (x < 0) x = -x; if (x > m) m = x }
            for (k in b) { x = a[k] - b[k]; if (x < 0) x = -x; if (x > m) m = x }
            printf "%.4f", m }')
    maxshare=$(printf '%s %s\n' "$maxshare" "$d" | awk '{ print ($2 > $1 ? $2 : $1) }')
  fi
done <"$tmp/q"
echo "compare: $n queries: $same same top 20 (ids and order), $exact counted exactly" \
     "on both (facets compared; totals too, $collapsed of them estimates after" \
     "folding near-duplicates), $sampled sampled (largest tag-share" \
     "difference $maxshare), $diff differences"
[ "$diff" -eq 0 ]
