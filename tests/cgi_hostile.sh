#!/bin/sh
# cgi_hostile.sh - every request parameter of ra-cgi against a table of
# hostile values (empty, too long, out of range, wrong type, invalid UTF-8,
# NUL, controls, bidirectional controls, markup and quote injection,
# repeats), answered as JSON and as HTML.  Every answer must have a status
# docs/web.md lists and never a server error; a 4xx must name the
# parameter at fault (JSON "parameter", the HTML page's <code
# class="param">); HTML must hold no request byte unescaped (no markup, no
# control or bidi character, valid UTF-8); JSON must parse (jq).
. "${RA_SRCDIR:-..}/tests/lib.sh"
: "${RA_CGI:=$RA_SRCDIR/build/query/ra-cgi}"
DB="$T_TMP/db"
R="$T_TMP/resp"
if ! command -v jq >/dev/null 2>&1 ||
   ! printf 'x\n' | LC_ALL=C grep -qP 'x' 2>/dev/null; then
  echo "1..0 # SKIP needs jq and grep -P"
  exit 0
fi

run "$RA_INDEX" --quiet --db "$DB" "$CORPUS"; is "$RC" 0 "index built"

rep() { # rep STRING N: STRING N times
  r=""; i=0; while [ "$i" -lt "$2" ]; do r="$r$1"; i=$((i + 1)); done; printf '%s' "$r"
}
A300=$(rep aaaaaaaaaa 30)            # over RA_CGI_MAX_VALUE (256)
A5000=$(rep aaaaaaaaaa 500)          # over the 4096-byte query limit
A17000=$(rep aaaaaaaaaa 1700)        # over RA_CGI_MAX_QUERY_STRING (16384)

# name|percent-encoded value.  The markup values carry markers (zz) that
# must never reach HTML raw; REPEAT sends the parameter 9 times.
VALUES="empty|
blank|+++
plain|mentorship
long300|$A300
long5000|$A5000
long17000|$A17000
zero|0
negative|-1
above|1001
huge|99999999999999999999
wrap|4294967297
fraction|1.5
exponent|1e3
hex|0x10
spaces|%20%201
word|abc
ff|%FF
overlong|%C0%AF
surrogate|a%ED%A0%80
truncated|%E2%80
nul|%00
nul_inside|a%00b
soh|%01
esc|%1B%5B31m
del|%7F
crlf|%0D%0ASet-Cookie:+zz=1
c1|%C2%9B
rlo|%E2%80%AE
lri|a%E2%81%A6b
lrm|%E2%80%8E
script|%3Cscript%3Ealert(1)%3C%2Fscript%3E
img|%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E
tag|%3Cb+id%3Dzz%3E
dquote|%22zz%3D1
squote|%27zz%3D1
amp|%26zz%3B
rawamp|x&&&=&
js|javascript%3Aalert(1)
badpct|%
badpct2|%G1%
REPEAT|1"

# Patterns an HTML answer must not contain (no header may hold a request
# byte either: "zz" marks them): request markup unescaped,
# control characters (but tab, LF, CR), C1 and bidirectional controls, and
# invalid UTF-8 (a line whose valid prefix stops at a high byte).
UTF8='[\x00-\x7f]|[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}'
BAD="<script|<img|<b id=zz|\"zz=1|'zz=1|&zz;|href=\"javascript|[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]|\\xc2[\\x80-\\x9f]|\\xe2\\x80[\\x8e\\x8f\\xaa-\\xae]|\\xe2\\x81[\\xa6-\\xa9]|\\xd8\\x9c|^(?:$UTF8)*+[\\x80-\\xff]"

# The requests are sent first, each answer kept in its own file; then one
# jq and two greps read them all (a jq per answer would take most of the
# time); then each answer gets one TAP line for all its checks.
D="$T_TMP/answers"; mkdir -p "$D"; : >"$D/cases"
N=0
# send QS PARAM DESC: PARAM is the parameter a 4xx must name ("" when it
# must name none but the limit: the whole query string, 414).
send() {
  N=$((N + 1))
  env REQUEST_METHOD=GET QUERY_STRING="$1" SCRIPT_NAME=/search \
    RASEARCH_DB="$DB" "$RA_CGI" >"$D/$N" 2>/dev/null
  echo "$N|$?|$2|$3" >>"$D/cases"
}

