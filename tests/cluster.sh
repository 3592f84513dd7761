#!/bin/bash
# cluster.sh - three shards behind xapian-tcpsrv answer as one index does:
# the same top 20 for every query of bench/queries.txt (and the same
# totals and facets where counted exactly), and every reader feature
# (did-you-mean, completion, tags, related, explain, paging, JSON) works
# over them; a dead or hung replica fails over, a shard with none left
# gives a partial answer (exit 9, "partial", never cached), none at all
# exit 8 / 503; a new shard revision changes the ETag; bad cluster files
# are named by line.  Servers run on free loopback ports in their own
# process groups and are stopped, groups and all.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${RA_SRCDIR:-..}/tests/lib.sh"
. "$RA_SRCDIR/tests/cluster_lib.sh"
GEN="$(dirname "$RA_INDEX")/../bench/gen_corpus"
RA_CGI=${RA_CGI:-$(dirname "$RA_QUERY")/ra-cgi}
if ! command -v xapian-tcpsrv >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1 ||
  [ ! -x "$GEN" ]; then
  echo "1..0 # SKIP needs xapian-tcpsrv (xapian-tools), jq and bench/gen_corpus"
  exit 0
fi
trap 'ra_tcpsrv_stop_all; chmod -R u+w "$T_TMP" 2>/dev/null; rm -rf "$T_TMP"' EXIT

C="$T_TMP/corpus"
"$GEN" -q --count 200 --seed 3 --out "$C"
"$RA_INDEX" --quiet --db "$T_TMP/one" "$C"
run "$RA_INDEX" --quiet --shards 3 --db "$T_TMP/s3" "$C"
is "$RC" 0 "--shards 3 builds the shards, the cluster file and its lexicon"
[ -f "$T_TMP/s3/cluster" ] && [ -f "$T_TMP/s3/cluster.lex/XAPIANDB" ]
ok $? "DIR/cluster and DIR/cluster.lex written"

# Shard 1 has two replicas (the same directory served twice), 2 and 3 one.
read -r P1 G1 < <(ra_tcpsrv_start "$T_TMP/s3/shard-1")
read -r P1B G1B < <(ra_tcpsrv_start "$T_TMP/s3/shard-1")
read -r P2 G2 < <(ra_tcpsrv_start "$T_TMP/s3/shard-2")
read -r P3 G3 < <(ra_tcpsrv_start "$T_TMP/s3/shard-3")
CL="$T_TMP/cluster"
{
  echo "timeout connect 300"
  echo "timeout search 800"
  echo "shard 1/3 127.0.0.1:$P1 127.0.0.1:$P1B"
  echo "shard 2/3 127.0.0.1:$P2"
  echo "shard 3/3 127.0.0.1:$P3"
} >"$CL"
run "$RA_INDEX" --cluster "$CL"
is "$RC" 0 "ra-index --cluster merges the shards' lexicons"
[ -f "$CL.lex/XAPIANDB" ]
ok $? "the lexicon is published beside the cluster file"

# ---- same answers ---------------------------------------------------------
run sh "$RA_SRCDIR/bench/cluster/compare.sh" "$RA_QUERY" "$T_TMP/one" "$CL" \
  "$RA_SRCDIR/bench/queries.txt"
is "$RC" 0 "bench/queries.txt: the cluster answers as one index ($(printf '%s' "$OUT" | tail -1))"
[ "$RC" -eq 0 ] || printf '%s\n' "$OUT" | head -20 | sed 's/^/# /'

q1() { "$RA_QUERY" --db "$1" "${@:2}" 2>/dev/null; }
is "$(q1 "$CL" --format json menturship | jq -c .suggestion.query)" \
  "$(q1 "$T_TMP/one" --format json menturship | jq -c .suggestion.query)" \
  "did you mean: the same suggestion (lexicon over remote shards)"
like "$(q1 "$CL" --format json menturship | jq -r .suggestion.query)" "mentorship" \
  "did you mean: mentorship"
