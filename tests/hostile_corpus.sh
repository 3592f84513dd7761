#!/bin/sh
# hostile_corpus.sh - one run over a corpus of odd names and bad inputs,
# built here at run time: the good pages index, each bad one is named once
# with its reason, the run ends (no FIFO hangs it) with exit 3, odd names
# get ids the endpoint accepts, and no term is over Xapian's 245 bytes.
. "${RA_SRCDIR:-..}/tests/lib.sh"
C="$T_TMP/corpus"; DB="$T_TMP/db"
mkdir -p "$C/sub"
cp "$CORPUS"/tags.txt "$C"/
# each page a corpus page with one unique word, so each can be found
page() { # page SOURCE_NUMBER WORD DEST
  sed "0,/residency/s//$2/" "$CORPUS/00$1"_*.txt > "$3"
}
page 0 plainquux "$C/000_f98e010c7e6657bf.txt"
page 1 longquux "$C/$(printf 'L%.0s' $(seq 1 250)).txt"
page 2 newlinequux "$C/$(printf 'new\nline')x.txt"
page 3 badutfquux "$C/$(printf 'bad\377utf')x.txt"
page 4 scriptquux "$C/<script>alert(1)<script>.txt"
page 0 spacequux "$C/sub/with some spaces.txt"
# a 300-byte tag and category
LONGT=$(printf 't%.0s' $(seq 1 300)); LONGC=$(printf 'c%.0s' $(seq 1 300))
: > "$C/empty.txt"
head -c 4000 /dev/urandom > "$C/binary.txt"
yes "huge filler line" | head -c 3000000 > "$C/huge.txt"
printf 'Caf\351 Latin One Page\n\nSome latinquux text about caf\351s.\n' > "$C/latin1.txt"
mkfifo "$C/fifo.txt"
ln -s "$C/000_f98e010c7e6657bf.txt" "$C/link.txt"
ln -s "$C/nowhere.txt" "$C/dangling.txt"
# JSON Lines: one good record per kind of bad line, and a repeat
{
  printf '{"id": "jgood", "title": "Good record", "body": "jsongoodquux"}\n'
  BODY=$(sed -n '10,60p' "$CORPUS"/004_*.txt | tr -d '"\\\t\r' | tr '\n' ' ')
  printf '{"id": "odd id <x>", "title": "Odd id", "body": "oddidquux %s", "tags": ["%s"], "category": "%s"}\n' "$BODY" "$LONGT" "$LONGC"
  printf 'not json at all\n'
  printf '{"id": "j2", "title": 7}\n'
  printf '{"id": "j3", "title": "T", "tags": ["ok", 1, null, {}]}\n'
  printf '{"id": "j4", "title": "T", "tags": "Mentorship"}\n'
  printf '{"title": "no id"}\n'
  printf '{"id": "j5"}\n'
  printf '{"id": "jgood", "title": "Good record again", "body": "jsonagainquux"}\n'
  printf '{"id": "j6", "title": "Long", "body": "%s"}\n' "$(head -c 2100000 /dev/zero | tr '\0' x)"
} > "$C/records.jsonl"

run timeout 60 "$RA_INDEX" --db "$DB" --max-file-size 2000000 "$C"
is "$RC" 3 "the run ends with exit 3 (some pages failed)"
E="$ERR"
run "$RA_QUERY" --db "$DB" --format json --related=link
is "$RC" 0 "a symlink to a regular page is indexed"
for w in longquux newlinequux badutfquux scriptquux spacequux jsonagainquux oddidquux latinquux; do
  run "$RA_QUERY" --db "$DB" --format json "$w"
  like "$OUT" '"total_estimate":1' "page with $w is indexed and found"
done
run "$RA_QUERY" --db "$DB" --format json jsongoodquux
like "$OUT" '"total_estimate":0' "the repeated id's later record wins"
run "$RA_QUERY" --db "$DB" --format json "tag:$LONGT"
like "$OUT" '"title":"Odd id"' "a 300-byte tag filters"
run "$RA_QUERY" --db "$DB" --format json "category:$LONGC"
like "$OUT" '"title":"Odd id"' "a 300-byte category filters"
once() { # once SUBSTRING DESCRIPTION: named exactly once
  is "$(printf '%s\n' "$E" | grep -cF -- "$1")" 1 "$2"
}
once "empty.txt:" "empty page named once"
once "binary.txt:" "binary page named once"
once "huge.txt: file is 3000000 bytes, above the limit" "huge page named with the limit"
once "fifo.txt: is a FIFO, not a regular file" "FIFO named, not read"
once "dangling.txt:" "dangling symlink named"
once "records.jsonl:3: malformed JSON" "invalid JSON line named"
once "records.jsonl:4: line skipped: expected \"title\"" "wrong title type named"
once "records.jsonl:5: line skipped: expected \"tags\" as an array of strings (an element" "wrong tag element type named"
once "records.jsonl:6: line skipped: expected \"tags\"" "tags as a string named"
once "records.jsonl:7: line skipped: expected \"id\"" "missing id named"
once "records.jsonl:8: line skipped: expected \"title\"" "missing title named"
once "records.jsonl:9: duplicate id \"jgood\" (lines 1 and 9): line 9 wins" "repeated id named with both lines"
once "line 10 is 2100" "over-long line named with its size"
like "$E" "the limit is 2000000 bytes (--max-file-size)" "over-long line names the limit"
unlike "$E" "link.txt:" "a symlink to a regular page is read"
like "$E" "12 failed" "summary counts every bad page and line"

# ids of odd names: the endpoint's grammar, and --related works
IDS=$(for w in scriptquux newlinequux badutfquux longquux oddidquux spacequux; do
  "$RA_QUERY" --db "$DB" --format json "$w" > "$T_TMP/out"; json_ids "$(cat "$T_TMP/out")"; done)
is "$(printf '%s\n' "$IDS" | wc -l | tr -d ' ')" 6 "six odd names found"
is "$(printf '%s\n' "$IDS" | grep -vc '^[A-Za-z0-9_./-]*$')" 0 "their ids are letters, digits, _ - . (and / for subdirectories)"
for id in $IDS; do
  case "$id" in */*) continue ;; esac
  run "$RA_QUERY" --db "$DB" --format json --related="$id"
  is "$RC" 0 "--related $id works"
done

DELVE=$(command -v xapian-delve || command -v delve || true)
if [ -n "$DELVE" ]; then
  GEN=$(ls -d "$DB"/gen-* | tail -1)
  MAX=$("$DELVE" -a "$GEN" | tr ' ' '\n' | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
  ok "$([ "$MAX" -le 245 ]; echo $?)" "no term is over 245 bytes (longest $MAX)"
else
  echo "ok $((T_N += 1)) # SKIP xapian-delve not installed"
fi
done_testing
