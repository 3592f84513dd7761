#!/bin/sh
# cgi_lighttpd.sh - the endpoint through a real lighttpd (conf/lighttpd.conf,
# FastCGI; conf/lighttpd-cgi.conf, plain CGI) on a free port of 127.0.0.1,
# with curl: every status code and header, the JSON schema (2: facets, did
# you mean, completions, related, error bodies), escaping of
# hostile input in both formats, a rebuilt index noticed by a running
# FastCGI process, and 16 concurrent clients while the index is rebuilt
# twice (zero non-200 answers).  SKIPs when lighttpd or curl is missing.
. "${RA_SRCDIR:-..}/tests/lib.sh"
: "${RA_CGI:=$RA_SRCDIR/build/query/ra-cgi}"
DB="$T_TMP/db"
LT_PID=""
stop_server() {
  if [ -n "$LT_PID" ]; then kill "$LT_PID" 2>/dev/null; wait "$LT_PID" 2>/dev/null; fi
  LT_PID=""
}
trap 'stop_server; chmod -R u+w "$T_TMP" 2>/dev/null; rm -rf "$T_TMP"' EXIT
trap 'exit 1' INT TERM

LIGHTTPD=$(command -v lighttpd || ls /usr/sbin/lighttpd 2>/dev/null)
if [ -z "$LIGHTTPD" ] || ! command -v curl >/dev/null 2>&1; then
  echo "ok 1 # SKIP lighttpd or curl not installed (apt-get install lighttpd curl)"
  echo "1..1"; exit 0
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + $$ % 20000))
}

# start_server CONF: lighttpd in the foreground (-D) in the background.
start_server() {
  mkdir -p "$T_TMP/state"
  for try in 1 2 3 4 5; do
    PORT=$(free_port)
    RA_PORT=$PORT RA_WEB="$RA_SRCDIR/web" RA_CGI="$RA_CGI" RASEARCH_DB="$DB" \
      RA_STATE="$T_TMP/state" "$LIGHTTPD" -D -f "$RA_SRCDIR/conf/$1" \
      2>"$T_TMP/state/stderr" &
    LT_PID=$!
    i=0
    while [ $i -lt 50 ]; do
      if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then BASE="http://127.0.0.1:$PORT"; return 0; fi
      kill -0 "$LT_PID" 2>/dev/null || break
      sleep 0.1; i=$((i + 1))
    done
    stop_server
  done
  cat "$T_TMP/state/stderr" "$T_TMP/state/error.log" 2>/dev/null | sed 's/^/# /'
  return 1
}

# req [CURL ARGS...] PATH_AND_QUERY: sets STATUS, HEAD, BODY
req() {
  rm -f "$T_TMP/h" "$T_TMP/b"; : >"$T_TMP/b"
  curl -s -D "$T_TMP/h" -o "$T_TMP/b" --max-time 20 "$@" >/dev/null 2>&1
  STATUS=$(sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "$T_TMP/h")
  HEAD=$(tr -d '\r' <"$T_TMP/h")
  BODY=$(cat "$T_TMP/b")
}
hdr() { printf '%s\n' "$HEAD" | sed -n "s/^$1: //Ip" | head -1; }

# The JSON schema of docs/web.md, checked with python3 when present.
check_schema() {
  command -v python3 >/dev/null 2>&1 || { ok 0 "# SKIP python3 absent"; return; }
  printf '%s' "$BODY" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["schema"] == 2 and d["kind"] == "search" and isinstance(d["revision"], int)
assert isinstance(d["facets"], list) and d["facets"]
for f in d["facets"]:
    assert isinstance(f["tag"], str) and isinstance(f["folded"], str) and isinstance(f["count"], int)
assert d["suggestion"] is None or isinstance(d["suggestion"]["query"], str)
assert isinstance(d["expansions"], list)
assert isinstance(d["generation"], str) and isinstance(d["total_estimate"], int)
assert d["relaxed"] is None or isinstance(d["relaxed"], str)
assert d["notes"] is None or isinstance(d["notes"], str)
assert isinstance(d["hits"], list) and d["hits"]
for h in d["hits"]:
    for k, t in (("rank", int), ("id", str), ("title", str), ("tags", list),
                 ("score", float), ("percent", int), ("snippets", list),
                 ("title_highlights", list), ("similar", int)):
        assert isinstance(h[k], t), k
    assert h["category"] is None or isinstance(h["category"], str)
    for s in h["snippets"]:
        b = s["text"].encode()
        assert s["section"] is None or isinstance(s["section"], str)
        for a, z in s["highlights"]:
            assert 0 <= a < z <= len(b)
            b[a:z].decode()   # offsets fall on character boundaries
' 2>"$T_TMP/py"
  ok $? "JSON matches the documented schema"
  [ -s "$T_TMP/py" ] && sed 's/^/#   /' "$T_TMP/py"
}

