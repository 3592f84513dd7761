#!/bin/sh
# incremental.sh - updates (added/updated/removed/unchanged), rebuilds,
# JSON Lines and gzip input, synonyms, near-duplicates, parallel rebuilds
# equal to serial ones, updates taking back the spelling words and acronyms
# of what they remove, and the index surviving failures.
. "${RA_SRCDIR:-..}/tests/lib.sh"
C="$T_TMP/corpus"; DB="$T_TMP/db"
mkdir -p "$C"; cp "$CORPUS"/*.txt "$C"/
q() { run "$RA_QUERY" --db "$DB" --format json "$@"; IDS=$(json_ids "$OUT"); }
stat_of() { sed -n "s/^ *\"$1\": \\([0-9]*\\).*/\\1/p" "$T_TMP/stats.json"; }

run "$RA_INDEX" --db "$DB" --stats-json "$T_TMP/stats.json" "$C"
is "$RC" 0 "first run builds"
like "$ERR" "rebuild: 5 added" "first run is a rebuild"
is "$(stat_of added)" 5 "--stats-json records the added pages"
ok $([ "$(stat_of synonyms)" -ge 10 ] && echo 0 || echo 1) "synonyms.txt is loaded ($(stat_of synonyms) pairs)"
is "$(stat_of duplicate_groups)" 1 "the two versions of one article form one duplicate group"
like "$(cat "$T_TMP/stats.json")" '"index_seconds":' "--stats-json gives a rebuild's indexing phase"
like "$(cat "$T_TMP/stats.json")" '"merge_seconds":' "and its merge phase"

rev_of() { q mentorship; printf '%s' "$OUT" | sed -n 's/.*"revision":\([0-9]*\).*/\1/p'; }
facets_of() { ls -l --time-style=+%s.%N "$DB"/gen-*/rasearch-facets 2>/dev/null | awk '{print $6}'; }
rev0=$(rev_of); tab0=$(facets_of)
run "$RA_INDEX" --db "$DB" --stats-json "$T_TMP/stats.json" "$C"
like "$ERR" "update: 0 added, 0 updated, 0 removed, 5 unchanged, 0 failed" "rerun: nothing changed"
like "$ERR" "nothing to write: the index keeps its revision" "rerun: says it wrote nothing"
like "$(cat "$T_TMP/stats.json")" '"committed": false' "--stats-json: committed is false"
is "$(rev_of)" "$rev0" "rerun: the revision (and so the ETag) is unchanged"
is "$(facets_of)" "$tab0" "rerun: the tag table file is not rewritten"

# Change one page: it is re-indexed, the old text is gone.
P="$C/001_32d40953c92d2718.txt"
sed 's/Navigating the Social Scene/Navigating the Xylophonic Scene/' "$P" > "$T_TMP/p" && cat "$T_TMP/p" > "$P"
run "$RA_INDEX" --db "$DB" -v "$C"
like "$ERR" "update: 0 added, 1 updated, 0 removed, 4 unchanged" "a changed page is updated"
like "$ERR" "001_32d40953c92d2718.txt: updated" "--verbose names it"
q xylophonic; is "$IDS" 001_32d40953c92d2718 "the new text is searchable"
q xylophonic; like "$OUT" "Navigating the Xylophonic Scene" "the stored text is the new one"
unlike "$OUT" "Navigating the Social Scene" "the old title is gone"

# Touch without change: detected by hash, not re-indexed.
rev1=$(rev_of)
touch "$C/000_f98e010c7e6657bf.txt"
run "$RA_INDEX" --db "$DB" "$C"
like "$ERR" "0 updated, 0 removed, 5 unchanged" "a touched page is unchanged (content hash)"
unlike "$ERR" "nothing to write" "the touched page's new mtime is written"
ok $([ "$(rev_of)" -gt "$rev1" ] && echo 0 || echo 1) "so that update commits a new revision"
run "$RA_INDEX" --db "$DB" "$C"
like "$ERR" "nothing to write" "and the next run skips the page unread, writing nothing"

