#!/bin/sh
# eval_metrics.sh - the evaluation harness's tools end to end: ra-eval score
# on small qrels/run files (figures computed by hand below), the Cranfield
# converter on a tiny SMART sample with the collection's quirks, and the
# ra-query -> run and JSON Lines -> scriptindex converters.  The measures
# themselves are unit-tested in tests/test_eval_metrics.c.
. "${RA_SRCDIR:-..}/tests/lib.sh"
: "${RA_EVAL:=$(dirname "$(dirname "$RA_INDEX")")/bench/eval/ra-eval}"
D="$RA_SRCDIR/tests/eval_metrics"
TAB=$(printf '\t')
val() { printf '%s\n' "$OUT" | awk -v k="$1" -F "$TAB" '$1 == k { print $2 }'; }

# ---- score -------------------------------------------------------------------
# q1: judged d1=3 d2=2 d3=1 d4=1 (relevant), d5=0, d6=-1; run d1, zz
#     (unjudged), d3, d5, d2, then d1 again (a duplicate: ignored).
#     Grades by rank 3,0,1,0,2 -> AP (1 + 2/3 + 3/5)/4 = 0.566667,
#     P@10 0.3, recall 3/4, nDCG@10 4.2737056/5.1925361 = 0.823048.
# q2: a and b relevant; the run lists b first but with the lower score, so
#     a ranks first: AP 1, P@10 0.2, nDCG 1, recall 1.
# q3: relevant x, absent from the run: 0 everywhere, still averaged.
# q4: nothing relevant: left out.   q9: not judged: ignored.
# q5: m relevant; n and m tie at score 1.0: the file order (n first) holds:
#     AP 1/2, P@10 0.1, nDCG 1/log2(3) = 0.630930, recall 1.
# Means over q1, q2, q3, q5: MAP 2.066667/4 = 0.5167, P@10 0.6/4 = 0.1500,
# nDCG@10 2.453978/4 = 0.6135, recall@100 2.75/4 = 0.6875.
run "$RA_EVAL" score "$D/qrels" "$D/run"
is "$RC" 0 "ra-eval score exits 0"
is "$(val queries)" 4 "4 queries scored (no-relevant and unjudged ones left out)"
is "$(val map)" 0.5167 "MAP"
is "$(val p@10)" 0.1500 "P@10"
is "$(val ndcg@10)" 0.6135 "nDCG@10"
is "$(val recall@100)" 0.6875 "recall@100"
is "$(val rel)/$(val rel_ret)" 8/6 "8 relevant judged, 6 retrieved (duplicate counted once)"
is "$(val queries_without_run)" 1 "q3 is counted as missing from the run"
is "$(val queries_without_relevant)" 1 "q4 has nothing relevant"

run "$RA_EVAL" score --per-query "$D/qrels" "$D/run"
like "$OUT" "q1${TAB}0.5667${TAB}0.3000${TAB}0.8230${TAB}0.7500${TAB}4${TAB}3" "per-query line for q1"
like "$OUT" "q5${TAB}0.5000${TAB}0.1000${TAB}0.6309${TAB}1.0000" "ties keep the run's order (q5)"

printf 'q1 0 d1\n' > "$T_TMP/badq"
run "$RA_EVAL" score "$T_TMP/badq" "$D/run"
is "$RC" 3 "a 3-column qrels line is refused (exit 3)"
like "$ERR" "badq:1: expected 'qid iter docid grade'" "the message names file and line"
printf 'q1 Q0 d1 1 high t\n' > "$T_TMP/badr"
run "$RA_EVAL" score "$D/qrels" "$T_TMP/badr"
is "$RC" 3 "a run line with a non-numeric score is refused"
like "$ERR" "badr:1:" "the message names the run file and line"
run "$RA_EVAL" score "$T_TMP/none" "$D/run"
is "$RC" 3 "a missing qrels file is an error"
like "$ERR" "none: cannot open" "the message names the file"
printf 'q1 0 d1 1\nq1 0 d1 2\n' > "$T_TMP/dupq"
run "$RA_EVAL" score "$T_TMP/dupq" "$D/run"
is "$RC" 3 "a document judged twice for one query is refused"
run "$RA_EVAL" bogus
is "$RC" 2 "an unknown command is a usage error"