run "$RA_INDEX" --quiet --db "$DB" "$CORPUS"; is "$RC" 0 "index built"

for conf in lighttpd.conf lighttpd-cgi.conf; do
  if ! start_server "$conf"; then ok 1 "$conf: lighttpd started"; continue; fi
  ok 0 "$conf: lighttpd started on 127.0.0.1:$PORT"
  S="/search"
  req "$BASE/"; is "$STATUS" 200 "$conf: the search page"; like "$BODY" 'action="/search"' "the page's form targets the endpoint"
  like "$(hdr Content-Security-Policy)" "script-src 'self'" "the page has a CSP"
  req "$BASE/app.js"; is "$(hdr Content-Type)" "text/javascript; charset=utf-8" "app.js served as JavaScript"

  req "$BASE$S?q=mentorship"
  is "$STATUS" 200 "$conf: 200"
  is "$(hdr Content-Type)" "application/json; charset=utf-8" "Content-Type with charset"
  like "$(hdr Cache-Control)" "max-age=60" "Cache-Control"
  is "$(hdr X-Content-Type-Options)" nosniff "nosniff"
  is "$(hdr Referrer-Policy)" no-referrer "Referrer-Policy"
  ETAG=$(hdr ETag); like "$ETAG" '"gen-' "ETag from the index revision"
  check_schema
  req -H "If-None-Match: $ETAG" "$BASE$S?q=mentorship"; is "$STATUS" 304 "If-None-Match: 304"; is "$BODY" "" "304: empty body"
  req -I "$BASE$S?q=mentorship"; is "$STATUS" 200 "HEAD: 200"
  is "$(curl -s -I -o /dev/null -w '%{size_download}' "$BASE$S?q=mentorship")" 0 "HEAD: no body"
  req -X POST -d q=x "$BASE$S?q=mentorship"; is "$STATUS" 405 "POST: 405"; is "$(hdr Allow)" "GET, HEAD" "Allow header"
  req -X PUT "$BASE$S?q=x"; is "$STATUS" 405 "PUT: 405"
  req "$BASE$S?q=mentorship&page=zero"; is "$STATUS" 400 "bad page: 400"; like "$BODY" '"parameter":"page"' "400 names page"
  is "$(hdr Cache-Control)" no-store "400 is not cached"
  req "$BASE$S?q=x&format=html&per_page=0"; is "$STATUS" 400 "HTML 400"; like "$BODY" '<code class="param">per_page</code>' "HTML 400 names per_page"
  like "$(hdr Content-Type)" "text/html; charset=utf-8" "HTML error is HTML"
  req "$BASE$S?related=nope"; is "$STATUS" 404 "unknown related id: 404"
  like "$BODY" '"schema":2,"kind":"error"' "404: schema 2 error body"
  req "$BASE$S?related=004_5de6917610b7df12"; is "$STATUS" 200 "related: 200"
  ids=$(json_ids "$BODY")
  ok $([ -n "$ids" ] && echo 0 || echo 1) "related lists other articles"
  unlike "$ids" 004_5de6917610b7df12 "related excludes the article itself"
  req "$BASE$S?complete=ment"; is "$STATUS" 200 "complete: 200"
  like "$BODY" '"schema":2,"kind":"complete"' "completion: schema 2"
  # mentorship ties with mentor/mentors (every article has them): it must
  # be in the most frequent group (strict order: tests/cgi.sh, TODO).
  top=$(printf '%s' "$BODY" | grep -o '"docs":[0-9]*' | head -1)
  like "$BODY" "\"word\":\"mentorship\",$top" "complete=ment: mentorship among the most frequent"
  req "$BASE$S?q=mentorsip"; like "$BODY" '"suggestion":{"query":"mentorship"' "did you mean mentorship (JSON)"
  req "$BASE$S?q=mentorsip&format=html"
  like "$BODY" '<p class="didyoumean">Did you mean <a href="/search?q=mentorship&amp;format=html">mentorship</a> (' "did you mean (HTML link)"
  req "$BASE$S?q=mentorship&format=html"
  like "$BODY" '<section class="facets"' "facets (HTML)"
  like "$BODY" '&amp;tag=Mentorship&amp;format=html">Mentorship<span class="count">' "a facet links to the tag filter"
  long=$(head -c 17000 /dev/zero | tr '\0' a)
  req "$BASE$S?q=$long"; is "$STATUS" 414 "17000-byte query string: 414"; like "$BODY" "16384" "414 body names the limit"
  long=$(head -c 5000 /dev/zero | tr '\0' a)
  req "$BASE$S?q=$long"; is "$STATUS" 400 "5000-byte q: 400"; like "$BODY" "4096" "names the query limit"

  # Hostile input, both formats.
  req -G --data-urlencode 'q=<script>alert("x")</script>'"'" --data-urlencode format=html "$BASE$S"
  is "$STATUS" 200 "script tag in q (HTML): 200"
  like "$(hdr Content-Security-Policy)" "default-src 'none'" "CSP on the HTML results"
  unlike "$BODY" "<script" "no script element"
  like "$BODY" "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;" "echo is escaped"
  req -G --data-urlencode 'complete=<script>"' "$BASE$S"; is "$STATUS" 200 "script tag in JSON: 200"
  printf '%s' "$BODY" | python3 -c 'import json,sys; assert json.load(sys.stdin)["prefix"]=="<script>\""' 2>/dev/null
  ok $? "JSON stays valid and round-trips the hostile value"
  req "$BASE$S?q=caf%E9%FF&format=html"; is "$STATUS" 400 "invalid UTF-8 (HTML): 400"; like "$BODY" '<code class="param">q</code>' "names q"
  req "$BASE$S?q=caf%E9%FF"; is "$STATUS" 400 "invalid UTF-8 (JSON): 400"; like "$BODY" '"parameter":"q"' "names q"
  req "$BASE$S?q=a%00b"; is "$STATUS" 400 "NUL in q: 400"
  req "$BASE$S?tag=%3Cb%3E&q=%22%27&format=html"; is "$STATUS" 200 "quotes and markup in tag/q: 200"
  unlike "$BODY" "<b>" "tag value escaped"
  req -G --data-urlencode "q=$(head -c 3000 /dev/zero | tr '\0' '<')" --data-urlencode format=html "$BASE$S"
  ok $([ "$STATUS" = 200 ] || [ "$STATUS" = 400 ] && echo 0 || echo 1) "3000 '<' answered"
  unlike "$BODY" "<<" "and escaped"
  stop_server
