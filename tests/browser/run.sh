#!/bin/sh
# run.sh - the browser test: lighttpd (conf/lighttpd.conf) on a free port
# of 127.0.0.1 over the corpus and one article with a site URL, then
# tests/browser/search.mjs in headless Chromium.  SKIPs without lighttpd,
# chromium (Debian package), node or playwright-core (installed from the
# lock file by scripts/deps.sh --test: `npm ci` in tests/browser); needs no
# network when it runs.
. "${RA_SRCDIR:-../..}/tests/lib.sh"
: "${RA_CGI:=$RA_SRCDIR/build/query/ra-cgi}"
here="$RA_SRCDIR/tests/browser"
skip() { echo "ok 1 # SKIP $1"; echo "1..1"; exit 0; }
LIGHTTPD=$(command -v lighttpd || ls /usr/sbin/lighttpd 2>/dev/null)
[ -n "$LIGHTTPD" ] || skip "lighttpd not installed"
CHROMIUM=${CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}
[ -x "$CHROMIUM" ] || skip "chromium not installed (apt-get install chromium)"
command -v node >/dev/null 2>&1 || skip "node not installed"
[ -d "$here/node_modules/playwright-core" ] || skip "playwright-core missing (scripts/deps.sh --test, or npm ci in tests/browser)"

# The corpus and one more article with a site URL (urls.tsv): its title
# links to the site and the article view stays reachable.  It matches
# none of the other searches the test makes.
DB="$T_TMP/db"; C="$T_TMP/corpus"
mkdir -p "$C"; cp "$CORPUS"/* "$C"/
cat > "$C/site.jsonl" <<'EOF'
{"id":"quokka_field_notes","title":"Field Notes on the Quokka","body":"Quokka colonies on Rottnest Island.\n\nA quokka rests in the shade by day and forages at dusk; every quokka we counted was calm.","tags":["Quokka Studies"],"category":"Field Notes"}
EOF
printf 'quokka_field_notes\thttps://site.test/field-notes/quokka/\n' > "$C/urls.tsv"
"$RA_INDEX" --quiet --db "$DB" "$C" || { ok 1 "index built"; done_testing; exit 1; }
LT_PID=""
trap '[ -n "$LT_PID" ] && kill "$LT_PID" 2>/dev/null; rm -rf "$T_TMP"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$T_TMP/state"
RA_PORT=$PORT RA_WEB="$RA_SRCDIR/web" RA_CGI="$RA_CGI" RASEARCH_DB="$DB" RA_STATE="$T_TMP/state" \
  "$LIGHTTPD" -D -f "$RA_SRCDIR/conf/lighttpd.conf" &
LT_PID=$!
i=0; until curl -s -o /dev/null "http://127.0.0.1:$PORT/" || [ $i -gt 50 ]; do sleep 0.1; i=$((i+1)); done
# search.mjs prints the TAP itself; a hard limit so it can never hang.
CHROMIUM="$CHROMIUM" timeout 120 node "$here/search.mjs" "http://127.0.0.1:$PORT"
