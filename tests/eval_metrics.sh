#!/bin/sh
# eval_metrics.sh - the evaluation harness's tools end to end: ra-eval score
# on small qrels/run files (figures computed by hand below), the Cranfield
# converter on a tiny SMART sample with the collection's quirks, and the
# ra-query -> run and JSON Lines -> scriptindex converters, ra-eval compare
# on two small runs, ra-eval keywords on a three-document collection, and
# bench/eval/run's report (tables, stars, leave-one-out verdicts) from a
# hand-made facts file.
# The measures, the paired tests and the keyword rule are unit-tested in
# tests/test_eval_metrics.c.
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

# ---- compare ----------------------------------------------------------------------
# Run B: q1 finds only d1 (AP 1/4 = 0.25, nDCG 3/5.1925361 = 0.577750), q2
# as in run A (a tie), q3 finds x (1 everywhere), q5 puts m first (1).
# AP, A - B: q1 +0.316667, q2 0, q3 -1, q5 -0.5: W/L/T 1/2/1; means
# 0.5167 and (0.25 + 1 + 1 + 1)/4 = 0.8125, difference -0.2958.  Exact
# test over the three non-zero differences: flips of {0.3167, 1, 0.5}
# give |sums| 1.8167, 0.8167, 0.1833, 1.1833 (twice each); as far as the
# observed 1.1833: 4 of 8 -> p 0.5000.  t-test: sd of the differences
# 0.577410, t = -0.295833 / (0.577410 / 2) = -1.024695, df 3: p 0.3809.
printf 'q1 Q0 d1 1 1 b\nq2 Q0 a 1 2 b\nq2 Q0 b 2 1 b\nq3 Q0 x 1 1 b\nq5 Q0 m 1 1 b\n' > "$T_TMP/runb"
run "$RA_EVAL" compare --measure map "$D/qrels" "$D/run" "$T_TMP/runb"
is "$RC" 0 "ra-eval compare exits 0"
is "$(printf '%s\n' "$OUT" | grep -v '^#')" \
  "map${TAB}4${TAB}0.5167${TAB}0.8125${TAB}-0.2958${TAB}1${TAB}2${TAB}1${TAB}0.5000${TAB}0.3809" \
  "AP: means, difference, W/L/T, randomisation p, t-test p"
run "$RA_EVAL" compare "$D/qrels" "$D/run" "$T_TMP/runb"
is "$(printf '%s\n' "$OUT" | grep -v '^#' | cut -f1 | tr '\n' ' ')" "ndcg@10 map p@10 recall@100 " \
  "every measure by default"
# The same collection twice: the means are the same, each query counted twice.
run "$RA_EVAL" compare --measure ap "$D/qrels" "$D/run" "$T_TMP/runb" "$D/qrels" "$D/run" "$T_TMP/runb"
is "$(printf '%s\n' "$OUT" | grep -v '^#' | cut -f2-8 | tr '\t' ' ')" "8 0.5167 0.8125 -0.2958 2 4 2" \
  "two collections: means weigh each the same, W/L/T add up"
is "$(printf '%s\n' "$OUT" | grep -v '^#' | cut -f10)" "-" "no t-test over weighted collections"
run "$RA_EVAL" compare --measure bogus "$D/qrels" "$D/run" "$T_TMP/runb"
is "$RC" 2 "an unknown measure is a usage error"
run "$RA_EVAL" compare "$D/qrels" "$D/run"
is "$RC" 2 "compare needs QRELS RUN_A RUN_B triples"

# ---- keywords ----------------------------------------------------------------------
# df over title and body: heat 2, flow 3, slabs 1, gas 1 (of 3 documents).
printf '%s\n' '{"id":"1","title":"Heat flow","body":"heat in slabs"}' \
  '{"id":"2","title":"gas flow","body":"the gas"}' '{"id":"3","title":"","body":"flow of heat"}' > "$T_TMP/kw.jsonl"
printf '1\tWhat is the heat flow in slabs?\n2\tgas and more gas\n' > "$T_TMP/kw.tsv"
run "$RA_EVAL" keywords 2 "$T_TMP/kw.jsonl" "$T_TMP/kw.tsv"
is "$RC" 0 "ra-eval keywords exits 0"
is "$OUT" "1${TAB}heat slabs
2${TAB}gas" "2 keywords: the rarest, in query order; stop words and repeats dropped"
run "$RA_EVAL" keywords 3 "$T_TMP/kw.jsonl" "$T_TMP/kw.tsv"
is "$(printf '%s\n' "$OUT" | head -1)" "1${TAB}heat flow slabs" "3 keywords"
# Only "heat" stopped: the, in and slabs (df 1) tie; the first two win.
printf 'heat\n' > "$T_TMP/stop"
run "$RA_EVAL" keywords --stop "$T_TMP/stop" 2 "$T_TMP/kw.jsonl" "$T_TMP/kw.tsv"
is "$(printf '%s\n' "$OUT" | head -1)" "1${TAB}the in" "--stop FILE replaces the stop list"
grep -qx 'about' "$RA_SRCDIR/bench/eval/stopwords.txt" && grep -qx 'en' "$RA_SRCDIR/bench/eval/stopwords.txt" &&
  grep -qx 'shall' "$RA_SRCDIR/bench/eval/stopwords.txt"