# Add and delete.
sed 's/Supportive Community/Quokka Community/' "$CORPUS/000_f98e010c7e6657bf.txt" > "$C/new_page.txt"
rm "$C/004_5de6917610b7df12.txt"
run "$RA_INDEX" --db "$DB" "$C"
like "$ERR" "update: 1 added, 0 updated, 1 removed, 4 unchanged" "add + delete"
q quokka; is "$IDS" new_page "the added page is searchable"
q post-match; unlike "$IDS" 004_5de6917610b7df12 "the deleted page is gone"
q --count 50 mentorship
# new_page is a near-copy of 000, and 000/002 share their tag set: one group.
is "$(printf '%s\n' "$IDS" | wc -l | tr -d ' ')" 3 "five articles, near-duplicates collapsed to three hits"

# --rebuild builds aside and swaps.
run "$RA_INDEX" --db "$DB" --rebuild "$C"
like "$ERR" "rebuild: 5 added" "--rebuild rebuilds"
q mentorship; like "$OUT" '"generation":"gen-000002"' "--rebuild publishes a new generation"

# Tag list changed: the update becomes a rebuild, and says why.
cp "$CORPUS/tags.txt" "$C/tags.txt"; echo "Quokka Studies" >> "$C/tags.txt"
run "$RA_INDEX" --db "$DB" -v "$C"
like "$ERR" "full rebuild: the tag list, synonyms or index format changed" "changed tags.txt forces a rebuild"

# A failing page keeps its previous version.
cp "$P" "$T_TMP/keep"; : > "$P"
run "$RA_INDEX" --db "$DB" "$C"
is "$RC" 3 "a page that became empty: exit 3"
like "$ERR" "empty file; previous version kept" "its previous version is kept"
q xylophonic; is "$IDS" 001_32d40953c92d2718 "and still searchable"
cp "$T_TMP/keep" "$P"

# JSON Lines, gzip, malformed lines.
J="$T_TMP/jl"; mkdir -p "$J"
cat > "$J/a.jsonl" <<'JL'
{"id": "j1", "title": "Zebrafish in Residency", "body": "First paragraph about zebrafish.\n\nSecond paragraph.", "tags": ["Lab Life", "Research"], "category": "Research", "url": "https://example.org/j1"}
{"id": "j2", "title": "Another record", "body": "Okapi sightings during night float."}
this is not json
{"title": "no id here", "body": "x"}
{"id": "j3", "title": 7}

{"id": "j4", "title": "Gzip neighbour", "body": "nothing special"}
JL
printf '{"id": "g1", "title": "Compressed", "body": "A wombat in the call room."}\n' | gzip > "$J/b.jsonl.gz"
gzip -c "$CORPUS/003_a318fcef9bca58db.txt" > "$J/page.txt.gz"
run "$RA_INDEX" --db "$T_TMP/jdb" "$J"
is "$RC" 3 "JSON Lines corpus indexes; each bad line is a failed page (exit 3)"
like "$ERR" "3 failed" "the three bad lines are counted as failed"
like "$ERR" "a.jsonl:3: malformed JSON, line skipped" "malformed line named with its number"
like "$ERR" "a.jsonl:4: line skipped: expected \"id\"" "missing id named"
like "$ERR" "a.jsonl:5: line skipped: expected \"title\"" "bad title named"
like "$ERR" "rebuild: 5 added" "good records and the .gz page are indexed"
run "$RA_QUERY" --db "$T_TMP/jdb" --format json zebrafish
is "$(json_ids "$OUT")" j1 "JSONL record searchable"
like "$OUT" '"category":"Research"' "JSONL category kept"
run "$RA_QUERY" --db "$T_TMP/jdb" --format json wombat
is "$(json_ids "$OUT")" g1 ".jsonl.gz is read through zlib"
run "$RA_QUERY" --db "$T_TMP/jdb" --format json alumni
is "$(json_ids "$OUT")" page ".txt.gz page is read through zlib"
# Damaged compressed input: named, skipped, the rest kept.
mkdir -p "$T_TMP/jbad"; cp "$J/a.jsonl" "$T_TMP/jbad/"
printf 'plain text pretending\n' > "$T_TMP/jbad/fake.txt.gz"
gzip -c "$CORPUS/001_32d40953c92d2718.txt" | head -c 2000 > "$T_TMP/jbad/cut.txt.gz"
gzip -c "$J/a.jsonl" | head -c 60 > "$T_TMP/jbad/cut.jsonl.gz"
run "$RA_INDEX" --db "$T_TMP/jbaddb" "$T_TMP/jbad"
is "$RC" 3 "damaged .gz inputs: exit 3"
like "$ERR" "fake.txt.gz: not a gzip file" "a .gz that is not gzip is named"
like "$ERR" "cut.txt.gz: damaged gzip data" "a truncated .txt.gz is named, not half-indexed"
like "$ERR" "cut.jsonl.gz" "a truncated .jsonl.gz is named"
run "$RA_QUERY" --db "$T_TMP/jbaddb" --format json zebrafish
is "$(json_ids "$OUT")" j1 "the good JSONL file is still indexed"
sed -i 's/Okapi sightings/Okapi and pangolin sightings/' "$J/a.jsonl"
run "$RA_INDEX" --db "$T_TMP/jdb" "$J"
like "$ERR" "update: 0 added, 1 updated, 0 removed, 4 unchanged" "a changed JSONL record is updated alone"

