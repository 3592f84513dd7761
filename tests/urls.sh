#!/bin/sh
# urls.sh - every hit links somewhere: urls.tsv (good and bad lines named
# by file and line), --url-template slugs (Unicode, long titles,
# punctuation), JSON Lines "url", a changed mapping updating (not
# rebuilding) the articles it moves; the URL in text, JSON and HTML
# results; the article view (ra-query --article, ra-cgi ?article=) in text,
# JSON and HTML, with its 404, ETag and 304, and every byte escaped.
. "${RA_SRCDIR:-..}/tests/lib.sh"
: "${RA_CGI:=$RA_SRCDIR/build/query/ra-cgi}"
C="$T_TMP/corpus"; DB="$T_TMP/db"; J="$T_TMP/jsonl"; JDB="$T_TMP/jdb"
mkdir -p "$C" "$J"; cp "$CORPUS"/*.txt "$C"/
A=000_f98e010c7e6657bf; B=001_32d40953c92d2718
TPL='https://site.test/{category_slug}/{slug}/'
# url_of ID: the "url" of ID in the last JSON answer ("null" when none)
url_of() { printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(*[h["url"] if h["url"] else "null" for h in d["hits"] if h["id"]==sys.argv[1]])' "$1"; }
qj() { run "$RA_QUERY" --db "${QDB:-$DB}" --format json --count 20 "$@"; }

# ---- urls.tsv ----------------------------------------------------------------
printf '%s\thttps://example.com/a\n' "$A" > "$C/urls.tsv"
printf '  %s.txt \t https://example.com/b?x=1&y=2 \n' "$B" >> "$C/urls.tsv"   # spaces around the fields
printf '# a comment\n\n' >> "$C/urls.tsv"
printf '002_f7ec2a6eb3000eca\tftp://example.com/x\n' >> "$C/urls.tsv"          # line 5
printf 'no_such_article\thttps://example.com/z\n' >> "$C/urls.tsv"            # line 6
printf '003_a318fcef9bca58db\thttps://example.com/\001x\n' >> "$C/urls.tsv"   # line 7
printf 'just-an-id\n' >> "$C/urls.tsv"                                        # line 8
printf '004_5de6917610b7df12\tjavascript:alert(1)\n' >> "$C/urls.tsv"         # line 9
printf '%s\thttps://example.com/again\n' "$A" >> "$C/urls.tsv"                # line 10
run "$RA_INDEX" --db "$DB" --stats-json "$T_TMP/stats.json" "$C"
is "$RC" 3 "bad urls.tsv lines: exit 3 (the rest indexes)"
like "$ERR" "urls.tsv:5: not an absolute http:// or https:// URL; line skipped" "ftp: named by file and line"
like "$ERR" "urls.tsv:6: no article has id \"no_such_article\"; line skipped" "unknown id named by file and line"
like "$ERR" "urls.tsv:7: control character in the URL; line skipped" "control character named"
like "$ERR" "urls.tsv:8: no tab" "a line without a tab named"
like "$ERR" "urls.tsv:9: not an absolute http:// or https:// URL" "javascript: refused"
like "$ERR" "urls.tsv:10: id \"$A\" is mapped already" "a second line for one id named"
like "$ERR" "rebuild: 5 added" "every article is indexed"
like "$(cat "$T_TMP/stats.json")" '"url_errors": 6' "--stats-json counts the bad URL lines"
qj residency
is "$(url_of $A)" "https://example.com/a" "an id maps to its URL"
is "$(url_of $B)" "https://example.com/b?x=1&y=2" "a file name maps to its page's URL"
run "$RA_QUERY" --db "$DB" --format json --article 002_f7ec2a6eb3000eca
like "$OUT" '"url":null' "a skipped line leaves the article without one"
run "$RA_QUERY" --db "$DB" --color never residency
like "$OUT" "   url: https://example.com/a" "text results show the URL"

# ---- a changed mapping is an update ------------------------------------------
printf '%s\thttps://example.com/a2\n%s.txt\thttps://example.com/b?x=1&y=2\n' "$A" "$B" > "$C/urls.tsv"
run "$RA_INDEX" --db "$DB" -v "$C"
is "$RC" 0 "the fixed urls.tsv indexes cleanly"
like "$ERR" "update: 0 added, 1 updated, 0 removed, 4 unchanged" "one URL changed: an update of that article"
like "$ERR" "$A.txt: updated" "the article whose URL changed is re-stored"
qj residency; is "$(url_of $A)" "https://example.com/a2" "it has the new URL"
run "$RA_INDEX" --db "$DB" "$C"
like "$ERR" "nothing to write" "the same mapping again: nothing to write"
rm "$C/urls.tsv"
run "$RA_INDEX" --db "$DB" "$C"
like "$ERR" "update: 0 added, 2 updated, 0 removed, 3 unchanged" "mapping removed: an update"
qj residency; is "$(url_of $A)" "null" "the URL is gone"

# ---- --url-template ------------------------------------------------------------
run "$RA_INDEX" --db "$DB" --url-template "$TPL" "$C"
is "$RC" 0 "a template: indexed"
like "$ERR" "update: 0 added, 5 updated" "a template over every article: each re-stored"
qj residency
is "$(url_of 003_a318fcef9bca58db)" "https://site.test/how-to-choose-the-right-residency-program/how-to-leverage-networking-when-selecting-your-residency-program/" "{category_slug}/{slug}"
is "$(url_of 004_5de6917610b7df12)" "https://site.test/post-match-options/the-importance-of-networking-post-match-building-connections-for-future/" "a long title's slug is cut at a '-' within 80 bytes"
printf '%s\thttps://example.com/mapped\n' "$A" > "$C/urls.tsv"
run "$RA_INDEX" --db "$DB" --url-template "$TPL" "$C"
like "$ERR" "update: 0 added, 1 updated" "urls.tsv over the template: an update of one article"
qj residency; is "$(url_of $A)" "https://example.com/mapped" "urls.tsv wins over the template"
for bad in 'https://x/{foo}' 'ftp://x/{id}' 'https://x/{id' 'https://x/ {id}' 'https://x/}'; do
  run "$RA_INDEX" --db "$DB" --url-template "$bad" "$C"
  is "$RC" 2 "--url-template '$bad': usage error"
done
like "$ERR" "--url-template" "and the message names the option"

# Slugs: Unicode folded to ASCII, punctuation runs one '-', empty titles
# fall back to the id; JSON Lines: its own url first, a bad one named.
cat > "$J/a.jsonl" <<'EOF'
{"id":"u1","title":"Café Straße — Ørsted's “Guide” ﬁx Cafe\u0301 日本","body":"Unicode text here."}
{"id":"u2","title":"A very long title that goes on and on about residency networking and mentorship for medical students everywhere","body":"Long title text here."}
{"id":"u3","title":"!!! ... ???","body":"Punctuation title text here.","category":"Ünïcode & Stuff"}
{"id":"u4","title":"Own url","body":"Own text here.","url":"https://own.example/u4"}
{"id":"u5","title":"Bad own url","body":"Bad text here.","url":"javascript:alert(1)"}
{"id":"u6","title":"No url","body":"Plain text here.","url":""}
EOF
run "$RA_INDEX" --db "$JDB" --url-template 'https://s.test/{category_slug}/{slug}' "$J"
is "$RC" 3 "a bad JSON Lines url: exit 3"
like "$ERR" "a.jsonl:5: u5: url ignored: not an absolute http:// or https:// URL" "named by file and line"
like "$ERR" "6 added" "every record is indexed"
QDB=$JDB qj text
is "$(url_of u1)" "https://s.test/cafe-strasse-orsted-s-guide-fix-cafe" "Unicode: accents folded, ß ø spelled, other scripts dropped"
is "$(url_of u2)" "https://s.test/a-very-long-title-that-goes-on-and-on-about-residency-networking-and-mentorship" "at most 80 bytes, cut at a '-'"
is "$(url_of u3)" "https://s.test/unicode-stuff/u3" "punctuation-only title: the id; a category slug"
is "$(url_of u4)" "https://own.example/u4" "a record's own url comes first"
is "$(url_of u5)" "https://s.test/bad-own-url" "a refused own url gives way to the template"
is "$(url_of u6)" "https://s.test/no-url" "an empty url is none"

# --shards: a bad line named once, an unknown id by its own shard only.
printf '%s\thttps://example.com/s\nbad line\nzzz\thttps://x.test/\n' "$A" > "$C/urls.tsv"
run "$RA_INDEX" --db "$T_TMP/sdb" --shards 2 "$C"
is "$RC" 3 "--shards with bad urls.tsv lines: exit 3"
is "$(printf '%s\n' "$ERR" | grep -c 'urls.tsv:2: no tab')" 1 "--shards: a bad line is named once"
is "$(printf '%s\n' "$ERR" | grep -c 'no article has id "zzz"')" 1 "--shards: an unknown id is named once"
QDB=$T_TMP/sdb/cluster qj residency; is "$(url_of $A)" "https://example.com/s" "a cluster's hits carry the URL"
run "$RA_QUERY" --db "$T_TMP/sdb/cluster" --format json --article "$A" networking
like "$OUT" '"url":"https://example.com/s"' "the article view over a cluster"

# ---- results link to the article or its view ------------------------------------
run "$RA_QUERY" --db "$DB" --format html residency
like "$OUT" "<a href=\"https://example.com/mapped\">" "HTML: a title links to its site URL"
like "$OUT" "href=\"search?article=$A&amp;q=residency&amp;format=html\">Where it matches" "and the view stays reachable"
rm "$C/urls.tsv"; run "$RA_INDEX" --db "$DB" --rebuild "$C"
run "$RA_QUERY" --db "$DB" --format html residency
like "$OUT" "<h2><a href=\"search?article=$A&amp;q=residency&amp;format=html\">" "no site URL: the title opens the article view"

# ---- ra-query --article ---------------------------------------------------------
run "$RA_QUERY" --db "$DB" --color never --article "$A" networking
is "$RC" 0 "--article: exit 0"
like "$OUT" "Creating a Supportive Community: The Power of Residency **Networks**" "the title, its match marked"
like "$OUT" "## The Importance of Residency **Networks**" "section headings, marked"
like "$OUT" "Q: How can I start building my residency **network**?" "the FAQ as questions"
like "$OUT" "[illustration] " "illustration descriptions set apart"
like "$OUT" "Related articles:" "related articles at the bottom"
like "$OUT" "matches)" "the number of matches"
run "$RA_QUERY" --db "$DB" --color never --article "$A" title:networking
like "$OUT" "Residency **Networks**" "title:networking marks the title"
like "$OUT" "query: title:networking (1 match)" "... and nothing else (title: searches titles)"
unlike "$OUT" "## The Importance of Residency **Networks**" "... not the headings"
run "$RA_QUERY" --db "$DB" --article "$A"
is "$RC" 0 "--article without words: exit 0"
unlike "$OUT" "**" "and nothing marked"
run "$RA_QUERY" --db "$DB" --article no_such_id
is "$RC" 1 "--article with an unknown id: exit 1 (as --related)"
like "$ERR" "no article with id 'no_such_id'" "and the message names it"
run "$RA_QUERY" --db "$DB" --article ""
is "$RC" 2 "--article with an empty id: usage"
run "$RA_QUERY" --db "$DB" --format json --article "$A" networking
like "$OUT" '"kind":"article"' "JSON: kind article"
J1=$(printf '%s' "$OUT" | python3 -c '
import json,sys; d=json.load(sys.stdin)
s=d["sections"][1]; h=s["heading_highlights"][0]
print(d["id"], d["matches"]>10, s["heading"][h[0]:h[1]], len(d["faqs"])>0, len(d["illustrations"])>0, len(d["related"])>0, d["title_highlights"]!=[])')
is "$J1" "$A True Networks True True True True" "JSON: sections, highlights as byte ranges, FAQ, illustrations, related"
run "$RA_QUERY" --db "$DB" --format html --article "$A" networking
like "$OUT" '<mark id="m1">Networks</mark><a class="next" href="#m2"' "HTML: numbered matches, each linking on to the next"
like "$OUT" '<a href="#m1">first match</a>' "HTML: a link to the first match"
like "$OUT" 'href="search?tag=Mentorship&amp;format=html"' "HTML: each tag a link to its search"
like "$OUT" '<section class="faq">' "HTML: the FAQ"
like "$OUT" '<aside class="illustrations"' "HTML: illustrations set apart"
like "$OUT" '<nav class="related"' "HTML: related articles"
N=$(printf '%s' "$OUT" | grep -o '<mark id="m[0-9]*"' | wc -l | tr -d ' ')
LAST=$(printf '%s' "$OUT" | grep -o "<mark id=\"m$N\">[^<]*</mark><a class=\"next\" href=\"#m[0-9]*\"" | sed 's/.*href="#//; s/"$//')
is "$LAST" "m1" "the last match links back to the first ($N matches)"
# A match in the category: the category is a link, and a link inside a
# link is no HTML (a browser closes the outer one early): the link on to
# the next match follows the category's own.
run "$RA_QUERY" --db "$DB" --format html --article "$A" 'residency life'
like "$OUT" '<mark id="m3">Life</mark></a><a class="next" href="#m4"' "HTML: a matched category links on after its own link"
CATLINK=$(printf '%s\n' "$OUT" | grep -o '<a class="category"[^>]*>.*' | sed 's,^<a [^>]*>,,; s,</a>.*,,')
like "$CATLINK" '<mark id="m2">' "HTML: the category's matches are numbered"
unlike "$CATLINK" '<a ' "HTML: no link nested in the category link"
N=$(printf '%s' "$OUT" | grep -o '<mark id="m[0-9]*"' | wc -l | tr -d ' ')
NEXTS=$(printf '%s' "$OUT" | grep -o '<a class="next" href="#m[0-9]*"' | sed 's/.*#m//; s/"$//' | sort -n | tr '\n' ' ')
is "$NEXTS" "1 2 $(seq 4 "$N" | tr '\n' ' ')" "HTML: each link on leads to a match, m3 reached from the category's link ($N matches)"

# ---- hostile bytes in an article ------------------------------------------------
cat > "$J/h.jsonl" <<'EOF'
{"id":"evil","title":"<script>alert(1)</script> \"quoted\" & 'single'","body":"Body <img src=x onerror=alert(2)> text \u0007 bell \u202e reversed","tags":["<b>tag</b>"],"category":"<i>cat</i>","url":"https://e.test/?a=<x>"}
{"id":"untitled","title":"","body":"Zebu grazing notes from the field.","tags":["Zebu"]}
{"id":"ethics_fr","title":"Consent and ethics","body":"Ethics of consent.","tags":["Éthique Médicale","Consent Forms"]}
{"id":"quoted_tag","title":"Quokka interviews","body":"Quokka interviews in the match season.","tags":["Say \"Hi\" Now","Back\\slash"],"category":"The \"Best\" Picks"}
EOF
run "$RA_INDEX" --db "$JDB" "$J"
run "$RA_QUERY" --db "$JDB" --format html --article evil 'script img'
unlike "$OUT" "<script>" "HTML view: no raw <script>"
unlike "$OUT" "<img" "HTML view: no raw <img"
unlike "$OUT" "<b>tag" "HTML view: tags escaped"
unlike "$OUT" "$(printf '\342\200\256')" "HTML view: bidi control replaced"
like "$OUT" "&lt;script&gt;" "HTML view: the title escaped"
run "$RA_QUERY" --db "$JDB" --color never --article evil
unlike "$OUT" "$(printf '\007')" "text view: control characters replaced"


# ---- ra-cgi ?article= -------------------------------------------------------------
cgi() {
  env REQUEST_METHOD=GET QUERY_STRING="$1" SCRIPT_NAME=/search \
    ${INM:+HTTP_IF_NONE_MATCH="$INM"} RASEARCH_DB="$DB" \
    "$RA_CGI" >"$T_TMP/resp" 2>"$T_TMP/cgi.err"
  HEAD=$(sed '/^\r$/q' "$T_TMP/resp" | tr -d '\r')
  BODY=$(sed '1,/^\r$/d' "$T_TMP/resp")
  STATUS=$(printf '%s\n' "$HEAD" | sed -n 's/^Status: \([0-9]*\).*/\1/p')
}
hdr() { printf '%s\n' "$HEAD" | sed -n "s/^$1: //p"; }
cgi "article=$A&q=networking&format=html"
is "$STATUS" 200 "?article=ID&q=...: 200"
like "$(hdr Content-Type)" "text/html" "HTML"
like "$BODY" '<mark id="m1">' "with the matches marked"
like "$BODY" 'href="/search?tag=' "tag links go to the endpoint"
ETAG=$(hdr ETag); like "$(hdr Cache-Control)" "max-age=60" "cached as searches are"
like "$ETAG" '"gen-' "with an ETag"
INM=$ETAG cgi "article=$A&q=networking&format=html"; is "$STATUS" 304 "If-None-Match: 304"
cgi "article=$A&format=json"
is "$STATUS" 200 "format=json: 200"
like "$BODY" '"kind":"article"' "the JSON view"
cgi "article=no_such_id"
is "$STATUS" 404 "an unknown id: 404"
like "$BODY" '"parameter":"article"' "naming the parameter"
cgi "article=no_such_id&format=html"
is "$STATUS" 404 "an unknown id in HTML: 404"
cgi "article=../etc&format=json"
is "$STATUS" 400 "an id outside the id grammar: 400"
cgi "article=$A&related=$A"
is "$STATUS" 400 "article with related: 400"
cgi "q=residency&format=html"
like "$BODY" "<h2><a href=\"/search?article=$A&amp;q=residency&amp;format=html\">" "the HTML results link titles to the view"
# The view remembers the search it was opened from: filters and page.
cgi "q=residency&tag=Mentorship&per_page=1&page=2&format=html"
like "$BODY" "&amp;q=residency&amp;tag=Mentorship&amp;page=2&amp;per_page=1&amp;format=html\">" \
  "a filtered second page links the view with its tag and page"
