#!/bin/sh
# cgi.sh - the web endpoint without a web server: ra-cgi run as a CGI
# program with CGI meta-variables in its environment.  Status codes,
# headers, parameters, limits, both formats, one JSON schema for every
# body, completion and related articles, the reader features (facets, did
# you mean, relaxation, expansion, "N similar") in JSON and HTML, escaping,
# and a rebuild seen by the next request.  (tests/cgi_lighttpd.sh does it through lighttpd.)
. "${RA_SRCDIR:-..}/tests/lib.sh"
: "${RA_CGI:=$RA_SRCDIR/build/query/ra-cgi}"
DB="$T_TMP/db"

# cgi [METHOD] QUERY_STRING: sets HEAD (headers), BODY, STATUS
cgi() {
  m=GET; [ $# -gt 1 ] && { m=$1; shift; }
  env REQUEST_METHOD="$m" QUERY_STRING="$1" SCRIPT_NAME=/search \
    ${INM:+HTTP_IF_NONE_MATCH="$INM"} RASEARCH_DB="${CGI_DB:-$DB}" \
    "$RA_CGI" >"$T_TMP/resp" 2>"$T_TMP/cgi.err"
  RC=$?
  HEAD=$(sed '/^\r$/q' "$T_TMP/resp" | tr -d '\r')
  BODY=$(sed '1,/^\r$/d' "$T_TMP/resp")
  STATUS=$(printf '%s\n' "$HEAD" | sed -n 's/^Status: \([0-9]*\).*/\1/p')
}
hdr() { printf '%s\n' "$HEAD" | sed -n "s/^$1: //p"; }

run "$RA_CGI" --help; is "$RC" 0 "ra-cgi --help exits 0"; like "$OUT" "RASEARCH_DB" "and names RASEARCH_DB"
run "$RA_CGI"; is "$RC" 2 "ra-cgi outside a web server: exit 2"; like "$ERR" "REQUEST_METHOD" "and says why"
# Under a FastCGI manager (stdin a listening socket) a bad RA_CACHE_MB is
# refused at start, by name, before any request.
fcgi_start() {
  RA_CACHE_MB="$1" python3 - "$RA_CGI" "$T_TMP/fcgi.sock" <<'PY'
import os, socket, subprocess, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[2]); s.listen(1)
try:
    p = subprocess.run([sys.argv[1]], stdin=s.fileno(), capture_output=True, timeout=3)
    sys.stdout.write("exit %d %s" % (p.returncode, p.stderr.decode(errors="replace")))
except subprocess.TimeoutExpired:
    sys.stdout.write("running")
PY
  rm -f "$T_TMP/fcgi.sock"
}
if command -v python3 >/dev/null 2>&1; then
  r=$(fcgi_start lots); like "$r" "exit 2" "FastCGI: RA_CACHE_MB=lots exits 2"; like "$r" "RA_CACHE_MB=lots" "and names the variable"
  r=$(fcgi_start 99999999); like "$r" "exit 2" "FastCGI: RA_CACHE_MB beyond 65536 exits 2"
  r=$(fcgi_start 0); is "$r" "running" "FastCGI: RA_CACHE_MB=0 (no cache) starts and waits for requests"
fi

# A plain CGI process checks RA_CACHE_MB too: the same message and exit 2.
for v in abc -1 99999999 99999999999999999999999 ' 5' 5x; do
  RA_CACHE_MB="$v" cgi 'q=mentorship'
  is "$RC" 2 "CGI: RA_CACHE_MB='$v' exits 2"
  like "$(cat "$T_TMP/cgi.err")" "RA_CACHE_MB=$v: not a number of megabytes (0-65536)" "... naming the variable"
done
RA_CACHE_MB=0 cgi 'q=mentorship'; is "$STATUS" 503 "CGI: RA_CACHE_MB=0 is accepted (and the request answered)"
RA_CACHE_MB= cgi 'q=mentorship'; is "$STATUS" 503 "CGI: an empty RA_CACHE_MB is the default"

cgi 'q=mentorship'
is "$STATUS" 503 "no index yet: 503"
like "$BODY" '"status":503' "503 has a JSON body"
is "$(hdr Cache-Control)" "no-store" "errors are not cached"

run "$RA_INDEX" --quiet --db "$DB" "$CORPUS"; is "$RC" 0 "index built"

