#!/bin/sh
# deadline.sh - a request's time budget (docs/query-language.md, "Limits"):
# against an index holding one very large page (about 10 MB, generated
# here), the costliest query shapes through ra-cgi answer 200 (possibly
# cut short, saying so in valid JSON) or 400 naming the limit, each well
# within ten times the 2 s budget.  Bounds are generous on purpose: the
# test checks that the budget holds, not how fast the machine is.
. "${RA_SRCDIR:-..}/tests/lib.sh"
: "${RA_CGI:=$RA_SRCDIR/build/query/ra-cgi}"
if ! command -v jq >/dev/null 2>&1; then
  echo "1..0 # SKIP jq is not installed"
  exit 0
fi
DB="$T_TMP/db"
C="$T_TMP/corpus"
mkdir -p "$C"
# A few ordinary pages, and one huge page: 20,000 paragraphs of words
# made of common syllables (so every prefix and stem test finds matches
# everywhere), a few real words among them.
n=0
for f in "$CORPUS"/*.txt; do
  cp "$f" "$C/"
  n=$((n + 1))
  [ $n -ge 5 ] && break
done
awk 'BEGIN {
  srand(7)
  split("ma me mi mo mu ra re ri ro ta te ti to na ne ni sa se si la le li ca ce co pa pe po", s, " ")
  split("residency mentorship notes meetings pace research", real, " ")
  print "Huge Page\n\nHuge Page\nResidency Mentorship\n"
  for (p = 0; p < 20000; p++) {
    line = ""
    for (w = 0; w < 80; w++) {
      if (rand() < 0.03) word = real[int(rand() * 6) + 1]
      else { word = ""; k = 2 + int(rand() * 4); for (j = 0; j < k; j++) word = word s[int(rand() * 28) + 1] }
      line = line (w ? " " : "") word
    }
    print line "\n"
  }
}' >"$C/huge.txt"
size=$(wc -c <"$C/huge.txt")
ok $([ "$size" -gt 8000000 ] && echo 0 || echo 1) "generated a page of $size bytes"
run "$RA_INDEX" --quiet --db "$DB" "$C"; is "$RC" 0 "index built"

# cgi QUERY_STRING: sets STATUS, BODY and SECS (wall time, whole seconds)
cgi() {
  t0=$(date +%s)
  env REQUEST_METHOD=GET QUERY_STRING="$1" SCRIPT_NAME=/search RASEARCH_DB="$DB" \
    "$RA_CGI" >"$T_TMP/resp" 2>"$T_TMP/cgi.err"
  SECS=$(($(date +%s) - t0))
  BODY=$(sed '1,/^\r$/d' "$T_TMP/resp")
  STATUS=$(sed -n 's/^Status: \([0-9]*\).*/\1/p' "$T_TMP/resp" | tr -d '\r' | head -1)
  [ -n "$STATUS" ] || STATUS=200
}
BOUND=20 # ten times the budget

# shape NAME QUERY_STRING: answered 200 or 400, in time, valid JSON
shape() {
  cgi "$2"
  ok $([ "$STATUS" = 200 ] || [ "$STATUS" = 400 ]; echo $?) "$1: 200 or 400 (got $STATUS)"
  ok $([ "$SECS" -le $BOUND ] && echo 0 || echo 1) "$1: answered in ${SECS}s (bound ${BOUND}s)"
  printf '%s' "$BODY" | jq -e . >/dev/null 2>&1
  ok $? "$1: the body is valid JSON"
}

p20='ma*+me*+mi*+mo*+mu*+ra*+re*+ri*+ro*+ta*+te*+ti*+to*+na*+ne*+ni*+sa*+se*+si*+la*'
p50="$p20+le*+li*+ca*+ce*+co*+pa*+pe*+po*+ba*+be*+bi*+bo*+da*+de*+di*+do*+fa*+fe*+fi*+fo*+ga*+ge*+gi*+go*+ha*+he*+hi*+ho*+ja*+je*"
shape "20 prefix words (the cap)" "q=$p20&format=json"
is "$STATUS" 200 "20 prefix words: answered"
cut=$(printf '%s' "$BODY" | jq -r '.cut_short // "none"')
ok $(case $cut in none|snippets|rerank|feedback|spelling) echo 0 ;; *) echo 1 ;; esac) \
  "20 prefix words: cut_short is null or a stage ($cut)"
shape "50 prefix words" "q=$p50&format=json"
is "$STATUS" 400 "50 prefix words: 400"
like "$BODY" "the limit is 20" "and the message names the cap"
like "$BODY" '"q"' "and the parameter"
shape "4 wide prefixes" "q=m*+r*+t*+s*&format=json"
shape "3 common words (proximity re-rank)" "q=residency+mentorship+notes&format=json"
shape "a phrase of common words" "q=%22residency+mentorship%22&format=json"
shape "12 words (feedback, any word)" "q=residency+mentorship+notes+meetings+pace+research+mama+rere+titi+sasa+lala+coco&format=json"
shape "100 per page" "q=pace&per_page=100&format=json"
cgi "q=$p20&format=html"
is "$STATUS" 200 "HTML: 20 prefix words answered"
ok $([ "$SECS" -le $BOUND ] && echo 0 || echo 1) "HTML: in ${SECS}s"
id=$(printf '%s' "$BODY" | sed -n 's/.*related=\([A-Za-z0-9_%-]*\).*/\1/p' | head -1)
if [ -n "$id" ]; then shape "related articles" "related=$id&format=json"; fi

# The byte cap is deterministic: the huge page's snippet says it was cut,
# with no deadline at all; an ordinary page's answer is whole.
run "$RA_QUERY" --db "$DB" --format json --time-limit 0 -- residency mentorship
is "$RC" 0 "ra-query --time-limit 0: answered"
like "$OUT" '"cut_short":"snippets"' "a page beyond the screened bytes: cut_short snippets"
run "$RA_QUERY" --db "$DB" -- residency mentorship
like "$OUT" "Note: cut short at snippets" "text output says so"
run "$RA_QUERY" --db "$DB" --format json -- 'title:"Huge Page"'
like "$OUT" '"cut_short":' "JSON always has cut_short"
run "$RA_QUERY" --db "$DB" --time-limit soon -- pace
is "$RC" 2 "--time-limit soon: usage error, exit 2"
run "$RA_QUERY" --db "$DB" -- $(echo "$p50" | tr '+' ' ')
is "$RC" 2 "ra-query: 50 prefix words exit 2"
like "$ERR" "the limit is 20" "and names the cap"
run "$RA_QUERY" --db "$DB" --format json --time-limit 1 -- $(echo "$p20" | tr '+' ' ')
ok $([ "$RC" -le 1 ] && echo 0 || echo 1) "a 1 ms budget: still answered"
like "$OUT" '"cut_short":"' "and cut short"
done_testing