# ---- Cranfield conversion ----------------------------------------------------
# The sample has CRLF line ends, query ids 001 and 004 (judged as 1 and 2,
# by position), codes 1..4 and -1, an empty document, quotes and a
# backslash in the text, and authors that must not be indexed.
mkdir "$T_TMP/cran"
run awk -v out="$T_TMP/cran" -f "$RA_SRCDIR/bench/eval/json.awk" -f "$RA_SRCDIR/bench/eval/cranfield.awk" \
  "$D/mini/cran.all.1400" "$D/mini/cran.qry" "$D/mini/cranqrel"
is "$RC" 0 "cranfield.awk converts the sample"
like "$ERR" "3 documents, 2 queries, 5 judgments" "it counts what it wrote"
is "$(sed -n 1p "$T_TMP/cran/docs.jsonl")" \
  '{"id":"1","title":"wing flow .","body":"wing flow .   a \"wing\" in slipstream \\ flow ."}' \
  "document 1: title and abstract, JSON-escaped, no authors"
is "$(sed -n 2p "$T_TMP/cran/docs.jsonl")" '{"id":"2","title":"","body":""}' \
  "the empty document is kept"
is "$(grep -c "$(printf '\r')" "$T_TMP/cran/docs.jsonl" "$T_TMP/cran/queries.tsv" "$T_TMP/cran/qrels" | awk -F: '{ s += $2 } END { print s }')" 0 \
  "no carriage return survives"
is "$(cat "$T_TMP/cran/queries.tsv")" "1${TAB}what is a wing in a slipstream .
2${TAB}heat conduction in slabs ." "queries are numbered by position (.I 004 -> 2)"
is "$(cat "$T_TMP/cran/qrels")" "1 0 1 3
1 0 3 0
2 0 3 4
2 0 1 1
2 0 2 2" "grades: gain 5 - code; -1 -> 0 (not relevant)"
printf '1 1 7\n' > "$T_TMP/badqrel"
run awk -v out="$T_TMP/cran" -f "$RA_SRCDIR/bench/eval/json.awk" -f "$RA_SRCDIR/bench/eval/cranfield.awk" \
  "$D/mini/cran.all.1400" "$D/mini/cran.qry" "$T_TMP/badqrel"
is "$RC" 3 "an unknown relevance code is refused"
like "$ERR" "unknown relevance code 7" "and named"

# ---- converters ---------------------------------------------------------------
run "$RA_EVAL" si "$T_TMP/cran/docs.jsonl"
is "$RC" 0 "ra-eval si converts docs.jsonl"
is "$(printf '%s\n' "$OUT" | sed -n 1,3p)" 'id=1
title=wing flow .
body=wing flow .   a "wing" in slipstream \ flow .' "scriptindex record: id, title, body"
is "$(printf '%s\n' "$OUT" | sed -n 4p)/$(printf '%s\n' "$OUT" | grep -c '^id=')" "/3" \
  "records end with a blank line; one per document"
printf '{"id":"1"}\nnot json\n' > "$T_TMP/bad.jsonl"
run "$RA_EVAL" si "$T_TMP/bad.jsonl"
is "$RC" 3 "a broken JSON line is refused"
like "$ERR" "bad.jsonl:2:" "with file and line"

printf '%s' '{"schema":1,"hits":[{"rank":1,"id":"12","score":3.5},{"rank":2,"id":"7","score":1.25}]}' > "$T_TMP/a.json"
run sh -c "\"$RA_EVAL\" run 5 tag < \"$T_TMP/a.json\""
is "$OUT" "5 Q0 12 1 3.500000 tag
5 Q0 7 2 1.250000 tag" "ra-query JSON -> TREC run lines"
printf '%s' '{"schema":1,"hits":[]}' > "$T_TMP/b.json"
run sh -c "\"$RA_EVAL\" run 5 tag < \"$T_TMP/b.json\""
is "$RC/$OUT" "0/" "no hits -> no lines"

done_testing