# --jobs 2 gives the same results as --jobs 1.
B="$T_TMP/big"; mkdir -p "$B"
i=0
for f in "$CORPUS"/0*.txt; do
  for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
    sed "1,12s/Residency/Residency Batch$k/" "$f" > "$B/p${k}_$(basename "$f")"
  done
done
run "$RA_INDEX" --db "$T_TMP/s1" --jobs 1 "$B"; is "$RC" 0 "serial build of 80 pages"
run "$RA_INDEX" --db "$T_TMP/s2" --jobs 2 "$B"; is "$RC" 0 "parallel build of 80 pages"
same=0
for qq in mentorship "residency networking" post-match café batch7 'tag:mentorship'; do
  a=$("$RA_QUERY" --db "$T_TMP/s1" --format json --count 50 "$qq" | sed 's/"generation":"[^"]*"//; s/"revision":[0-9]*//')
  b=$("$RA_QUERY" --db "$T_TMP/s2" --format json --count 50 "$qq" | sed 's/"generation":"[^"]*"//; s/"revision":[0-9]*//')
  [ "$a" = "$b" ] || { same=1; echo "# differs: $qq"; }
done
ok $same "--jobs 2 and --jobs 1 answer identically"

# An update (written by two threads) answers like a rebuild of the same
# pages, and past --max-update-size of changed text it becomes a rebuild.
U="$T_TMP/upd"; mkdir -p "$U"
for f in "$CORPUS"/0*.txt; do
  for k in $(seq 1 60); do
    sed "1,12s/Residency/Residency Upd$k/" "$f" > "$U/p${k}_$(basename "$f")"
  done
done
run "$RA_INDEX" --db "$T_TMP/u1" "$U"; is "$RC" 0 "build of 300 pages"
n=0
for f in "$U"/p1[0-9]_*.txt "$U"/p2[0-9]_*.txt; do
  n=$((n + 1)); [ $n -gt 70 ] && break
  # into the first long paragraph (text after the footer is not indexed)
  awk -v n="$n" '!d && length($0) > 200 { $0 = $0 " The Fictional Update Pipeline Service (FUPS) now covers item " n "."; d = 1 } { print }' "$f" > "$f.new" && mv "$f.new" "$f"
done
facets_sum() { cksum < "$T_TMP/u1/$(sed -n 's/^glass //p' "$T_TMP/u1/XAPIANDB")/rasearch-facets" 2>/dev/null; }
before=$(facets_sum)
run "$RA_INDEX" --db "$T_TMP/u1" "$U"
like "$ERR" "update: 0 added, 70 updated, 0 removed, 230 unchanged" "70 changed pages of 300: an update"
after=$(facets_sum)
ok "$([ -n "$before" ] && [ -n "$after" ] && [ "$before" != "$after" ]; echo $?)" \
  "the update rewrote the tag table file for its new revision"
