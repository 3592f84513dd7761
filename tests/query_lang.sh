#!/bin/sh
# query_lang.sh - the reader's side of ra-query end to end:
# table-driven query -> expected ids in order, on corpus/ and on the small
# fixture articles in tests/fixtures/reader/ (written for these cases);
# relaxation, "did you mean", synonyms and acronyms, facets, --tags,
# --complete, --related, --explain, paging, the JSON schema, bad input.
. "${RA_SRCDIR:-..}/tests/lib.sh"
FIX="$RA_SRCDIR/tests/fixtures/reader"
DB="$T_TMP/db"; FDB="$T_TMP/fdb"

run "$RA_INDEX" --quiet --db "$DB" "$CORPUS"; is "$RC" 0 "corpus indexed"
run "$RA_INDEX" --quiet --db "$FDB" "$FIX"; is "$RC" 0 "fixtures indexed"

# table DB: lines "query<TAB>ids in order (space separated, '-' for none)".
table() {
  db=$1
  while IFS='	' read -r query want; do
    [ -n "$query" ] || continue
    case $query in '#'*) continue ;; esac
    run "$RA_QUERY" --db "$db" --format json -- "$query"
    got=$(json_ids "$OUT" | tr '\n' ' ' | sed 's/ $//')
    [ -n "$got" ] || got=-
    is "$got" "$want" "[$(basename "$db")] $query"
  done
}

table "$DB" <<'EOF'
post-match	004_5de6917610b7df12
# two words: both first (tiers), then either
"residency programs" alumni	003_a318fcef9bca58db 002_f7ec2a6eb3000eca 004_5de6917610b7df12 001_32d40953c92d2718
alumni OR camaraderie	000_f98e010c7e6657bf 003_a318fcef9bca58db 001_32d40953c92d2718
alumni scrubs	003_a318fcef9bca58db 002_f7ec2a6eb3000eca 001_32d40953c92d2718
mentorship -(alumni OR camaraderie)	004_5de6917610b7df12
mentorship NOT alumni NOT camaraderie	004_5de6917610b7df12
tag:"medical conferences"	004_5de6917610b7df12
tag:MENTORSHIP tag:"Medical Community"	000_f98e010c7e6657bf
tag:mentorsh*	-
category:"residency life"	001_32d40953c92d2718 000_f98e010c7e6657bf
title:"residency networking"	002_f7ec2a6eb3000eca
title:networking alumni	003_a318fcef9bca58db 000_f98e010c7e6657bf 004_5de6917610b7df12
alum*	003_a318fcef9bca58db 002_f7ec2a6eb3000eca
zzyzxqv	-
EOF

table "$FDB" <<'EOF'
# proximity: the article with "night shift" adjacent first; r09 is its
# near-duplicate (collapsed into r01)
night shift	r01_night_adjacent r02_night_far r05_illustration
# title above body above illustration
stethoscope	r03_title_word r04_body_word r05_illustration
# acronyms learned from "Full Name (ABBR)", in both directions
ehr	r06_acronym r07_full_name
electronic health record	r06_acronym r07_full_name
# synonyms.txt (contract = agreement)
agreement	r08_faq
# FAQ questions are searchable
signing bonus	r08_faq r01_night_adjacent
# stems, accents, hyphen phrases
mentors	r10_cafe
CAFE	r10_cafe
"post match"	r10_cafe
# tag-only: filtered, ranked by the tag's own words
tag:scheduling	r02_night_far r01_night_adjacent
EOF

q() { run "$RA_QUERY" --db "$1" --format json -- "$2"; }
jget() { # jget PYTHON-EXPR: evaluate on the JSON in $OUT as d
  printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>&1
}
if command -v python3 >/dev/null 2>&1; then HAVE_PY=1; else HAVE_PY=0; fi
skip_py() { ok 0 "# SKIP python3 absent: $1"; }

