#!/bin/sh
# gen_corpus.sh - the synthetic corpus generator (bench/gen_corpus): same
# seed same bytes, pages that the real indexer and parser accept with
# title, tags (split back with the generated tags.txt), sections, FAQ and
# illustrations, a vocabulary that grows with N, and --mutate / --delete /
# --add / --start doing exactly what they say.
. "${RA_SRCDIR:-..}/tests/lib.sh"
GEN="$(dirname "$RA_INDEX")/../bench/gen_corpus"
if [ ! -x "$GEN" ]; then
  echo "1..0 # SKIP $GEN not built"
  exit 0
fi

# sums DIR: one "md5  relative-path" line per file, sorted by path.
sums() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs md5sum); }
# pages DIR: the article files, sorted.
pages() { find "$1" -name '*_*.txt' | LC_ALL=C sort; }

A="$T_TMP/a"; B="$T_TMP/b"; C="$T_TMP/c"
run "$GEN" --count 50 --seed 7 --out "$A"
is "$RC" 0 "50 articles generated (exit 0)"
like "$ERR" "50 articles" "summary names the count"
is "$(pages "$A" | wc -l | tr -d ' ')" 50 "50 page files written"
is "$(pages "$A" | head -1 | sed 's|.*/||' | grep -c '^000000_[0-9a-f]\{16\}\.txt$')" 1 \
  "file names are NNNNNN_<16 hex>.txt"
[ -d "$A/00" ] && [ -f "$A/tags.txt" ]
ok $? "pages go to DIR/00/, the tag vocabulary to DIR/tags.txt"
ntags=$(grep -vc '^#' "$A/tags.txt")
[ "$ntags" -ge 200 ] && [ "$ntags" -le 600 ]
ok $? "a few hundred tags in tags.txt ($ntags)"

"$GEN" -q --count 50 --seed 7 --out "$B"
is "$(sums "$A" | md5sum)" "$(sums "$B" | md5sum)" "same seed, same bytes"
"$GEN" -q --count 50 --seed 8 --out "$C"
[ "$(sums "$A" | md5sum)" != "$(sums "$C" | md5sum)" ]
ok $? "another seed, other bytes"

# --start K writes articles K.. exactly as a full run does.
"$GEN" -q --count 20 --start 30 --seed 7 --out "$T_TMP/s"
is "$(cd "$T_TMP/s" && pages . | xargs md5sum)" \
   "$(cd "$A" && pages . | sed -n '31,50p' | xargs md5sum)" \
   "--start 30 --count 20 reproduces articles 30..49"

# Training pages are the files the indexer takes as pages: gzip-compressed
# pages train as the plain ones do, and JSON Lines files are left out.
Z="$T_TMP/train"
mkdir "$Z" && cp "$CORPUS"/*.txt "$Z/"
for f in "$Z"/*.txt; do
  case ${f##*/} in tags.txt|synonyms.txt) ;; *) gzip "$f" ;; esac
done
echo '{"id": "x", "title": "T", "body": "b"}' > "$Z/x.jsonl"
"$GEN" -q --count 5 --seed 7 --train "$Z" --out "$T_TMP/z"
is "$(cd "$T_TMP/z" && pages . | xargs md5sum)" \
   "$(cd "$A" && pages . | head -5 | xargs md5sum)" \
   "--train with *.txt.gz pages (and a .jsonl) gives the same articles"

# Sizes spread like the samples (about 10-21 KB).
sizes=$(pages "$A" | xargs wc -c | grep -v ' total$' | awk '{print $1}' | sort -n)
min=$(echo "$sizes" | head -1); max=$(echo "$sizes" | tail -1)
mean=$(echo "$sizes" | awk '{s+=$1} END {printf "%d", s/NR}')
[ "$mean" -ge 10000 ] && [ "$mean" -le 24000 ] && [ "$min" -lt "$max" ]
ok $? "page sizes spread (min $min, mean $mean, max $max bytes)"

# The real indexer takes every page.
run "$RA_INDEX" --db "$T_TMP/db" "$A"
is "$RC" 0 "ra-index indexes all 50 generated pages (exit 0)"
unlike "$ERR" "$A/00/" "no page is named in a warning"

