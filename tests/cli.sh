#!/bin/sh
# cli.sh - the programs' contracts: options, usage errors, exit codes
# (docs/exit-codes.md), a missing or damaged index, the writer lock.
. "${RA_SRCDIR:-..}/tests/lib.sh"
DB="$T_TMP/db"

run "$RA_INDEX" --help;  is "$RC" 0 "ra-index --help exits 0"; like "$OUT" "Usage: ra-index" "ra-index --help prints usage"
run "$RA_QUERY" --help;  is "$RC" 0 "ra-query --help exits 0"; like "$OUT" "Exit status" "ra-query --help documents exit codes"
run "$RA_INDEX" --version; like "$OUT" "ra-index (rasearch)" "ra-index --version"
run "$RA_QUERY" --version; like "$OUT" "ra-query (rasearch)" "ra-query --version"
run "$RA_INDEX";            is "$RC" 2 "ra-index without a corpus: exit 2"; like "$ERR" "no corpus given" "and says why"
run "$RA_INDEX" --bogus x;  is "$RC" 2 "ra-index unknown option: exit 2"
run "$RA_INDEX" --db "" "$CORPUS"; is "$RC" 2 "ra-index --db '': exit 2"
run "$RA_QUERY";            is "$RC" 2 "ra-query without words: exit 2"; like "$ERR" "no search words" "and says why"
run "$RA_QUERY" --format xml x; is "$RC" 2 "--format xml: exit 2"; like "$ERR" "--format" "names the option"
run "$RA_QUERY" --count 0 x;    is "$RC" 2 "--count 0: exit 2"
run "$RA_QUERY" --count 101 x;  is "$RC" 2 "--count 101: exit 2"
run "$RA_QUERY" --page abc x;   is "$RC" 2 "--page abc: exit 2"; like "$ERR" "--page" "names the option"
run "$RA_QUERY" --color sometimes x; is "$RC" 2 "--color sometimes: exit 2"
run "$RA_QUERY" --rank help; is "$RC" 0 "--rank help exits 0"; like "$OUT" "bm25_k1 " "and lists the parameters"
run "$RA_QUERY" --rank bm25_k1 x; is "$RC" 2 "--rank without =: exit 2"; like "$ERR" "NAME=VALUE" "and says what it wants"
run "$RA_QUERY" --rank bm25_k2=1 x; is "$RC" 2 "--rank unknown name: exit 2"; like "$ERR" "bm25_k2" "names it"
run "$RA_QUERY" --rank bm25_b=2 x; is "$RC" 2 "--rank out of range: exit 2"; like "$ERR" "bm25_b" "names the parameter"
run "$RA_QUERY" --rank prf_docs=1.5 x; is "$RC" 2 "--rank fraction for a count: exit 2"

# Numbers out of range are refused by name (exit 2), never wrapped or
# saturated into something else.
P0="$CORPUS/000_f98e010c7e6657bf.txt"
for case in '--max-file-size|17592186044417M|out of range' \
    '--max-file-size|17592186044416M|out of range' \
    '--max-file-size|99999999999999999999999M|out of range' \
    '--max-file-size|18446744073709551616|out of range' \
    '--max-file-size|99999999999999999999999k|out of range' \
    '--max-file-size|-1|not a size' '--max-file-size| 5|not a size' \
    '--max-file-size|+5|not a size' '--max-file-size|5G|not a size' \
    '--max-file-size||not a size' \
    '--max-update-size|17592186044417M|out of range' \
    '--max-update-size|99999999999999999999999|out of range' \
    '--max-update-size|0|out of range' '--max-update-size|-5M|not a size' \
    '--jobs|0|expected 1-64' '--jobs|65|expected 1-64' '--jobs|-1|expected 1-64' \
    '--jobs|99999999999999999999|expected 1-64' '--jobs|+4|expected 1-64' \
    '--jobs||expected 1-64'; do
  opt=${case%%|*}; rest=${case#*|}; val=${rest%%|*}; why=${rest#*|}
  run "$RA_INDEX" "$opt" "$val" --dump "$P0"
  is "$RC" 2 "ra-index $opt '$val': exit 2"
  like "$ERR" "ra-index: $opt: $why" "... naming $opt ($why)"
done
run "$RA_INDEX" --max-file-size 17592186044415M --dump "$P0"
is "$RC" 0 "--max-file-size at its largest (17592186044415M) is accepted"
for case in '-n|0' '-n|101' '-n|99999999999999999999' '-n|-5' '-n| 5' \
    '--per-page|101' '--per-page|+5' '--count|0' '--page|0' '--page|100001' \
    '--page|-1' '--page|99999999999999999999' '--page|1e3' '-p|'; do
  opt=${case%%|*}; val=${case#*|}
  run "$RA_QUERY" --db "$T_TMP/none" "$opt" "$val" mentorship
  is "$RC" 2 "ra-query $opt '$val': exit 2"
  case $opt in -n|--count) name=--per-page ;; -p) name=--page ;; *) name=$opt ;; esac
  like "$ERR" "ra-query: $name" "... naming the option"