# ---- tiers: every word first, then fewer; said when none has them all ------
q "$DB" "alumni zzyzx scrubs"
is "$RC" 0 "a word in no article: the rest still match"
like "$OUT" '"dropped":["zzyzx"]' "the word in no article is named in JSON"
like "$OUT" 'no article contains every word (\"zzyzx\" is in none); those with the most of them come first' "the note says why"
run "$RA_QUERY" --db "$DB" --color=never alumni zzyzx
like "$OUT" 'Note: no article contains every word ("zzyzx" is in none)' "text output says so"
q "$DB" "alumni scrubs"
like "$OUT" '"tiers":{"words":2,"every_word":1,"some_words":2,"starts":[{"words":2,"rank":1},{"words":1,"rank":2}],"note":"1 article contains every word; 2 more contain some"}' "JSON says how many hold every word and where each tier starts"
like "$OUT" '"relaxed":null' "nothing said as relaxed when an article has every word"
run "$RA_QUERY" --db "$DB" --color=never alumni scrubs
like "$OUT" '1 article contains every word; 2 more contain some.' "text output tells the reader"
run "$RA_QUERY" --db "$DB" --format html alumni scrubs
like "$OUT" '<p class="note tiers">1 article contains every word; 2 more contain some.</p>' "and HTML"
run "$RA_QUERY" --db "$DB" --format json --rank tier_weight=0 alumni scrubs
is "$(json_ids "$OUT" | tr '\n' ' ')" "003_a318fcef9bca58db " "without tiers (--rank tier_weight=0) every word is required"
# U+FFFD (and invalid UTF-8, which becomes it) separates words, as the
# docs say: the words are relaxed like any others, not lost as one unit.
q "$DB" "$(printf 'alumni\357\277\275zzyzx')"
like "$OUT" '"dropped":["zzyzx"]' "U+FFFD separates words: the missing one is dropped"
q "$DB" "$(printf 'alumni\377zzyzx')"
like "$OUT" '"dropped":["zzyzx"]' "invalid UTF-8 separates words too"
# Unicode spaces split words as in indexed pages; a zero-width joiner inside
# a word is ignored, as the analyser ignores it in pages.
q "$DB" "$(printf 'alumni\302\240zzyzx')"
like "$OUT" '"dropped":["zzyzx"]' "a no-break space separates words"
q "$DB" "$(printf 'alu\342\200\215mni')"
unlike "$OUT" '"total_estimate":0,' "a zero-width joiner inside a word is ignored"
q "$DB" "post-match camaraderie"
like "$OUT" '"relaxed":"no article contains every word; those with the most of them come first"' "each word is in some article but none has both: said so"
like "$OUT" '"dropped":[]' "and nothing is named as in no article"
q "$DB" "alumni"
like "$OUT" '"relaxed":null' "nothing dropped when every word matches"

# ---- did you mean ---------------------------------------------------------
q "$DB" mentorsip
is "$RC" 1 "mentorsip matches nothing (exit 1)"
like "$OUT" '"suggestion":{"query":"mentorship","hits":' "did you mean: mentorship, with its hit count"
run "$RA_QUERY" --db "$DB" --color=never mentorsip
like "$OUT" "Did you mean: mentorship (" "text: Did you mean ... (N results)?"
q "$DB" mentorship
like "$OUT" '"suggestion":null' "no suggestion when the word is known"
q "$FDB" "title:stethoscpe"
like "$OUT" '"query":"title:stethoscope"' "a field scope is kept in the correction"

# ---- synonyms say what was added --------------------------------------------
q "$FDB" ehr
like "$OUT" '"expansions":[{"from":"ehr","to":"electronic health record"}]' "acronym expansion is reported"
run "$RA_QUERY" --db "$FDB" --color=never ehr
like "$OUT" "Also searched for: electronic health record (for ehr)" "text says what was added"
like "$OUT" "**electronic health record**" "an expansion phrase is highlighted as one span"
run "$RA_QUERY" --db "$FDB" --no-expand --format json ehr
is "$(json_ids "$OUT" | tr '\n' ' ')" "r06_acronym " "--no-expand: only the literal word"