# --dump of a sample: title, tags from tags.txt, sections, FAQ, no chrome
# or footer.  --dump learns from the page's siblings and reads tags.txt
# beside the page, so the pages are dumped from a flat copy.
F="$T_TMP/flat"
mkdir "$F" && cp "$A/tags.txt" $(pages "$A") "$F/"
n_ill=0
for p in $(ls "$F"/*_*.txt | sed -n '1p;7p;13p;19p;26p;33p;41p;50p'); do
  id=$(basename "$p" .txt)
  run "$RA_INDEX" --dump "$p"
  is "$RC" 0 "$id: --dump exit 0"
  title=$(printf '%s\n' "$OUT" | sed -n 's/^  "title": "\(.*\)",$/\1/p')
  [ -n "$title" ] && grep -qxF "$title" "$p"
  ok $? "$id: title is a line of the page"
  tags=$(printf '%s\n' "$OUT" | sed -n '/^  "tags": \[/,/^  \]/p' | sed -n 's/^    "\(.*\)",\{0,1\}$/\1/p')
  ntag=$(printf '%s\n' "$tags" | grep -c .)
  unknown=$(printf '%s\n' "$tags" | while IFS= read -r t; do
    grep -qixF "$t" "$A/tags.txt" || echo "$t"; done)
  [ "$ntag" -ge 1 ] && [ -z "$unknown" ]
  ok $? "$id: $ntag tags, each one of tags.txt"
  [ -n "$unknown" ] && echo "#   not in tags.txt: $unknown"
  [ "$(printf '%s\n' "$OUT" | grep -c '"heading": "')" -ge 2 ]
  ok $? "$id: sections with headings"
  [ "$(printf '%s\n' "$OUT" | grep -c '"question": ".*?",$')" -ge 1 ]
  ok $? "$id: an FAQ"
  unlike "$OUT" "Related Articles" "$id: footer removed"
  unlike "$OUT" "Residency Advisor" "$id: chrome removed"
  ill=$(printf '%s\n' "$OUT" | sed -n '/^  "illustrations": \[/,/^  \]/p' | grep -c '^    "')
  n_ill=$((n_ill + ill))
done
[ "$n_ill" -ge 8 ]
ok $? "illustration descriptions recognised ($n_ill in 8 pages)"

# The vocabulary keeps growing with N (new names and rare words).
words() { pages "$1" | xargs cat | tr -cs 'A-Za-z' '\n' | tr 'A-Z' 'a-z' | sort -u | wc -l; }
"$GEN" -q --count 200 --seed 7 --out "$T_TMP/v"
w50=$(words "$A"); w200=$(words "$T_TMP/v")
[ "$w200" -ge $((w50 * 13 / 10)) ]
ok $? "distinct words grow with N: $w50 in 50 articles, $w200 in 200"

# Near-duplicates exist: some articles share most of their paragraphs.
dups=$(pages "$T_TMP/v" | xargs grep -h -E '^.{300,}$' | grep -v 'Smart *Pick' |
  sort | uniq -d | wc -l)
[ "$dups" -ge 10 ]
ok $? "near-duplicate articles share paragraphs ($dups shared)"

# --mutate 10 changes exactly 5 of 50 files, and only article pages.
cp -r "$A" "$T_TMP/m"
run "$GEN" --out "$T_TMP/m" --mutate 10 --seed 3
is "$RC" 0 "--mutate exit 0"
changed=$(sums "$A" | diff - "$(sums "$T_TMP/m" > "$T_TMP/m.sum"; echo "$T_TMP/m.sum")" | grep -c '^>')
is "$changed" 5 "--mutate 10 changed exactly 5 of 50 files"
run "$RA_INDEX" --db "$T_TMP/db" "$T_TMP/m"
is "$RC" 0 "mutated pages still index"
cp -r "$A" "$T_TMP/m2"
"$GEN" -q --out "$T_TMP/m2" --mutate 10 --seed 3
is "$(sums "$T_TMP/m" | md5sum)" "$(sums "$T_TMP/m2" | md5sum)" "--mutate is deterministic"

# --delete / --add.
run "$GEN" --out "$T_TMP/m" --delete 3 --add 4 --seed 7
is "$RC" 0 "--delete 3 --add 4 exit 0"
is "$(pages "$T_TMP/m" | wc -l | tr -d ' ')" 51 "50 - 3 + 4 = 51 pages"
is "$(pages "$T_TMP/m" | tail -1 | sed 's|.*/||' | cut -c1-6)" 000053 \
  "added articles continue the numbering (50..53)"

# Bad usage.
run "$GEN" --count 5
is "$RC" 2 "missing --out: exit 2"
run "$GEN" --count x --out "$T_TMP/x"
is "$RC" 2 "bad --count: exit 2"
like "$ERR" "--count" "the message names --count"
run "$GEN" --out "$T_TMP/x" --mutate 150
is "$RC" 2 "--mutate above 100: exit 2"
run "$GEN" --count 5 --out "$T_TMP/x" --train "$T_TMP/nonexistent"
is "$RC" 5 "missing --train dir: exit 5"
like "$ERR" "nonexistent" "the message names the directory"

done_testing
