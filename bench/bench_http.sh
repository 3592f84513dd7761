#!/bin/sh
# bench_http.sh - requests/s and latency p50/p99 of the endpoint through
# lighttpd, FastCGI (conf/lighttpd.conf) and plain CGI
# (conf/lighttpd-cgi.conf), measured with wrk on 127.0.0.1.
#   sh bench/bench_http.sh BUILDDIR [SECONDS] [CONNECTIONS]
# Indexes corpus/ into a temporary directory (or uses $RA_BENCH_DB); prints
# one line per set-up: FastCGI with its answer cache (the default), FastCGI
# with RA_CACHE_MB=0 (every request searched), plain CGI.  The requests
# cycle through the 210 queries of bench/queries.txt (with format=html
# on every third) and a few completions, so the cached figure is that of
# a warm cache; the uncached one is the engine's.
set -eu
build=$(cd "${1:?usage: bench_http.sh BUILDDIR [SECONDS] [CONNECTIONS]}" && pwd)
secs=${2:-10}
conns=${3:-16}
src=$(cd "$(dirname "$0")/.." && pwd)
command -v wrk >/dev/null || { echo "bench_http: wrk not installed (apt-get install wrk)" >&2; exit 1; }
lighttpd=$(command -v lighttpd || echo /usr/sbin/lighttpd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ra-bench.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
# RA_BENCH_DB: an existing index (e.g. of 20,000 generated articles)
# instead of indexing corpus/.
if [ -n "${RA_BENCH_DB:-}" ]; then
  ln -s "$RA_BENCH_DB" "$tmp/db"
  what="index $RA_BENCH_DB"
else
  "$build/indexer/ra-index" --quiet --db "$tmp/db" "$src/corpus"
  what="corpus/ ($(ls "$src"/corpus/*.txt | wc -l) pages)"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The fixed query set, URL-encoded, plus completions and an HTML page now
# and then, as the website sends them.
python3 - "$src/bench/queries.txt" >"$tmp/paths.lua" <<'PY'
import sys, urllib.parse
qs = []
for line in open(sys.argv[1], encoding="utf-8"):
    if not line.strip() or line.startswith("#"): continue
    q = line.rstrip("\n").split("\t")[1]
    p = "q=" + urllib.parse.quote_plus(q)
    if len(qs) % 3 == 2: p += "&format=html"
    qs.append(p)
qs += ["complete=ment", "complete=res", "complete=net", "complete=well"]
print("local qs = {" + ",".join('"%s"' % p for p in qs) + "}")
PY
cat >>"$tmp/paths.lua" <<'LUA'
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/search?" .. qs[(i % #qs) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.2f %.2f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
LUA
threads=2; [ "$conns" -lt 2 ] && threads=1
echo "endpoint through lighttpd, $conns connections, ${secs}s, $what"
for setup in fastcgi fastcgi-nocache cgi; do
  conf=lighttpd.conf; cache=""
  case $setup in
    fastcgi) mode="FastCGI" ;;
    fastcgi-nocache) mode="FastCGI, no cache"; cache=0 ;;
    cgi) mode="CGI"; conf=lighttpd-cgi.conf ;;
  esac
  mkdir -p "$tmp/state"
  RA_CACHE_MB=$cache RA_PORT=$port RA_WEB="$src/web" RA_CGI="$build/query/ra-cgi" RASEARCH_DB="$tmp/db" \
    RA_STATE="$tmp/state" "$lighttpd" -D -f "$src/conf/$conf" &
  pid=$!
  i=0; until curl -s -o /dev/null "http://127.0.0.1:$port/" || [ $i -gt 50 ]; do sleep 0.1; i=$((i+1)); done
  curl -s -o /dev/null "http://127.0.0.1:$port/search?q=warmup"
  r=$(wrk -t$threads -c"$conns" -d"${secs}s" -s "$tmp/paths.lua" "http://127.0.0.1:$port" | sed -n 's/^RESULT //p')
  set -- $r
  printf '%-18s %8s req/s   p50 %7s ms   p99 %7s ms   non-2xx %s   socket errors %s\n' "$mode" "$1" "$2" "$3" "$4" "$5"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
