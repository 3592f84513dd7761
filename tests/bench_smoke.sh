#!/bin/sh
# bench_smoke.sh - the quick mode of bench/run as a smoke test:
# it runs, writes a well-formed report, figures table and plots, leaves
# nothing behind, and stops cleanly on a signal.  No figure is judged
# (speed targets are checked by the benchmark, never by a test).
. "${RA_SRCDIR:-..}/tests/lib.sh"
BUILD=$(cd "$(dirname "$RA_INDEX")/.." && pwd)
RUN="$RA_SRCDIR/bench/run"
if [ ! -x "$BUILD/bench/bench_query" ] || [ ! -x "$BUILD/bench/gen_corpus" ]; then
  echo "1..0 # SKIP bench programs not built in $BUILD"
  exit 0
fi
if [ ! -x /usr/bin/time ]; then
  echo "1..0 # SKIP /usr/bin/time missing (apt-get install time)"
  exit 0
fi

# ---- a quick run ----
run sh "$RUN" --quick --builddir "$BUILD" --work "$T_TMP/work" --out "$T_TMP/res"
is "$RC" 0 "bench/run --quick exits 0"
[ "$RC" -eq 0 ] || printf '%s\n' "$ERR" | tail -15 | sed 's/^/#   /'
like "$ERR" "rebuild 1/1: ra-index --jobs 1" "progress names each step"
like "$ERR" "done: $T_TMP/res/latest.md" "progress ends with where the report is"
[ ! -e "$T_TMP/work" ]
ok $? "the work directory is removed"

TSV="$T_TMP/res/figures.tsv"
[ -f "$TSV" ] && [ "$(wc -l < "$TSV" | tr -d ' ')" -eq 2 ]
ok $? "figures.tsv: a header and one row (one size)"
ncols=$(head -1 "$TSV" | awk -F'\t' '{ print NF }')
bad=$(awk -F'\t' -v n="$ncols" 'NR > 1 && NF != n { print NR }' "$TSV")
[ "${ncols:-0}" -ge 30 ] && [ -z "$bad" ]
ok $? "every row has the header's ${ncols:-0} columns (30 or more)"
# The rasearch figures are always there and numeric.
bad=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  { split("articles mb analysis_mbs ra1_s raN_s ra1_mb raN_mb nochg_s chg_s size_ra_mb qra_p50 qra_p95 qra_p99 cgira_p50 cgira_p95 cgira_p99", k, " ")
    for (j in k) if ($(c[k[j]]) !~ /^[0-9]+(\.[0-9]+)?$/) print k[j] "=" $(c[k[j]]) }' "$TSV")
is "$bad" "" "rasearch figures are numbers"
p50=$(awk -F'\t' 'NR == 2 { print $18 }' "$TSV"); p95=$(awk -F'\t' 'NR == 2 { print $19 }' "$TSV")
awk -v a="$p50" -v b="$p95" 'BEGIN { exit !(a <= b) }'
ok $? "p50 <= p95 ($p50, $p95)"
# Peers: numeric when measured, empty when the peer is missing.
bad=$(awk -F'\t' 'NR > 1 { for (i = 1; i <= NF; i++) if ($i != "" && $i !~ /^[0-9]+(\.[0-9]+)?$/) print i "=" $i }' "$TSV")
is "$bad" "" "every figure is a number or empty"
if command -v omindex >/dev/null 2>&1; then
  om=$(awk -F'\t' 'NR == 2 { print $6 "|" $16 "|" $28 "|" $30 }' "$TSV")
  case $om in *"||"*|"|"*|*"|") ok 1 "omindex figures present ($om)" ;; *) ok 0 "omindex figures present" ;; esac
else
  ok 0 "# SKIP omindex not installed"
fi

MD="$T_TMP/res/latest.md"
md=$(cat "$MD" 2>/dev/null)
like "$md" "Machine: " "the report describes the machine"
like "$md" "## Rebuild" "the report has the rebuild table"
like "$md" "## Query latency" "the report has the query table"
like "$md" "## Targets" "the report checks the targets"
like "$md" "| 150 |" "the report has a row for the quick size"
if command -v gnuplot >/dev/null 2>&1; then
  for f in rebuild size query; do
    s="$T_TMP/res/$f.svg"
    [ -s "$s" ] && head -c 200 "$s" | grep -q '<svg' && tail -c 20 "$s" | grep -q '</svg>'
    ok $? "$f.svg is a complete SVG"
  done
else
  for f in rebuild size query; do ok 0 "# SKIP $f.svg: gnuplot not installed"; done
fi

# ---- usage errors ----
run sh "$RUN" --runs 0 --builddir "$BUILD"
is "$RC" 2 "--runs 0 is a usage error"
like "$ERR" "--runs" "the message names the option"
run sh "$RUN" --sizes "10 abc" --builddir "$BUILD"
is "$RC" 2 "a bad size is a usage error"
like "$ERR" "'abc'" "the message names the bad size"

# ---- a signal stops it cleanly ----
sh "$RUN" --quick --builddir "$BUILD" --work "$T_TMP/work2" --out "$T_TMP/res2" \
  >/dev/null 2>"$T_TMP/err2" &
pid=$!
# Wait until it is busy in a measured step, then stop it.
i=0
until grep -q 'rebuild' "$T_TMP/err2" 2>/dev/null || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM "$pid"
wait "$pid"
rc=$?
is "$rc" 130 "SIGTERM: exit 130"
like "$(cat "$T_TMP/err2")" "interrupted" "SIGTERM: says it was interrupted"
sleep 0.5
[ ! -e "$T_TMP/work2" ]
ok $? "SIGTERM: work directory removed"
left=$(ps -eo pid=,args= | grep -F "$T_TMP/work2" | grep -v grep)
is "$left" "" "SIGTERM: no process left running on the work directory"
[ ! -e "$T_TMP/res2/latest.md" ]
ok $? "SIGTERM: no partial report"

done_testing