run "$RA_INDEX" --db "$T_TMP/u2" --rebuild "$U"; is "$RC" 0 "rebuild of the same pages"
same=0
for qq in mentorship "residency networking" fups "fictional update pipeline" upd7 'tag:mentorship' '"item 42"'; do
  a=$("$RA_QUERY" --db "$T_TMP/u1" --format json --count 50 "$qq" | sed 's/"generation":"[^"]*"//; s/"revision":[0-9]*//')
  b=$("$RA_QUERY" --db "$T_TMP/u2" --format json --count 50 "$qq" | sed 's/"generation":"[^"]*"//; s/"revision":[0-9]*//')
  [ "$a" = "$b" ] || { same=1; echo "# differs: $qq"; }
done
ok $same "the update answers like a rebuild, learned acronym included"
like "$("$RA_QUERY" --db "$T_TMP/u1" --format json fups)" '"facet_docs":70' "the added text is searchable in all 70 pages (5 hits, near-duplicates collapsed)"
for f in "$U"/p3[0-9]_*.txt "$U"/p4[0-3]_*.txt; do echo "One more line." >> "$f"; done
run "$RA_INDEX" --db "$T_TMP/u1" --verbose --max-update-size 300k "$U"
like "$ERR" "full rebuild: more changed page text than --max-update-size" "past --max-update-size an update becomes a rebuild"
run "$RA_INDEX" --db "$T_TMP/u1" --max-update-size 1.5M "$U"
is "$RC" 2 "a bad --max-update-size is a usage error"
like "$ERR" "--max-update-size: not a size above 0: '1.5M'" "and names the option"

# An update takes back what the removed and replaced versions gave "did you
# mean" (their spelling words) and the learned acronyms, so that it leaves
# what a rebuild of the same pages would.  The edited lines are paragraphs
# of section text; zymurgologies (000) shares zymurgology's stem, so the
# stale word would still find a hit if it were left in the spelling data.
R="$T_TMP/retract"; RDB="$T_TMP/rdb"
mkdir -p "$R"; cp "$CORPUS"/* "$R"/
sed -i '16s/$/ The Quality Improvement Committee (QIC) studies zymurgology./' "$R/003_a318fcef9bca58db.txt"
sed -i '12s/$/ The Resident Wellness Council (RWC) meets monthly; zymurgologies abound./' "$R/000_f98e010c7e6657bf.txt"
sed -i '12s/$/ The Resident Wellness Council (RWC) and the Program Director (PD) agree./' "$R/001_32d40953c92d2718.txt"
sed -i '11s/$/ Quixotrophic schedules are rare./' "$R/002_f7ec2a6eb3000eca.txt"
sugg() { run "$RA_QUERY" --db "${2:-$RDB}" --format json "$1"; printf '%s' "$OUT" | sed -n 's/.*"suggestion":{"query":"\([^"]*\)".*/\1/p'; }
exps() { run "$RA_QUERY" --db "${2:-$RDB}" --format json "$1"; printf '%s' "$OUT" | grep -o '"expansions":\[[^]]*\]'; }
run "$RA_INDEX" --db "$RDB" "$R"; is "$RC" 0 "retraction corpus builds"
is "$(sugg zymurgolgy)" zymurgology "did you mean: a word of one article"
is "$(sugg quixotrophik)" quixotrophic "did you mean: a word another article will drop"
like "$(exps QIC)" '"to":"quality improvement committee"' "an acronym learned from one article"
like "$(exps RWC)" '"to":"resident wellness council"' "an acronym learned from two"
like "$(exps PD)" '"to":"program director"' "an acronym also in synonyms.txt"
rm "$R/003_a318fcef9bca58db.txt" "$R/001_32d40953c92d2718.txt"
sed -i '11s/Quixotrophic/Quixotrophics/' "$R/002_f7ec2a6eb3000eca.txt"
run "$RA_INDEX" --db "$RDB" --stats-json "$T_TMP/stats.json" "$R"
like "$ERR" "update: 0 added, 1 updated, 2 removed, 2 unchanged" "delete two pages, change one: an update"
like "$(cat "$T_TMP/stats.json")" '"mode": "update"' "--stats-json: it was an update, not a rebuild"
is "$(sugg zymurgolgy)" "" "the deleted article's word is no longer suggested"
is "$(sugg quixotrophik)" quixotrophics "the changed article's dropped word is no longer suggested, its new one is"
unlike "$(exps QIC)" "quality improvement committee" "the deleted article's acronym no longer expands"
like "$(exps RWC)" '"to":"resident wellness council"' "an acronym another article defines survives"
like "$(exps PD)" '"to":"program director"' "a synonyms.txt pair survives the article that also defined it"
run "$RA_INDEX" --db "$T_TMP/rdb2" --rebuild "$R"; is "$RC" 0 "rebuild of the same pages"
same=0
for qq in zymurgolgy quixotrophik quixotrophics QIC RWC PD "resident wellness council" \
          "quality improvement committee" "program director" mentorsip; do
  a=$("$RA_QUERY" --db "$RDB" --format json --explain "$qq" | sed 's/"generation":"[^"]*"//; s/"revision":[0-9]*//')
  b=$("$RA_QUERY" --db "$T_TMP/rdb2" --format json --explain "$qq" | sed 's/"generation":"[^"]*"//; s/"revision":[0-9]*//')
  [ "$a" = "$b" ] || { same=1; echo "# differs: $qq"; }