# ---- highlights: stems, accents, phrases, title and tags --------------------
run "$RA_QUERY" --db "$FDB" --color=never mentor post-match cafe
like "$OUT" "**Post-Match**" "post-match highlighted as one span"
like "$OUT" "**café**" "cafe highlights café"
like "$OUT" "**mentoring**" "mentor highlights mentoring"
run "$RA_QUERY" --db "$FDB" --color=never tag:wellness night
like "$OUT" "tags: **Wellness**" "a tag: filter highlights the tag"
like "$OUT" "Surviving the **Night** Shift" "title words are highlighted"
# A stop word left out of ranking is not marked on its own; quoted, it is.
run "$RA_QUERY" --db "$FDB" --color=never the night shift
like "$OUT" "Surviving the **Night** **Shift**" "the is left out of ranking: not highlighted in the title"
unlike "$OUT" "**The**" "...nor in snippets"
unlike "$OUT" "**the**" "...in any case"
run "$RA_QUERY" --db "$FDB" --color=never '"the night shift"'
like "$OUT" "Surviving **the Night Shift**" "a quoted phrase keeps its stop word highlighted"
# A fragment chosen for its heading: JSON marks the heading's match (not the).
q "$DB" "the hierarchies"
if [ "$HAVE_PY" = 1 ]; then
  is "$(jget '[s["section"].encode()[a:b].decode() for h in d["hits"] for s in h["snippets"] if s["section"] for a, b in s["section_highlights"]]')" \
    "['Hierarchies']" "section_highlights mark the heading's match, not the stop word"
else
  skip_py "section_highlights"
fi
run "$RA_QUERY" --db "$FDB" --color=never bonus
like "$OUT" "[Q: How do I negotiate a signing **bonus**?]" "an FAQ match shows the question..."
like "$OUT" "Ask early and compare offers" "...with the start of its answer"
run "$RA_QUERY" --db "$FDB" --color=never stethoscope
like "$OUT" "[illustration]" "illustration text shown when it is the only match"
unlike "$OUT" "Related Articles" "footer text never appears"

# ---- near-duplicates ------------------------------------------------------------
q "$FDB" "night shift"
like "$OUT" '"id":"r01_night_adjacent"' "the duplicate group is shown once"
like "$OUT" '"similar":1' "with a similar count"

# ---- facets and --tags -------------------------------------------------------------
q "$DB" mentorship
like "$OUT" '{"tag":"Mentorship","folded":"mentorship","count":5}' "facets count tags over all matches"
run "$RA_QUERY" --db "$DB" --tags
is "$RC" 0 "--tags exits 0"
like "$OUT" "     5  Mentorship" "--tags lists a tag with its article count"
is "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" 16 "--tags lists all 16 tags"
run "$RA_QUERY" --db "$DB" --tags --format json
like "$OUT" '"kind":"tags"' "--tags --format json"

# ---- completion ---------------------------------------------------------------------
run "$RA_QUERY" --db "$DB" --complete residency ment
is "$RC" 0 "--complete exits 0"
is "$(printf '%s\n' "$OUT" | head -1 | cut -f1)" "residency mentorship" "completes the last word, most frequent first (ties: most used)"
run "$RA_QUERY" --db "$DB" --complete 'tag:"medical co'
like "$OUT" 'tag:"medical community"' "tag: values complete too"
run "$RA_QUERY" --db "$DB" --complete zzzq
is "$RC" 1 "no completion: exit 1"

# ---- related ------------------------------------------------------------------------
run "$RA_QUERY" --db "$FDB" --format json --related r06_acronym
is "$RC" 0 "--related exits 0"
is "$(json_ids "$OUT" | head -1)" r07_full_name "related: the article sharing words and a tag first"
unlike "$(json_ids "$OUT")" r06_acronym "related: never the article itself"
like "$OUT" '"kind":"related"' "related JSON says its kind"
run "$RA_QUERY" --db "$FDB" --related no-such-id
is "$RC" 1 "--related with an unknown id: exit 1"
like "$ERR" "no article with id 'no-such-id'" "and names the id"