done

# No index yet.
run "$RA_QUERY" --db "$T_TMP/none" mentorship
is "$RC" 4 "no index: exit 4"
like "$ERR" "ra-index --db $T_TMP/none" "no index: says how to build one"

run "$RA_INDEX" --quiet --db "$DB" "$CORPUS"
is "$RC" 0 "index built"
is "$ERR" "" "--quiet prints nothing on success"

# A query word that starts with '-' before any '--' is not taken for
# options: the usage error shows the command with '--'.
run "$RA_QUERY" -alumni
is "$RC" 2 "ra-query -alumni: exit 2"
like "$ERR" "use -- before a query that starts with -: ra-query -- -alumni" "says to use --"
run "$RA_QUERY" --db "$DB" mentorship -alumni
like "$ERR" "ra-query --db $DB -- mentorship -alumni" "the advice keeps the options and the words"
run "$RA_QUERY" -hospital
is "$RC" 2 "ra-query -hospital: a usage error, not --help"
like "$ERR" "ra-query -- -hospital" "... with the advice"
run "$RA_QUERY" -nurse
is "$RC" 2 "ra-query -nurse: exit 2"
like "$ERR" "ra-query -- -nurse" "... with the advice (not only 'expected 1-100')"
run "$RA_QUERY" -n5x mentorship
unlike "$ERR" "use --" "a mistyped number is not taken for a query word"
run "$RA_QUERY" --bogus
unlike "$ERR" "use --" "an unknown long option gets the usage, not the advice"
like "$ERR" "Usage: ra-query" "... the usage"
run "$RA_QUERY" -- "it's" "-\$x"
unlike "$ERR" "use --" "after --, words that start with - are words"

# Output that cannot be written is an error (5), with a message.
if [ -w /dev/full ]; then
  "$RA_QUERY" --db "$DB" mentorship >/dev/full 2>"$T_TMP/err"; rc=$?
  is "$rc" 5 "ra-query >/dev/full: exit 5"
  like "$(cat "$T_TMP/err")" "writing results to stdout failed" "and says so"
  "$RA_INDEX" --dump "$CORPUS/000_f98e010c7e6657bf.txt" >/dev/full 2>"$T_TMP/err"; rc=$?
  is "$rc" 5 "ra-index --dump >/dev/full: exit 5"
  like "$(cat "$T_TMP/err")" "writing the dump to stdout failed" "and says so"
else
  ok 0 "# SKIP no /dev/full"; ok 0 "# SKIP"; ok 0 "# SKIP"; ok 0 "# SKIP"
fi

# -word after --, --complete with nothing to complete.
run "$RA_QUERY" --db "$DB" -- -alumni mentorship
ok $([ "$RC" -le 1 ] && echo 0 || echo 1) "ra-query -- -alumni mentorship is a search (exit $RC)"
run "$RA_QUERY" --db "$DB" -n5 mentorship
is "$RC" 0 "-n5 is still -n 5"
run "$RA_QUERY" --db "$DB" --complete zzzqq
is "$RC" 1 "--complete with no completion: exit 1"
like "$ERR" "no completion for zzzqq" "and says so on stderr"
run "$RA_QUERY" --db "$DB" --format json --complete zzzqq
is "$RC" 1 "--complete (JSON) with no completion: exit 1"
like "$ERR" "no completion for zzzqq" "and says so on stderr"
like "$OUT" '"completions":[]' "the JSON is still printed"

# Bidirectional controls and C1 controls echoed in text notes (relaxed,
# did you mean, expansions) are replaced like other control characters.
for cp in '\342\200\256' '\342\200\252' '\342\201\246' '\342\201\251' '\342\200\216' \
    '\342\200\217' '\330\234' '\302\233'; do
  b=$(printf "$cp")
  run "$RA_QUERY" --db "$DB" --color=never "mentorship zzyzx${b}evil"
  like "$OUT" '("zzyzx evil" is in none)' "relaxed note: $cp is a space"
  unlike "$OUT" "$b" "... and nowhere raw in the output"
  run "$RA_QUERY" --db "$DB" --color=never "mentorsip ${b}"
  unlike "$OUT" "$b" "did-you-mean output: no raw $cp"
done

