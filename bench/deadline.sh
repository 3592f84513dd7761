#!/bin/sh
# deadline.sh - the worst query shapes found against an index holding one
# very large page, timed through ra-query and ra-cgi with the default
# time budget (2 s): each should answer within the budget plus half (3 s).
# Usage: bench/deadline.sh BUILDDIR DB [RUNS]
#   DB: an index holding a very large page (e.g. /tmp/big/db, a 12 MB page
#   of common-syllable words plus corpus/ pages).
# Prints one line per shape and program: the median wall time of RUNS
# runs, the HTTP status (cgi) and the cut_short the answer carried.
set -u
B=${1:?builddir}; DB=${2:?index}; RUNS=${3:-5}
Q=$B/query/ra-query; CGI=$B/query/ra-cgi
p20='ma* me* mi* mo* mu* ra* re* ri* ro* ta* te* ti* to* na* ne* ni* sa* se* si* la*'
p50="$p20 le* li* ca* ce* co* pa* pe* po* ba* be* bi* bo* da* de* di* do* fa* fe* fi* fo* ga* ge* gi* go* ha* he* hi* ho* ja* je*"
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
shape() { # NAME QUERY
  for prog in ra-query ra-cgi; do
    : >/tmp/deadline.times.$$
    i=0
    while [ $i -lt "$RUNS" ]; do
      t0=$(now)
      if [ $prog = ra-query ]; then
        "$Q" --db "$DB" --format json -- "$2" >/tmp/deadline.out.$$ 2>/dev/null
        st=$?
      else
        qs=$(printf '%s' "$2" | jq -sRr @uri)
        env REQUEST_METHOD=GET QUERY_STRING="q=$qs&format=json" SCRIPT_NAME=/search \
          RASEARCH_DB="$DB" "$CGI" >/tmp/deadline.resp.$$ 2>/dev/null
        st=$(sed -n 's/^Status: \([0-9]*\).*/\1/p' /tmp/deadline.resp.$$ | tr -d '\r' | head -1)
        [ -n "$st" ] || st=200
        sed '1,/^\r$/d' /tmp/deadline.resp.$$ >/tmp/deadline.out.$$
      fi
      echo "$(now) $t0" | awk '{printf "%.3f\n", $1 - $2}' >>/tmp/deadline.times.$$
      i=$((i + 1))
    done
    cut=$(jq -r '.cut_short // "-"' /tmp/deadline.out.$$ 2>/dev/null)
    cut=${cut:--}
    printf '%-34s %-8s %6ss  status %-3s cut_short %s\n' "$1" $prog \
      "$(median </tmp/deadline.times.$$)" "$st" "$cut"
  done
}
shape "50 prefix words (over the cap)" "$p50"
shape "20 prefix words (the cap)" "$p20"
shape "4 one-letter prefixes" "m* r* t* s*"
shape "3 common words (re-rank)" "residency mentorship notes"
shape "phrase of common words" '"residency mentorship"'
shape "12 words (any word, feedback)" "residency mentorship notes meetings pace research mama rere titi sasa lala coco"
shape "one common word" "pace"
rm -f /tmp/deadline.times.$$ /tmp/deadline.out.$$ /tmp/deadline.resp.$$