# ---- explain --------------------------------------------------------------------------
run "$RA_QUERY" --db "$FDB" --color=never --explain stethoscope
like "$OUT" "explain: fields: title body" "--explain names the matched fields"
like "$OUT" "Zstethoscop  [stem] wdf" "--explain lists the terms with wdf and score part"
# Two words are re-ranked by proximity: the terms are still the query's.
run "$RA_QUERY" --db "$DB" --color=never --explain -n 1 residency networking
like "$OUT" "Zresid  [stem] wdf" "--explain of a re-ranked query lists the stems"
like "$OUT" "residency  [exact form] wdf" "and the exact forms"
run "$RA_QUERY" --db "$FDB" --color=never --explain night shift
like "$OUT" "tier: 2 of 2 words (ranked above fewer" "--explain itemises the tier of a short query"
like "$OUT" "tier: 1 of 2 words" "... and of a hit holding fewer words"
like "$OUT" "proximity: +" "... and the proximity boost of the words side by side"
run "$RA_QUERY" --db "$FDB" --format json --explain -n 1 night shift
like "$OUT" '"tier":{"words":2,"of":2,"weight":10000' "JSON: the tier in explain"
GEN="$(dirname "$RA_INDEX")/../bench/gen_corpus"
if [ -x "$GEN" ]; then
  # Feedback needs a long query and an index of 200 articles or more.
  "$GEN" -q --count 220 --seed 5 --out "$T_TMP/gen"
  "$RA_INDEX" --quiet --db "$T_TMP/gdb" "$T_TMP/gen"
  run "$RA_QUERY" --db "$T_TMP/gdb" --color=never --explain -n 1 mentorship networking residency interview wellness
  like "$OUT" "[feedback] wdf" "--explain lists the feedback terms of a long query"
else
  ok 0 "# SKIP bench/gen_corpus not built"
fi

# ---- paging and limits ------------------------------------------------------------------
q "$DB" mentorship
like "$OUT" '"per_page":10' "JSON carries per_page"
run "$RA_QUERY" --db "$DB" --format json --per-page 2 --page 2 mentorship
like "$OUT" '"page":2' "JSON carries the page"
is "$(json_ids "$OUT" | wc -l | tr -d ' ')" 2 "page 2 of 2 per page"
run "$RA_QUERY" --db "$DB" --color=never --page 9 mentorship
is "$RC" 1 "a page beyond the last: exit 1"
like "$OUT" "page 9 is past the last page" "and says so"

# ---- bad input: clear message, documented exit status, never a crash --------------------
run "$RA_QUERY" --db "$DB" ""
is "$RC" 2 "empty query: exit 2"; like "$ERR" "no searchable words" "empty query: says why"
run "$RA_QUERY" --db "$DB" the of and
is "$RC" 2 "only stop words: exit 2"; like "$ERR" "only very common words" "stop words: says why"
run "$RA_QUERY" --db "$DB" -- '*'
is "$RC" 2 "a lone *: exit 2"
run "$RA_QUERY" --db "$DB" "$(head -c 10240 /dev/zero | tr '\0' 'x')"
is "$RC" 2 "10 KB query: exit 2"; like "$ERR" "4096" "10 KB query: names the limit"
run "$RA_QUERY" --db "$DB" --format json "$(printf 'alumni \377\376 caf\303')"
is "$RC" 0 "invalid UTF-8 is answered"
like "$OUT" '"notes":"invalid UTF-8' "and noted"
run "$RA_QUERY" --db "$DB" tag:nosuchtag
is "$RC" 1 "a tag that does not exist: exit 1"
like "$OUT" "No article has tag:nosuchtag" "and says which tag"
run "$RA_QUERY" --db "$DB" --format json '(alumni OR "scrubs'
is "$RC" 0 "broken syntax is answered as plain words"
like "$OUT" '"fallback":true' "JSON marks the fallback"
like "$OUT" 'read as plain words' "and the note says so"
run "$RA_QUERY" --db "$DB" -- 'a* b* c* d* e* f* g* h* i* j* k* l* m* n* o* p* q* r* s* t*'
ok $([ "$RC" -le 1 ] && echo 0 || echo 1) "20 wide prefixes are answered (expansion capped)"
big=$(i=0; while [ $i -lt 60 ]; do printf 'w%d OR ' $i; i=$((i+1)); done; printf 'mentor')
run "$RA_QUERY" --db "$DB" -- "$big"
ok $([ "$RC" -le 1 ] && echo 0 || echo 1) "a 61-way OR is answered"
run "$RA_QUERY" --db "$DB" --tags extra
is "$RC" 2 "--tags with words: exit 2"

# ---- the JSON schema (docs/json-schema.md) -------------------------------------------------
if [ $HAVE_PY = 1 ]; then
  run "$RA_QUERY" --db "$FDB" --format json --explain night shift
  printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