# A damaged index (published but unreadable) is a 503 that says it must be
# rebuilt, not "try again"; no index at all stays "try again".
cp -R "$DB" "$T_TMP/dmg"
for t in "$T_TMP"/dmg/gen-*/postlist.glass; do : > "$t"; done
CGI_DB="$T_TMP/dmg"
cgi 'q=mentorship'; is "$STATUS" 503 "truncated table: 503"
like "$BODY" '"message":"the search index is damaged and cannot be read; it must be rebuilt (ra-index --rebuild)"' "503 says the index is damaged and to rebuild it"
is "$(hdr Retry-After)" 30 "damaged: Retry-After"
like "$(cat "$T_TMP/cgi.err")" "index damaged" "the log has the details"
cgi 'q=mentorship&format=html'; is "$STATUS" 503 "truncated table (HTML): 503"
like "$BODY" "ra-index --rebuild" "HTML 503 says to rebuild"
mkdir -p "$T_TMP/dmg2"; echo "glass gen-000042" > "$T_TMP/dmg2/XAPIANDB"
CGI_DB="$T_TMP/dmg2"
cgi 'q=mentorship'; is "$STATUS" 503 "stub naming a missing generation: 503"
like "$BODY" "must be rebuilt (ra-index --rebuild)" "and says to rebuild"
mkdir -p "$T_TMP/nodb"; CGI_DB="$T_TMP/nodb"
cgi 'q=mentorship'; is "$STATUS" 503 "nothing published: 503"
unlike "$BODY" "rebuilt" "nothing published is not called damaged"
CGI_DB=
run "$RA_INDEX" --quiet --db "$T_TMP/dmg" "$CORPUS"; is "$RC" 0 "ra-index rebuilds over the damaged index"
CGI_DB="$T_TMP/dmg"; cgi 'q=mentorship'; is "$STATUS" 200 "then it answers 200"; CGI_DB=

# An answer that cannot be written (CGI: stdout) is exit 5 with a message.
if [ -w /dev/full ]; then
  for qs in 'q=mentorship' 'page=0'; do
    env REQUEST_METHOD=GET QUERY_STRING="$qs" RASEARCH_DB="$DB" "$RA_CGI" >/dev/full 2>"$T_TMP/cgi.err"
    is "$?" 5 "CGI answer ($qs) to /dev/full: exit 5"
    like "$(cat "$T_TMP/cgi.err")" "writing the answer to stdout failed" "and says so"
  done
fi

cgi 'q=mentorship'
is "$STATUS" 200 "GET q=mentorship: 200"
is "$(hdr Content-Type)" "application/json; charset=utf-8" "JSON content type with charset"
is "$(hdr X-Content-Type-Options)" nosniff "nosniff"
is "$(hdr Referrer-Policy)" no-referrer "Referrer-Policy"
like "$(hdr Cache-Control)" "max-age" "Cache-Control on 200"
ETAG=$(hdr ETag)
like "$ETAG" '"gen-' "ETag names the index generation"
like "$BODY" '"schema":' "JSON schema version"
like "$BODY" '"total_estimate":' "total estimate"
like "$BODY" '"highlights":[[' "snippets carry highlight offsets"
like "$BODY" '"section":' "snippets carry their section"
is "$(hdr Content-Length)" "$(($(printf '%s\n' "$BODY" | wc -c)))" "Content-Length matches the body"

INM=$ETAG cgi 'q=mentorship'; is "$STATUS" 304 "If-None-Match with the ETag: 304"; is "$BODY" "" "304 has no body"
INM="W/$ETAG, \"other\"" cgi 'q=mentorship'; is "$STATUS" 304 "weak / listed ETag matches too"
INM='"stale"' cgi 'q=mentorship'; is "$STATUS" 200 "another ETag: 200"
# If-None-Match is "*" alone or a list of quoted entity tags (RFC 9110
# 13.1.2); anything else is malformed and treated as absent (200).
INM='*' cgi 'q=mentorship'; is "$STATUS" 304 "If-None-Match: * alone: 304"
INM=' * ' cgi 'q=mentorship'; is "$STATUS" 304 "If-None-Match: * with white space: 304"
is "$BODY" "" "... no body"
# "*" matches only what exists: an unknown article or a refused query is
# answered as without it.
INM='*' cgi 'article=no_such_article'; is "$STATUS" 404 "If-None-Match: * for an unknown article: 404"
INM='*' cgi 'related=no_such_article'; is "$STATUS" 404 "... for related of an unknown article: 404"
INM='*' cgi 'q=the'; is "$STATUS" 400 "... for a query of only stop words: 400"
INM=", ,$ETAG ," cgi 'q=mentorship'; is "$STATUS" 304 "empty list elements are allowed"
for inm in '"abc", *' '*, "abc"' "$ETAG, *" '* *' 'W/*' 'abc' \
    "$(printf '%s' "$ETAG" | tr -d '"')" '"unterminated' "$ETAG junk" "$ETAG\"x\"" \
    "W/ $ETAG" '"a b"'; do
  INM=$inm cgi 'q=mentorship'
  is "$STATUS" 200 "malformed If-None-Match '$inm': treated as absent (200)"