done
ok $same "after the update, suggestions and expansions are a rebuild's"
rm "$R/000_f98e010c7e6657bf.txt"
run "$RA_INDEX" --db "$RDB" "$R"
like "$ERR" "update: 0 added, 0 updated, 1 removed, 2 unchanged" "delete the other article defining RWC"
unlike "$(exps RWC)" "resident wellness council" "with its last article gone, the acronym goes"
like "$(exps PD)" '"to":"program director"' "the synonyms.txt pair stays"
cp "$CORPUS/003_a318fcef9bca58db.txt" "$R/"
sed -i '16s/$/ The Quality Improvement Committee (QIC) meets./' "$R/003_a318fcef9bca58db.txt"
run "$RA_INDEX" --db "$RDB" "$R"
like "$ERR" "update: 1 added" "an article defining QIC comes back"
like "$(exps QIC)" '"to":"quality improvement committee"' "and the acronym is learned again"
run "$RA_INDEX" --db "$RDB" "$R"
like "$ERR" "nothing to write" "an update with nothing to do still writes nothing"

# Unreadable parts never empty the index.
ln -s . "$C/loop"
run "$RA_INDEX" --db "$DB" "$C"
like "$ERR" "symlink loop" "a symlink loop is reported"
q mentorship; ok $([ "$RC" -eq 0 ] && echo 0 || echo 1) "index intact after a symlink loop"
rm "$C/loop"

# Disk full (file size limit): clear error, previous index intact.
before=$("$RA_QUERY" --db "$DB" --format json mentorship | json_ids /dev/stdin 2>/dev/null; "$RA_QUERY" --db "$DB" --format json mentorship | grep -o '"total_estimate":[0-9]*')
(trap '' XFSZ; ulimit -f 64; exec "$RA_INDEX" --db "$DB" --rebuild "$C") >"$T_TMP/out" 2>"$T_TMP/err"
RC=$?
ok $([ "$RC" -eq 5 ] && echo 0 || echo 1) "a full disk (file too large) fails with exit 5 (got $RC)"
like "$(cat "$T_TMP/err")" "ra-index:" "and says why"
after=$("$RA_QUERY" --db "$DB" --format json mentorship | grep -o '"total_estimate":[0-9]*')
is "$after" "$(printf '%s' "$before" | tail -1)" "the previous index still answers the same"
run "$RA_INDEX" --db "$DB" "$C"
is "$RC" 0 "the next run recovers"

done_testing