cgi "article=$A&q=residency&tag=Mentorship&per_page=1&page=2&format=html"
is "$STATUS" 200 "the view with the search's tag and page: 200"
like "$BODY" "href=\"/search?q=residency&amp;tag=Mentorship&amp;page=2&amp;per_page=1&amp;format=html\">back to the results" \
  "its way back is to the same page of the same results"
cgi "article=$A&category=Career%20Advice&format=html"
like "$BODY" "href=\"/search?category=Career+Advice&amp;format=html\">back to the results" \
  "from a filter alone too"
cgi "article=$A&format=html"
unlike "$BODY" "back to the results" "opened from nowhere: no way back to offer"

# ---- a tag or category holding quotes: its links work ---------------------------
# In the query language a quoted value takes \" and \\; the endpoint's
# tag= and category= take any text and escape it so.
run "$RA_QUERY" --db "$JDB" --format json 'tag:"say \"hi\" now"'
like "$OUT" '"id":"quoted_tag"' 'tag:"say \"hi\" now" finds the tag Say "Hi" Now'
run "$RA_QUERY" --db "$JDB" --format json 'quokka tag:"back\\slash"'
like "$OUT" '"id":"quoted_tag"' 'tag:"back\\slash" finds the tag Back\slash'
run "$RA_QUERY" --db "$JDB" --complete 'tag:"say'
like "$OUT" 'tag:"say \"hi\" now"' "a tag completes quoted and escaped"
run "$RA_QUERY" --db "$JDB" --format json "$(printf '%s\n' "$OUT" | cut -f1 | head -1)"
like "$OUT" '"id":"quoted_tag"' "... and the completion finds its article"
# An article with a blank title is shown by its id: its link has text.
run "$RA_QUERY" --db "$JDB" --format html zebu
like "$OUT" '&amp;format=html">untitled</a></h2>' "HTML results: a blank title links as the id"
run "$RA_QUERY" --db "$JDB" --color never zebu
like "$OUT" "1. untitled" "text results: so it is listed"
run "$RA_QUERY" --db "$JDB" --format html --article untitled zebu
like "$OUT" "<title>untitled" "HTML view: the page title is the id"
like "$OUT" '<h2 class="title">untitled</h2>' "... and its heading"