done
INM='"abc", *' cgi 'q=mentorship&format=html'; is "$STATUS" 200 "... in HTML too"
like "$BODY" "</html>" "... with the full page"
cgi HEAD 'q=mentorship'; is "$STATUS" 200 "HEAD: 200"; is "$BODY" "" "HEAD: no body"
cgi POST 'q=mentorship'; is "$STATUS" 405 "POST: 405"; is "$(hdr Allow)" "GET, HEAD" "405 says Allow"
cgi DELETE 'q=x'; is "$STATUS" 405 "DELETE: 405"

cgi 'q=mentorship&format=html&per_page=2'
is "$STATUS" 200 "format=html: 200"
is "$(hdr Content-Type)" "text/html; charset=utf-8" "HTML content type"
like "$(hdr Content-Security-Policy)" "default-src 'none'" "CSP on HTML"
like "$BODY" "<mark>" "HTML highlights with <mark>"
like "$BODY" 'rel="next"' "HTML has pagination"
like "$BODY" 'class="chip"' "HTML has tag chips"
like "$BODY" "</html>" "HTML is a complete page"

cgi 'tag=Mentorship&q=residency'; is "$STATUS" 200 "tag filter: 200"
cgi 'tag=Mentorship&tag=Residency+Programs&category=Post-Match+Options'; is "$STATUS" 200 "tags + category without words: 200"
like "$BODY" '004_5de6917610b7df12' "filters find the post-match article"
cgi 'q=mentorship&page=2&per_page=2'; like "$BODY" '"rank":3' "page 2 starts at rank 3"
cgi 'q=mentorship&per_page=500'; is "$STATUS" 200 "per_page above the cap is capped, not refused"

# One schema number on every JSON body (docs/web.md): search, completion,
# related and errors.
cgi 'q=mentorship'; like "$BODY" '"schema":2,"kind":"search"' "search: schema 2"
cgi 'complete=ment'; like "$BODY" '"schema":2,"kind":"complete"' "completion: schema 2"
cgi 'related=004_5de6917610b7df12'; like "$BODY" '"schema":2,"kind":"related"' "related: schema 2"
cgi 'page=0&q=x'; like "$BODY" '"schema":2,"kind":"error"' "error: schema 2"

# Completion (ra_search_complete): the typed text with its last word
# completed, most frequent words first.
cgi 'complete=residency+ment'
is "$STATUS" 200 "complete: 200"
like "$BODY" '"query":"residency mentor' "completes the last word"
cgi 'complete=ment'
words=$(printf '%s' "$BODY" | grep -o '"word":"[^"]*","docs":[0-9]*' | sed 's/"word":"//; s/","docs":/ /')
top=$(printf '%s\n' "$words" | head -1 | cut -d' ' -f2)
like "$(printf '%s\n' "$words" | awk -v t="$top" '$2 == t {print $1}')" mentorship \
  "complete=ment: mentorship is among the most frequent completions"
first=$(printf '%s\n' "$words" | head -1 | cut -d' ' -f1)
# Ties in article counts (mentor, mentors and mentorship are in every
# article) go to the word used most often.
is "$first" mentorship "complete=ment: mentorship first"
cgi 'complete=ment&format=html'; is "$STATUS" 200 "complete (HTML): 200"
like "$BODY" 'href="/search?q=mentorship&amp;format=html">mentorship</a>' "HTML completions link to their search"
cgi 'complete=residency+'; like "$BODY" '"completions":[]' "nothing to complete after a space"