done

# A running FastCGI process notices rebuilt indexes, and 16 clients see
# only 200s while the index is rebuilt twice.
# Facets of a FastCGI process (tag lists preloaded in memory) are those
# of a one-shot CGI process (read from the index).
cgi_body() {
  QUERY_STRING="$1" REQUEST_METHOD=GET GATEWAY_INTERFACE=CGI/1.1 \
    SERVER_PROTOCOL=HTTP/1.1 SCRIPT_NAME=/search RASEARCH_DB="$DB" \
    "$RA_CGI" </dev/null | sed '1,/^\r*$/d'
}
facets_of() {
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps([d.get("facets"), d.get("total_estimate"), d.get("facet_docs"), [h["id"] for h in d.get("hits", [])]]))' 2>/dev/null
}
same_facets() {
  for q in "q=mentorship" "q=residency+networking" "q=alumni" "q=mentor*" "tag=Mentorship&q=residency" "q=community+support"; do
    req "$BASE/search?$q"
    a=$(printf '%s' "$BODY" | facets_of); b=$(cgi_body "$q" | facets_of)
    if [ -z "$a" ] || [ "$a" != "$b" ]; then echo "# $q: FastCGI $a vs CGI $b"; return 1; fi
  done
  return 0
}
if start_server lighttpd.conf; then
  if command -v python3 >/dev/null 2>&1; then
    same_facets; ok $? "FastCGI (preloaded tags) and CGI give the same facets, totals and hits"
  fi
  # The answer cache: the same request twice is the same answer, and an
  # index with other content is answered from that content at once.
  req "$BASE/search?q=mentorship"; B1=$BODY
  req "$BASE/search?q=mentorship"; is "$BODY" "$B1" "a repeated request (from the cache) is the same answer"
  mkdir -p "$T_TMP/one"; cp "$CORPUS/000_f98e010c7e6657bf.txt" "$T_TMP/one/"
  run "$RA_INDEX" --quiet --db "$T_TMP/db1" "$T_TMP/one"
  g=$(sed 's/.* //' "$T_TMP/db1/XAPIANDB")
  mv "$T_TMP/db1/$g" "$DB/gen-000066"
  printf 'glass gen-000066\n' >"$DB/XAPIANDB.tmp" && mv "$DB/XAPIANDB.tmp" "$DB/XAPIANDB"
  req "$BASE/search?q=mentorship"
  like "$BODY" '"total_estimate":1,' "after a swap to a one-article index: its answer, not a cached one"
  req "$BASE/search?q=mentorship"; E1=$(hdr ETag)
  run "$RA_INDEX" --quiet --db "$T_TMP/db2" "$CORPUS"
  g=$(sed 's/.* //' "$T_TMP/db2/XAPIANDB")
  mv "$T_TMP/db2/$g" "$DB/gen-000077"
  printf 'glass gen-000077\n' >"$DB/XAPIANDB.tmp" && mv "$DB/XAPIANDB.tmp" "$DB/XAPIANDB"
  req "$BASE/search?q=mentorship"; E2=$(hdr ETag)
  like "$E2" gen-000077 "FastCGI: a swapped stub is picked up without a restart"
  if command -v python3 >/dev/null 2>&1; then
    same_facets; ok $? "after the swap: the same facets as CGI (preload redone)"
  fi
  req -H "If-None-Match: $E1" "$BASE/search?q=mentorship"; is "$STATUS" 200 "the old ETag is stale"

  rebuild="--rebuild"; "$RA_INDEX" --help 2>&1 | grep -q -- --rebuild || rebuild=""
  : >"$T_TMP/codes"
  clients=""
  for c in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
    (while [ ! -e "$T_TMP/stop" ]; do
       curl -s -o /dev/null --max-time 20 -w '%{http_code}\n' "$BASE/search?q=mentor+residency&page=$((c % 3 + 1))&per_page=3"
     done >>"$T_TMP/codes.$c") &
    clients="$clients $!"
  done
  sleep 1
  for i in 1 2; do
    if [ -n "$rebuild" ]; then
      "$RA_INDEX" --quiet $rebuild --db "$DB" "$CORPUS"; echo "rebuild $i: exit $?" >>"$T_TMP/rebuilds"
    else
      # What a full rebuild does: a new generation built aside, published
      # by renaming a new stub over the old one, the old one removed.
      rm -rf "$T_TMP/db3"
      "$RA_INDEX" --quiet --db "$T_TMP/db3" "$CORPUS"; echo "rebuild $i: exit $?" >>"$T_TMP/rebuilds"
      old=$(sed 's/.* //' "$DB/XAPIANDB"); new="gen-00009$i"
      mv "$T_TMP/db3/$(sed 's/.* //' "$T_TMP/db3/XAPIANDB")" "$DB/$new"
      printf 'glass %s\n' "$new" >"$DB/XAPIANDB.tmp" && mv "$DB/XAPIANDB.tmp" "$DB/XAPIANDB"
      rm -rf "${DB:?}/$old"
    fi
    sleep 1
  done
  touch "$T_TMP/stop"
  for c in $clients; do wait "$c"; done
  cat "$T_TMP"/codes.* >"$T_TMP/codes"
  total=$(wc -l <"$T_TMP/codes" | tr -d ' ')
  bad=$(grep -cv '^200$' "$T_TMP/codes")
  is "$(cat "$T_TMP/rebuilds")" "rebuild 1: exit 0
rebuild 2: exit 0" "two full rebuilds under load"
  is "$bad" 0 "16 clients, $total requests during the rebuilds: zero non-200"
  [ "$bad" -gt 0 ] && sort "$T_TMP/codes" | uniq -c | sed 's/^/#   /'
  req "$BASE/search?q=mentorship"; is "$STATUS" 200 "still answering after the rebuilds"
  stop_server
else
  ok 1 "lighttpd started for the rebuild test"
fi
grep -i 'error\|sanitizer' "$T_TMP/state/error.log" 2>/dev/null | grep -v 'server started\|server stopped' | head -5 | sed 's/^/# lighttpd: /'

done_testing