# Queries that cannot be answered are usage errors, not crashes.
run "$RA_QUERY" --db "$DB" -- '- " ( ) :'
is "$RC" 2 "punctuation-only query: exit 2"
like "$ERR" "no searchable words" "and says why"
long=$(head -c 5000 /dev/zero | tr '\0' 'a')
run "$RA_QUERY" --db "$DB" "$long"
is "$RC" 2 "5000-byte query: exit 2"
like "$ERR" "4096" "names the limit"
run "$RA_QUERY" --db "$DB" "$(printf 'caf\377 residency')"
ok $([ "$RC" -le 1 ] && echo 0 || echo 1) "invalid UTF-8 in a query is answered"
run "$RA_QUERY" --db "$DB" '"unbalanced phrase'
ok $([ "$RC" -le 1 ] && echo 0 || echo 1) "an unbalanced quote is answered"
run "$RA_QUERY" --db "$DB" a b c d e f g h i j k l m n o p q r s t u v w x y z a1 b1 c1 d1 e1 f1 g1 h1 i1 j1 k1 l1 m1 n1 o1 p1 q1 r1 s1 t1 u1 v1 w1 x1 y1 z1 a2 b2 c2 d2 e2 f2 g2 h2 i2 j2 k2 l2 m2 n2 o2 p2
ok $([ "$RC" -le 2 ] && echo 0 || echo 1) "a query of 68 words gets an answer or a usage error"

# A damaged index (published, unreadable) is its own status: exit 7 and
# advice to rebuild; ra-index rebuilds over it.
mkdir -p "$T_TMP/bad"; echo "glass gen-000009" > "$T_TMP/bad/XAPIANDB"
run "$RA_QUERY" --db "$T_TMP/bad" mentorship
is "$RC" 7 "stub naming a missing generation: exit 7 (damaged)"
like "$ERR" "$T_TMP/bad" "the damaged index is named"
like "$ERR" "rebuild it with \`ra-index --rebuild --db $T_TMP/bad" "and says to rebuild it"
run "$RA_INDEX" --quiet --db "$T_TMP/bad" "$CORPUS"
is "$RC" 0 "ra-index rebuilds over a stub naming a missing generation"
run "$RA_QUERY" --db "$T_TMP/bad" mentorship
is "$RC" 0 "and the rebuilt index answers"
cp -R "$DB" "$T_TMP/trunc"
for t in "$T_TMP"/trunc/gen-*/postlist.glass; do : > "$t"; done
run "$RA_QUERY" --db "$T_TMP/trunc" mentorship
is "$RC" 7 "a truncated table: exit 7 (damaged)"
like "$ERR" "index damaged" "says the index is damaged"
like "$ERR" "ra-index --rebuild" "and says to rebuild it"
run "$RA_QUERY" --db "$T_TMP/trunc" --tags
is "$RC" 7 "--tags on a truncated table: exit 7"
run "$RA_INDEX" --quiet --db "$T_TMP/trunc" "$CORPUS"
is "$RC" 0 "ra-index rebuilds over a truncated table"
run "$RA_QUERY" --db "$T_TMP/trunc" mentorship
is "$RC" 0 "and the rebuilt index answers"
mkdir -p "$T_TMP/empty"
run "$RA_QUERY" --db "$T_TMP/empty" mentorship
is "$RC" 4 "an empty directory is no index (4), not a damaged one"
echo "not a database" > "$T_TMP/afile"
run "$RA_QUERY" --db "$T_TMP/afile" mentorship
# A plain file is read as a cluster file (docs/scale.md): not one, so a
# usage error naming the file and line.
is "$RC" 2 "--db naming a plain file that is no cluster file: exit 2"
like "$ERR" "afile:1: unknown line" "... the file and line named"

# The writer lock: a second writer is refused with exit 6, naming the holder.
if command -v python3 >/dev/null 2>&1; then
  python3 -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1] + "/lock", os.O_RDWR | os.O_CREAT)
fcntl.lockf(fd, fcntl.LOCK_EX)
os.write(fd, b"pid 4242, started test\n")
open(sys.argv[1] + "/locked", "w").close()
time.sleep(30)' "$DB" &
  holder=$!
  i=0; while [ ! -e "$DB/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
  run "$RA_INDEX" --db "$DB" "$CORPUS"
  is "$RC" 6 "a second writer: exit 6"
  like "$ERR" "is being updated by another ra-index (pid 4242" "the lock holder is named"
  kill $holder 2>/dev/null; wait $holder 2>/dev/null
  run "$RA_QUERY" --db "$DB" mentorship
  is "$RC" 0 "readers are not blocked by a writer"
else
  ok 0 "# SKIP python3 absent"
fi

done_testing