# Related articles (ra_search_related).
cgi 'related=004_5de6917610b7df12'
is "$STATUS" 200 "related: 200"
ids=$(json_ids "$BODY")
ok $([ -n "$ids" ] && echo 0 || echo 1) "related lists other articles ($(echo $ids))"
unlike "$ids" 004_5de6917610b7df12 "related excludes the article itself"
cgi 'related=004_5de6917610b7df12&format=html'
like "$BODY" 'related to <code class="id">004_5de6917610b7df12</code>' "HTML related page names the article"
like "$BODY" 'class="hit"' "HTML related page lists hits"
cgi 'related=no_such_article'; is "$STATUS" 404 "unknown related id: 404"; like "$BODY" '"parameter":"related"' "404 names related"
cgi 'related=no_such&format=html'; is "$STATUS" 404 "unknown related id (HTML): 404"; like "$BODY" 'related</code>' "HTML 404 names related"

# Reader features of the results: facets, did you mean, relaxation,
# expansion, collapsed near-duplicates, in JSON and in the HTML fallback.
cgi 'q=mentorship'
like "$BODY" '"facets":[{"tag":"Mentorship","folded":"mentorship","count":' "JSON: tag facet counts"
like "$BODY" '"similar":1' "JSON: a collapsed near-duplicate"
cgi 'q=mentorship&format=html'
like "$BODY" '<section class="facets"' "HTML: facets"
like "$BODY" 'href="/search?q=mentorship&amp;tag=Mentorship&amp;format=html">Mentorship<span class="count">5</span>' \
  "HTML: a facet is a tag-filter link with its count"
like "$BODY" '>1 similar</span>' "HTML: N similar"
like "$BODY" '<span class="section">3. <mark>Mentorship</mark></span>' "HTML: section names with highlights"
cgi 'q=mentorship&tag=Mentorship&format=html'
unlike "$BODY" 'tag=Mentorship&amp;tag=Mentorship' "HTML: an active tag is not offered again (facets, hit chips)"
like "$BODY" '<a class="chip active" href="/search?q=mentorship&amp;format=html">' "HTML: a hit's active tag chip removes the filter"
cgi 'q=mentorsip'
like "$BODY" '"suggestion":{"query":"mentorship","hits":' "JSON: did you mean mentorship"
cgi 'q=mentorsip&format=html'
like "$BODY" '<p class="didyoumean">Did you mean <a href="/search?q=mentorship&amp;format=html">mentorship</a> (4 results)?' \
  "HTML: did you mean is a link with its hit count"
cgi 'q=mentorsip&tag=Residency+Programs&format=html'
like "$BODY" 'href="/search?q=mentorship&amp;tag=Residency+Programs&amp;format=html">mentorship</a>' \
  "HTML: did you mean keeps the tag filter as a parameter"
cgi 'q=mentorship+zzyzx&format=html'
like "$BODY" '<p class="note relaxed">no article contains every word (&quot;zzyzx&quot; is in none)' "HTML: the word in no article is named"
cgi 'q=wellness&format=html'
like "$BODY" 'Also searched for <q>well being</q> (for <q>wellness</q>)' "HTML: what the query expanded"
cgi 'q=residency&page=3&format=html'
like "$BODY" '">Last page (1)</a>' "HTML: a page past the end links to the last page"
unlike "$BODY" 'Page 3 of' "... rather than 'Page 3 of 1'"
# Quotes and backslashes in a tag are escaped into the query, never read
# as its syntax: a lone quote, a trailing backslash, both.
for t in '%22' 'a%5C' '%5C%22' '%22)+OR+(x'; do
  cgi "q=mentorship&tag=$t"
  is "$STATUS" 200 "tag=$t: 200"
  like "$BODY" '"unknown_tag":"tag:' "... an unknown tag, said so"
done
cgi 'q=mentorship&tag=no+such+tag&format=html'
like "$BODY" 'No article has the tag or category' "HTML: an unknown tag is said"

