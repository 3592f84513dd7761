#!/bin/sh
# pagefind_render.sh - bench/pagefind/render (the pages Pagefind indexes in
# bench/pagefind/run): every sample page becomes one HTML page with the
# title, tags, section headings, FAQ and illustration descriptions the
# parser finds, text escaped.
# No network, no npm: only the renderer is tested.
. "${RA_SRCDIR:-..}/tests/lib.sh"
RENDER="$(dirname "$RA_INDEX")/../bench/pagefind/render"
if [ ! -x "$RENDER" ]; then
  echo "1..0 # SKIP $RENDER not built"
  exit 0
fi

S="$T_TMP/site"
run "$RENDER" "$CORPUS" "$S"
is "$RC" 0 "the sample corpus renders (exit 0)"
like "$ERR" "5 pages" "the summary names the count"
n=$(find "$S/a" -name '*.html' | wc -l | tr -d ' ')
is "$n" 5 "one page per article"

P="$S/a/001_32d40953c92d2718.html"
[ -f "$P" ]; ok $? "a page is named by the article id"
H=$(cat "$P" 2>/dev/null)
like "$H" "<h1>Navigating the Social Scene: Building Relationships in Residency</h1>" "the title is the page's h1"
like "$H" "<title>Navigating the Social Scene" "and its <title>"
like "$H" "<main data-pagefind-body>" "Pagefind indexes only the article body"
like "$H" "<li>Mentorship</li>" "tags are listed one by one"
like "$H" "<h2>Why Relationships Matter in Residency</h2>" "section headings are h2"
like "$H" "<li>Smile and Maintain Eye Contact: This simple gesture" "list items stay list items"
like "$H" "<section class=\"faq\">" "the FAQ is a section"
like "$H" "<figure><figcaption data-pagefind-weight=\"0.5\">A busy hospital scene depicting" \
  "illustration descriptions are captions at half weight"
like "$H" "it&#39;s" "text is escaped"
# Every page is well formed enough for Pagefind: one h1, body closed.
bad=0
for f in "$S"/a/*.html; do
  [ "$(grep -c '<h1>' "$f")" -eq 1 ] && tail -1 "$f" | grep -q '^</html>$' || bad=$((bad + 1))
done
is "$bad" 0 "every page has one h1 and ends with </html>"

run "$RENDER" "$T_TMP/none" "$T_TMP/s2"
[ "$RC" -ne 0 ]; ok $? "a missing corpus fails (exit $RC)"
run "$RENDER" "$CORPUS"
is "$RC" 2 "usage: exit 2"
done_testing