top = {"schema": int, "kind": str, "query": str, "revision": int, "generation": str,
       "total_estimate": int, "page": int, "per_page": int, "past_end": bool,
       "relaxed": (str, type(None)), "dropped": list, "notes": (str, type(None)),
       "fallback": bool, "expansions": list, "suggestion": (dict, type(None)),
       "unknown_tag": (str, type(None)), "facets": list, "facet_docs": int, "hits": list,
       "cut_short": (str, type(None)), "partial": bool, "missing_shards": list,
       "tiers": (dict, type(None))}
hit = {"rank": int, "id": str, "title": str, "title_highlights": list, "url": (str, type(None)),
       "category": (str, type(None)), "tags": list, "tag_highlights": list, "score": float,
       "percent": int, "similar": int, "snippets": list, "snippet": (str, type(None)),
       "explain": dict, "words": (int, type(None))}
snip = {"text": str, "section": (str, type(None)), "section_highlights": list,
        "highlights": list, "cut_before": bool, "cut_after": bool, "faq": bool,
        "illustration": bool}
bad = []
def check(obj, spec, where):
    for k, t in spec.items():
        if k not in obj: bad.append(where + ": missing " + k)
        elif not isinstance(obj[k], t): bad.append(where + ": " + k + " has type " + type(obj[k]).__name__)
    for k in obj:
        if k not in spec: bad.append(where + ": undocumented " + k)
check(d, top, "top")
if d["schema"] != 2: bad.append("schema != 2")
for h in d["hits"]:
    check(h, hit, "hit")
    for s in h["snippets"]:
        check(s, snip, "snippet")
        b = s["text"].encode()
        for a, e in s["highlights"]:
            if not (0 <= a < e <= len(b)): bad.append("highlight out of range")
    for t, hl in zip(h["tags"], h["tag_highlights"]):
        for a, e in hl:
            if not (0 <= a < e <= len(t.encode())): bad.append("tag highlight out of range")
for x in bad[:10]: print("#", x)
sys.exit(1 if bad else 0)'
  ok $? "JSON has exactly the documented fields and types; offsets are in range"
else
  skip_py "JSON schema"
fi

# ---- a prefix scores as its words; re-ranked percentages ------------------
# Five articles say "mentor" twice, one says the rarer "mentee" once.  As
# a synonym, ment* was one word in every article (idf near 0, and on a
# large corpus exactly 0) and the most repeated came first; as an OR of
# its words, the rare form ranks its article first.
PDB="$T_TMP/pdb"
mkdir -p "$T_TMP/pfx"
for i in 1 2 3 4 5 6; do
  body="A mentor meets residents weekly; the mentor listens."
  [ "$i" = 4 ] && body="A mentee meets residents weekly."
  printf '{"id":"p%s","title":"Page %s","body":"%s"}\n' "$i" "$i" "$body"
done >"$T_TMP/pfx/pages.jsonl"
run "$RA_INDEX" --quiet --db "$PDB" "$T_TMP/pfx"; is "$RC" 0 "prefix pages indexed"
q "$PDB" "ment*"
is "$(json_ids "$OUT" | head -1)" p4 "ment*: the article with the rarer form mentee ranks first"
if [ "$HAVE_PY" = 1 ]; then
  is "$(jget 'd["hits"][0]["score"] > 0')" True "ment*: the best hit scores above 0"
  # A two-word query is re-ranked by proximity: percentages stay within
  # 1..100 and never rise down the list (page 2 continues page 1).
  for page in 1 2; do
    run "$RA_QUERY" --db "$DB" --format json --per-page 3 --page $page -- residency networking
    is "$(jget 'all(1 <= h["percent"] <= 100 for h in d["hits"]) and all(a["percent"] >= b["percent"] and a["score"] >= b["score"] for a, b in zip(d["hits"], d["hits"][1:]))')" \
      True "re-ranked page $page: percentages in 1..100, falling with the score"
    [ $page = 1 ] && last1=$(jget 'd["hits"][-1]["percent"]')
    [ $page = 2 ] && ok "$([ "$(jget 'd["hits"][0]["percent"]')" -le "$last1" ]; echo $?)" \
      "page 2 starts at or below page 1's last percentage"
  done
else
  skip_py "prefix score"; skip_py "percentages"
fi

done_testing