is "$(q1 "$CL" --complete ment)" "$(q1 "$T_TMP/one" --complete ment)" "completion: the same"
is "$(q1 "$CL" --tags)" "$(q1 "$T_TMP/one" --tags)" "--tags: the same counts"
rel=$(q1 "$T_TMP/one" --format json --per-page 1 residency | jq -r '.hits[0].id')
is "$(q1 "$CL" --format json --related "$rel" | jq -c '[.hits[].id]')" \
  "$(q1 "$T_TMP/one" --format json --related "$rel" | jq -c '[.hits[].id]')" \
  "--related: the same articles"
is "$(q1 "$CL" --format json --page 2 residency mentorship | jq -c '[.hits[].id]')" \
  "$(q1 "$T_TMP/one" --format json --page 2 residency mentorship | jq -c '[.hits[].id]')" \
  "page 2: the same"
is "$(q1 "$CL" --format json 'tag:mentorship' | jq -c '[.total_estimate, [.hits[].id]]')" \
  "$(q1 "$T_TMP/one" --format json 'tag:mentorship' | jq -c '[.total_estimate, [.hits[].id]]')" \
  "a tag listing: the same total and order"
run "$RA_QUERY" --db "$CL" --explain residency networking
is "$RC" 0 "--explain over the cluster (exit 0)"
like "$OUT" "explain:" "--explain itemises each hit"
J=$(q1 "$CL" --format json residency)
is "$(printf '%s' "$J" | jq -c '[.partial, .missing_shards, (.hits[0].snippet != null)]')" \
  '[false,[],true]' "JSON: whole (partial false, no missing shards), snippets"
like "$(printf '%s' "$J" | jq -r .generation)" "cluster-" "JSON: the generation names the cluster"

# ---- ETag and a new revision ------------------------------------------------
cgi() { # cgi QUERY_STRING: the CGI answer's headers and body
  env -i PATH="$PATH" RASEARCH_DB="$CL" REQUEST_METHOD=GET QUERY_STRING="$1" \
    ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} ${UBSAN_OPTIONS:+UBSAN_OPTIONS="$UBSAN_OPTIONS"} \
    "$RA_CGI" 2>/dev/null
}
etag() { cgi "$1" | tr -d '\r' | sed -n 's/^ETag: //p'; }
E1=$(etag 'q=residency')
[ -n "$E1" ]
ok $? "an ETag over the cluster ($E1)"
is "$(etag 'q=residency')" "$E1" "the same ETag while nothing changes"
f=$(find "$C" -name '*.txt' -path '*/00/*' | LC_ALL=C sort | head -1)
sed -i "12a\\\nA new paragraph about zyxwvutsrq fellowships and what they teach.\n" "$f"
"$RA_INDEX" --quiet --shards 3 --db "$T_TMP/s3" "$C"
E2=$(etag 'q=residency')
[ -n "$E2" ] && [ "$E2" != "$E1" ]
ok $? "a shard's new revision changes the ETag ($E2)"
is "$(q1 "$CL" --format json zyxwvutsrq | jq '.total_estimate')" 1 \
  "the new revision is searched through the running servers"

# ---- faults -----------------------------------------------------------------
want=$(q1 "$T_TMP/one" --format json residency mentorship | jq -c '[.hits[].id]')
ra_tcpsrv_stop "$G1"
run "$RA_QUERY" --db "$CL" --format json residency mentorship
is "$RC" 0 "one replica of shard 1 down: exit 0"
is "$(printf '%s' "$OUT" | jq -c '[.hits[].id]')" "$want" "... the same answer, from the other replica"
is "$(printf '%s' "$OUT" | jq -c .partial)" false "... not partial"

# A replica that accepts connections but never answers (stopped): the
# connect timeout moves on to the next.
ra_tcpsrv_start_on "$P1" "$T_TMP/s3/shard-1" && G1=$RA_TCPSRV_PGID
sed -i "s/^shard 1\/3 .*/shard 1\/3 127.0.0.1:$P1 127.0.0.1:$P1B/" "$CL"
kill -STOP -- "-$G1"
run "$RA_QUERY" --db "$CL" --format json residency mentorship
is "$RC" 0 "a hung replica of shard 1: exit 0"
is "$(printf '%s' "$OUT" | jq -c '[.hits[].id]')" "$want" "... the same answer, from the other replica"
kill -CONT -- "-$G1"