# 400s name the parameter, in the format asked for.
for case in 'page=0&q=x|page' 'page=abc&q=x|page' 'page=1001&q=x|page' 'per_page=0&q=x|per_page' \
    'per_page=-1&q=x|per_page' 'format=xml&q=x|format' '|q' 'q=a&q=b|q' 'related=../etc|related' \
    'page=500&per_page=50&q=x|page' 'q=%ff%fe|q' 'q=x%00y|q' 'tag=%c0%af|tag' \
    'q=+-+%22+(+)+:|q' 'complete=x&related=y|complete' \
    'tag=|tag' 'tag=+++|tag' 'tag=%E3%80%80|tag' 'tag=&q=residency|tag' 'tag=%E2%80%AE|tag' \
    'category=|category' 'category=%C2%A0|category' 'category=%E2%80%8E|category'; do
  qs=${case%|*}; param=${case##*|}
  cgi "$qs"
  is "$STATUS" 400 "400 for '$qs'"
  like "$BODY" "\"parameter\":\"$param\"" "... naming $param"
done
cgi 'page=0&q=x&format=html'; is "$STATUS" 400 "HTML 400"; like "$BODY" '<code class="param">page</code>' "HTML 400 names page"
long=$(head -c 5000 /dev/zero | tr '\0' 'a')
cgi "q=$long"; is "$STATUS" 400 "5000-byte q: 400"; like "$BODY" 4096 "names the 4096-byte limit"
tags=""; for i in 1 2 3 4 5 6 7 8 9; do tags="${tags}tag=t$i&"; done
cgi "${tags}q=x"; is "$STATUS" 400 "9 tags: 400"; like "$BODY" "more than 8 tags" "names the tag limit"
long=$(head -c 17000 /dev/zero | tr '\0' 'a')
cgi "q=$long"; is "$STATUS" 414 "17000-byte query string: 414"; like "$BODY" 16384 "414 names the limit"
words=""; for i in $(seq 1 80); do words="$words+w$i"; done
cgi "q=$words"; ok $([ "$STATUS" = 200 ] || [ "$STATUS" = 400 ] && echo 0 || echo 1) "80 words: answered (200 or 400), no hang"
cgi 'q=mentorship&utm_source=x&_=123'; is "$STATUS" 200 "unknown parameters are ignored"

# Hostile input is escaped in HTML and never breaks JSON.
cgi 'q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27%3E&format=html'
is "$STATUS" 200 "script tag in q: answered"
unlike "$BODY" "<script>" "no live <script> in HTML"
like "$BODY" "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;" "q echoed escaped"
cgi 'complete=%3Cscript%3E%22'
like "$BODY" '"prefix":"<script>\"' "JSON echo is JSON-escaped"
cgi 'complete=%3Cscript%3Ex&format=html'
unlike "$BODY" "<script>" "HTML completion page escapes the prefix"
cgi 'q=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E&tag=%3Cb%3E&format=html'
unlike "$BODY" "<img" "no injected element in HTML"
unlike "$BODY" "<b>" "tag value escaped in HTML"
# Bidirectional controls echoed in HTML (the form, the relaxed note)
# become U+FFFD like other control characters.
cgi 'q=mentorship+zzyzx%E2%80%AEevil%E2%81%A6x%C2%9B&format=html'
is "$STATUS" 200 "bidi controls in q (HTML): 200"
unlike "$BODY" "$(printf '\342\200\256')" "no raw U+202E in HTML"
unlike "$BODY" "$(printf '\342\201\246')" "no raw U+2066 in HTML"
unlike "$BODY" "$(printf '\302\233')" "no raw U+009B in HTML"
like "$BODY" "zzyzx$(printf '\357\277\275')evil" "replaced by U+FFFD"

# A rebuild is noticed by the next request: a new revision of the live
# generation (incremental update) or a new generation behind a swapped stub.
run "$RA_INDEX" --quiet --db "$DB" "$CORPUS"
cgi 'q=mentorship'
is "$STATUS" 200 "after re-indexing: 200"
INM=$ETAG cgi 'q=mentorship'; ok $([ "$STATUS" = 200 ] || [ "$STATUS" = 304 ] && echo 0 || echo 1) "old ETag: 200 (changed) or 304 (identical)"
run "$RA_INDEX" --quiet --db "$T_TMP/db2" "$CORPUS"
g=$(sed 's/.* //' "$T_TMP/db2/XAPIANDB")
mv "$T_TMP/db2/$g" "$DB/gen-000077"
printf 'glass gen-000077\n' >"$DB/XAPIANDB.tmp" && mv "$DB/XAPIANDB.tmp" "$DB/XAPIANDB"
cgi 'q=mentorship'
is "$STATUS" 200 "after a stub swap: 200"
like "$(hdr ETag)" "gen-000077" "ETag follows the new generation"

done_testing