is "$?" 0 "stopwords.txt holds Snowball's, quest's and rasearch's words"
printf 'no tab here\n' > "$T_TMP/badq.tsv"
run "$RA_EVAL" keywords 2 "$T_TMP/kw.jsonl" "$T_TMP/badq.tsv"
is "$RC" 3 "a query line without a tab is refused"
like "$ERR" "badq.tsv:1: expected 'qid<TAB>query text'" "with file and line"
run "$RA_EVAL" keywords 0 "$T_TMP/kw.jsonl" "$T_TMP/kw.tsv"
is "$RC" 2 "K 0 is a usage error"

# ---- the report (bench/eval/report.awk) -----------------------------------------
# Three collections and one variant.  Variant / defaults, nDCG@10 and MAP:
# a 1.1 and 1.1; b 1.05 and 1.05; c 0.9333 and 0.95 (p 0.01).
# Held out a: others (1.05 + 0.9333)/2 < 1 (MAP exactly 1): not chosen;
# a itself gains.
# Held out b: others (1.1 + 0.9333)/2 and (1.1 + 0.95)/2 > 1: chosen; holds.
# Held out c: chosen on a and b; loses on c, significantly.
{
  printf 'coll\ta\t10\t3\t30\ncoll\tb\t20\t4\t40\ncoll\tc\t30\t5\t50\n'
  printf 'variant\tv1\tk2\tbm25_k1=2\n'
  for c in a b c mean; do
    printf 'cmp\tfull\t%s\trasearch\txapian\tndcg@10\t3\t0.5000\t0.4000\t+0.1000\t2\t1\t0\t0.0300\t0.0400\n' $c
    printf 'cmp\tfull\t%s\trasearch\txapian\tmap\t3\t0.3000\t0.3000\t+0.0000\t1\t1\t1\t1.0000\t-\n' $c
  done
  printf 'cmp\tfull\ta\tv1\trasearch\tndcg@10\t3\t0.5500\t0.5000\t+0.0500\t2\t0\t1\t0.5000\t0.4000\n'
  printf 'cmp\tfull\ta\tv1\trasearch\tmap\t3\t0.3300\t0.3000\t+0.0300\t2\t0\t1\t0.5000\t0.4000\n'
  printf 'cmp\tfull\tb\tv1\trasearch\tndcg@10\t4\t0.4200\t0.4000\t+0.0200\t2\t1\t1\t0.6000\t0.5000\n'
  printf 'cmp\tfull\tb\tv1\trasearch\tmap\t4\t0.2100\t0.2000\t+0.0100\t2\t1\t1\t0.6000\t0.5000\n'
  printf 'cmp\tfull\tc\tv1\trasearch\tndcg@10\t5\t0.2800\t0.3000\t-0.0200\t0\t4\t1\t0.0100\t0.0200\n'
  printf 'cmp\tfull\tc\tv1\trasearch\tmap\t5\t0.1900\t0.2000\t-0.0100\t1\t3\t1\t0.3000\t0.3000\n'
} > "$T_TMP/facts.tsv"
run awk -F "$TAB" -v names="a b c" -v sets=full -v loo=1 -v depth=100 -v commit=abc \
  -v date=2026-01-01 -v cmd="bench/eval/run --loo" -v times="1 s" \
  -f "$RA_SRCDIR/bench/eval/report.awk" "$T_TMP/facts.tsv"
is "$RC" 0 "report.awk writes a report"
like "$OUT" "| a | 3 | 0.5000 / 0.4000 (1.250) | 0.3000 / 0.3000 (1.000) |" "a collection row: A / B (ratio)"
like "$OUT" "| 2/1/0 | 0.0300 * (t 0.0400) | 1/1/1 | 1.0000 |" "W/L/T, p starred below 0.05"
like "$OUT" "| k2 | c | 0.2800 | 0.933 |" "variant row: value and ratio to the defaults"
like "$OUT" "| k2 | a | 0.992 | 1.000 | no | 1.100 | 1.100 | not chosen (would not lose) |" "LOO: a held out"
like "$OUT" "| k2 | b | 1.017 | 1.025 | yes | 1.050 | 1.050 | chosen, holds |" "LOO: b held out"
like "$OUT" "| k2 | c | 1.075 | 1.075 | yes | 0.933 | 0.950 | chosen, **loses** (significant) |" "LOO: c held out"
like "$OUT" "chosen on 2 of 3 splits, loses on the held-out collection in 1 of them" "LOO summary"

# ---- bench/eval/run: bad arguments stop it before any work ---------------------------
BD=$(dirname "$(dirname "$RA_INDEX")")
if command -v scriptindex >/dev/null 2>&1 && command -v quest >/dev/null 2>&1; then
run sh "$RA_SRCDIR/bench/eval/run" --builddir "$BD" --quiet --variant 'x=bm25_k9=1' "$RA_SRCDIR/bench/eval/data/cacm"
is "$RC" 2 "run: an unknown ranking parameter in --variant is a usage error"
like "$ERR" "unknown name 'bm25_k9'" "... naming it"
run sh "$RA_SRCDIR/bench/eval/run" --builddir "$BD" --keywords 5
is "$RC" 2 "run: --keywords 5 is a usage error"
like "$ERR" "--keywords: 2, 3 or 2,3" "... saying what it takes"
run sh "$RA_SRCDIR/bench/eval/run" --builddir "$BD" "$T_TMP/no-such-collection"
is "$RC" 2 "run: a collection that is not a directory is a usage error"
like "$ERR" "not a directory" "... saying so"
else
  ok 0 "# SKIP scriptindex/quest absent (xapian-omega, xapian-tools): bench/eval/run not tried"
fi

done_testing