# A query matching only a tag: the view says so (tag marks are links, not
# numbered matches).
run "$RA_QUERY" --db "$JDB" --color never --article quoted_tag hi
like "$OUT" "query: hi (in its tags only)" "text view: a match in the tags only is said"
run "$RA_QUERY" --db "$JDB" --format html --article quoted_tag hi
like "$OUT" "<q>hi</q> matches only its tags" "HTML view: so is it"
unlike "$OUT" "No word of" "... not that no word appears"
SAVE_DB=$DB; DB=$JDB
cgi "article=quoted_tag&format=html"
TAGHREF=$(printf '%s\n' "$BODY" | grep -o 'href="/search?tag=Say[^"]*"' | head -1 | sed 's/^href="\/search?//; s/"$//; s/&amp;/\&/g')
CATHREF=$(printf '%s\n' "$BODY" | grep -o '<a class="category" href="/search?[^"]*"' | sed 's/.*href="\/search?//; s/"$//; s/&amp;/\&/g')
cgi "$TAGHREF"
is "$STATUS" 200 "the view's chip for Say \"Hi\" Now: 200 ($TAGHREF)"
like "$BODY" "article=quoted_tag" "... listing its article"
cgi "$CATHREF"
is "$STATUS" 200 "the view's category link for The \"Best\" Picks: 200 ($CATHREF)"
like "$BODY" "article=quoted_tag" "... listing its article"
# A tag filter spelt without its accents is still the active filter: the
# hit's chip removes it, and it is not offered again.
cgi "q=ethics&tag=ethique+medicale&format=html"
like "$BODY" '<a class="chip active" href="/search?q=ethics&amp;format=html"><mark>Éthique Médicale</mark>' \
  "tag=ethique medicale: the hit's chip Éthique Médicale is active, its link removes the filter"
unlike "$BODY" 'tag=ethique+medicale&amp;tag=%C3%89thique' "... and no link adds it a second time"
cgi "tag=Back%5Cslash&q=quokka&format=json"
like "$BODY" '"id":"quoted_tag"' "tag=Back\\slash finds it"
DB=$SAVE_DB

done_testing