check_all() {
  CR=$(printf '\r')
  # JSON: the headers are raw lines jq skips; the body is one JSON line.
  jq -Rr 'select(startswith("{")) | (input_filename | sub(".*/"; "")) + "|" +
          (try (fromjson | [(.schema|tostring), .kind,
                            (.error.parameter // "-"), (.error.message // "")]
                | join("|")) catch "INVALID")' "$D"/[0-9]* >"$D/json" 2>&1
  LC_ALL=C grep -aoHP "$BAD" "$D"/[0-9]* >"$D/bad" 2>&1
  grep -aH -m1 '^<p>' "$D"/[0-9]* >"$D/p"
  while IFS= read -r line; do id=${line%%|*}; eval "J_$id=\${line#*|}"; done <"$D/json"
  while IFS= read -r line; do id=${line%%:*}; id=${id##*/}; eval "B_$id=\${line#*:}"; done <"$D/bad"
  while IFS= read -r line; do id=${line%%:*}; id=${id##*/}; eval "P_$id=\${line#*:}"; done <"$D/p"
  while IFS='|' read -r id rc want desc; do
    why=""; status=""; ctype=""; nosniff=""
    while IFS= read -r line; do
      line=${line%"$CR"}
      [ -z "$line" ] && break
      case $line in
        "Status: "*) status=${line#Status: }; status=${status%% *} ;;
        "Content-Type: "*) ctype=${line#Content-Type: } ;;
        "X-Content-Type-Options: nosniff") nosniff=1 ;;
        *zz*) why="$why request bytes in a header: $line;" ;;
      esac
    done <"$D/$id"
    [ "$rc" -eq 0 ] || why="$why exit $rc;"
    [ -n "$nosniff" ] || why="$why no nosniff;"
    case $status in
      200|400|404|414) ;;
      *) why="$why status '$status' (documented, not 5xx: 200 400 404 414);" ;;
    esac
    blamed=-; msg=""
    case $ctype in
      "application/json; charset=utf-8")
        eval "got=\${J_$id-}"
        rest=${got#*|}; rest=${rest#*|}; blamed=${rest%%|*}; msg=${rest#*|}
        case $got in "2|"*) ;; *) why="$why invalid JSON or schema: '$got';" ;; esac ;;
      "text/html; charset=utf-8")
        eval "bad=\${B_$id-}"
        [ -z "$bad" ] ||
          why="$why unescaped in HTML: $(printf '%s' "$bad" | od -An -c | head -2 | tr -s ' ');"
        eval "msg=\${P_$id-}"
        case $msg in *'<code class="param">'*)
          blamed=${msg#*'<code class="param">'}; blamed=${blamed%%'</code>'*} ;;
        esac ;;
      *) why="$why content type '$ctype';" ;;
    esac
    case $status in
      4*)
        if [ -z "$want" ]; then
          case $msg in *16384*) ;; *) why="$why message '$msg' names no limit;" ;; esac
        elif [ "$blamed" != "$want" ]; then
          why="$why $status blames '$blamed', not '$want';"
        fi ;;
    esac
    if [ -z "$why" ]; then ok 0 "$desc: $status"
    else ok 1 "$desc"; echo "#  $why"; fi
  done <"$D/cases"
}

# q, tag, category, complete, related, article make a query alone; page, per_page,
# format and an unknown parameter ride on q=mentorship.
for p in q tag category complete related article page per_page format zz; do
  case $p in q|tag|category|complete|related|article) base="" ;; *) base="q=mentorship&" ;; esac
  while IFS='|' read -r name v; do
    if [ "$name" = REPEAT ]; then
      qs=$(rep "$p=1&" 9); qs="$base${qs%&}"
    else
      qs="$base$p=$v"
    fi
    want=$p
    [ "$name" = long17000 ] && want=""
    if [ "$p" = format ]; then
      send "$qs" "$want" "format=$name"
    else
      for f in json html; do
        send "$qs&format=$f" "$want" "$p=$name ($f)"
      done
    fi
  done <<EOF
$VALUES
EOF
done

# A hostile parameter name (unknown, so ignored unless it holds a NUL,
# which is refused naming it - escaped).
for f in json html; do
  want="<script>"; [ "$f" = html ] && want="&lt;script&gt;"
  send "q=mentorship&%3Cscript%3E=%00&format=$f" "$want" "NUL under a markup name ($f)"
  send "q=mentorship&%22zz%3D1=x&format=$f" "" "markup name ($f)"
done

check_all
done_testing
