#!/bin/sh
# bad_input.sh - hostile pages in the corpus: each gets a warning naming the
# file (and byte offset or line), the rest of the corpus is still indexed,
# and the exit status says some pages failed.
. "${RA_SRCDIR:-..}/tests/lib.sh"
C="$T_TMP/corpus"; DB="$T_TMP/db"
mkdir -p "$C"
cp "$CORPUS"/*.txt "$C"/
P0="$CORPUS/000_f98e010c7e6657bf.txt"; P1="$CORPUS/001_32d40953c92d2718.txt"
: > "$C/empty.txt"
printf 'A Title\000with a NUL\n' > "$C/nul.txt"
printf 'Broken \377\376 Bytes Page\n\nSome text about quetzalword residency\n' > "$C/badutf8.txt"
{ printf '\357\273\277'; sed 's/Supportive Community/Bommunity Zebraword/' "$P0"; } > "$C/bom.txt"
sed 's/Social Scene/Crlf Quokkaword/; s/$/\r/' "$P1" > "$C/crlf.txt"
printf '\n  \n\t\n' > "$C/blank.txt"
{ head -3 "$P0"; sed -n '/^overview/,$p' "$P0"; } > "$C/chromeonly.txt"
# 50 MB of text: above the default size limit.
yes "residency filler line for a very large page" | head -c 50000000 > "$C/huge.txt"

run "$RA_INDEX" --db "$DB" "$C"
is "$RC" 3 "some pages failed: exit 3"
like "$ERR" "rebuild: 8 added, 0 updated, 0 removed, 0 unchanged, 5 failed (1 repaired)" "the other pages are indexed"
like "$ERR" "empty.txt: empty file" "empty file named"
like "$ERR" "nul.txt: NUL byte at byte offset 7" "NUL byte: file and offset named"
like "$ERR" "badutf8.txt:1: invalid UTF-8 byte 0xFF at byte offset 7" "invalid UTF-8: file, line, offset named"
like "$ERR" "blank.txt: file contains only whitespace" "blank page named"
like "$ERR" "chromeonly.txt: no recognisable title" "page with no title named"
like "$ERR" "huge.txt: file is 50000000 bytes, above the limit" "50 MB page named"
unlike "$ERR" "bom.txt" "a BOM is not an error"
unlike "$ERR" "crlf.txt" "CRLF is not an error"

# The repaired and normalised pages are searchable.
run "$RA_QUERY" --db "$DB" --format json quetzalword
is "$RC" 0 "repaired page is indexed"
run "$RA_QUERY" --db "$DB" --color=never zebraword
like "$OUT" "Creating a Bommunity **Zebraword**" "BOM page: title intact (no BOM in it)"
run "$RA_QUERY" --db "$DB" --color=never quokkaword
like "$OUT" "Navigating the Crlf **Quokkaword**: Building" "CRLF page: title intact"
unlike "$OUT" "$(printf '\r')" "no carriage returns in output"
found=0
for qq in "supportive community:000" "social scene:001" "enhancing your medical career:002" \
          "leverage networking selecting:003" "importance networking post-match:004"; do
  run "$RA_QUERY" --db "$DB" --format json "${qq%%:*}"
  case $(json_ids "$OUT" | head -1) in "${qq##*:}"_*) found=$((found + 1)) ;; esac
done
is "$found" 5 "the five good pages are all there"

# A larger limit indexes the big page (text is streamed through analysis).
run "$RA_INDEX" --db "$DB" --max-file-size 64M "$C/huge.txt"
is "$RC" 0 "--max-file-size 64M indexes the 50 MB page"
run "$RA_QUERY" --db "$DB" --format json filler
is "$(json_ids "$OUT")" huge "the 50 MB page is searchable"
run "$RA_INDEX" --db "$DB" --max-file-size abc "$C"
is "$RC" 2 "bad --max-file-size is a usage error"

# A failed build keeps the previous index.
run "$RA_INDEX" --db "$DB" "$T_TMP/no-such-dir"
ok $([ "$RC" -ne 0 ] && echo 0 || echo 1) "missing corpus fails"
like "$ERR" "no-such-dir" "missing corpus is named"
run "$RA_QUERY" --db "$DB" filler
is "$RC" 0 "previous index still answers"

# Only failures: exit 3, nothing published over the good index.
mkdir "$T_TMP/allbad"; : > "$T_TMP/allbad/a.txt"
run "$RA_INDEX" --db "$DB" "$T_TMP/allbad"
is "$RC" 5 "all pages failing exits 5 (nothing published)"
like "$ERR" "none of the 1 pages could be indexed" "all-failed build says so"
run "$RA_QUERY" --db "$DB" filler
is "$RC" 0 "an all-failed build does not replace the index"

mkdir "$T_TMP/nopages"
run "$RA_INDEX" --db "$DB" "$T_TMP/nopages"
is "$RC" 5 "a corpus with no pages exits 5"
like "$ERR" "no pages (*.txt, *.jsonl) found" "empty corpus says so"

# --dump on bad input: a page refused for its content is a failed page
# (3), a file that cannot be read is an error (5); both named.
run "$RA_INDEX" --dump "$C/nul.txt"
is "$RC" 3 "--dump of a binary file: exit 3"
like "$ERR" "nul.txt" "--dump names the file"
run "$RA_INDEX" --dump "$C/empty.txt"
is "$RC" 3 "--dump of an empty file: exit 3"
run "$RA_INDEX" --dump "$T_TMP/nonexistent.txt"
is "$RC" 5 "--dump of a missing file: exit 5"
like "$ERR" "ra-index: $T_TMP/nonexistent.txt: cannot open" "... naming it"
run "$RA_INDEX" --dump "$T_TMP/nonexistent.txt.gz"
is "$RC" 5 "--dump of a missing .gz file: exit 5"
run "$RA_INDEX" --dump "$C"
is "$RC" 5 "--dump of a directory: exit 5"
like "$ERR" "is a directory" "... saying so"
printf 'not gzip' > "$T_TMP/fake.txt.gz"
run "$RA_INDEX" --dump "$T_TMP/fake.txt.gz"
is "$RC" 3 "--dump of a .gz that is not gzip: exit 3 (refused content)"
run "$RA_INDEX" --dump "$C/bom.txt"
is "$RC" 0 "--dump of a BOM page works"
like "$OUT" '"title": "Creating a Bommunity Zebraword' "--dump title has no BOM"

done_testing