ra_tcpsrv_stop "$G2"
run "$RA_QUERY" --db "$CL" --format json residency mentorship
is "$RC" 9 "shard 2 down: exit 9 (partial)"
is "$(printf '%s' "$OUT" | jq -c '[.partial, .missing_shards]')" '[true,[2]]' \
  "... JSON: partial, missing_shards [2]"
like "$ERR" "partial answer" "... stderr says so"
run "$RA_QUERY" --db "$CL" residency mentorship
like "$OUT" "partial answer: no replica of shard 2 answered" "... the text output says so"
H=$(cgi 'q=residency&format=html' | tr -d '\r')
like "$H" "Status: 200" "ra-cgi: a partial answer is 200"
like "$H" "Cache-Control: no-store" "... never cached"
like "$H" 'class="note partial"' "... the HTML page says so"

ra_tcpsrv_stop "$G1"
ra_tcpsrv_stop "$G1B"
ra_tcpsrv_stop "$G3"
run "$RA_QUERY" --db "$CL" residency
is "$RC" 8 "no shard answers: exit 8"
like "$ERR" "no shard answers" "... named"
like "$(cgi 'q=residency' | tr -d '\r')" "Status: 503" "ra-cgi: 503"

# ---- bad cluster files --------------------------------------------------------
printf 'shard 1/2 %s\nshard 1/2 %s\n' "$T_TMP/s3/shard-1" "$T_TMP/s3/shard-2" >"$T_TMP/bad1"
run "$RA_QUERY" --db "$T_TMP/bad1" residency
is "$RC" 2 "two lines claiming shard 1: usage error (exit 2)"
like "$ERR" "bad1:2: two shards claim the same K" "... named by file and line"
printf 'shard 1/2 %s\nshard 2/2 %s\n' "$T_TMP/s3/shard-1" "$T_TMP/s3/shard-2" >"$T_TMP/bad2"
run "$RA_QUERY" --db "$T_TMP/bad2" residency
is "$RC" 2 "a shard of 3 listed as one of 2: refused"
like "$ERR" "holds shard 1/3, not shard 1/2" "... saying what it holds"
printf 'auto %s\nauto %s\n' "$T_TMP/s3/shard-2" "$T_TMP/s3/shard-2" >"$T_TMP/bad3"
run "$RA_QUERY" --db "$T_TMP/bad3" residency
like "$ERR" "both hold shard 2/3" "a stub file naming one shard twice: refused"
printf 'auto %s\nauto %s\nauto %s\n' "$T_TMP/s3/shard-1" "$T_TMP/s3/shard-2" "$T_TMP/s3/shard-3" >"$T_TMP/stub"
is "$(q1 "$T_TMP/stub" --format json --per-page 20 residency | jq -c '[.hits[].id]')" \
  "$(q1 "$T_TMP/one" --format json --per-page 20 residency | jq -c '[.hits[].id]')" \
  "a plain Xapian stub file of the shards is a cluster file"
run "$RA_INDEX" --cluster "$T_TMP/nonexistent"
is "$RC" 5 "ra-index --cluster with no such file: error (5)"
like "$ERR" "nonexistent" "... the file named"
run "$RA_INDEX" --cluster "$T_TMP/bad1"
is "$RC" 5 "ra-index --cluster of a bad cluster file: error (5), as for any bad input file"
like "$ERR" "bad1:2:" "... file and line named"
[ ! -e "$T_TMP/bad1.lex" ]
ok $? "... and no lexicon written"
run "$RA_INDEX" --cluster "$T_TMP/stub" "$C"
is "$RC" 2 "ra-index --cluster with a corpus: usage error"
done_testing
