#!/bin/sh
# serve.sh - `make serve` / `make serve-cgi`: lighttpd on 127.0.0.1 serving
# the search page (web/) and the endpoint (/search) over FastCGI or CGI, in
# the foreground (Ctrl-C stops it).  Indexes corpus/ first if the index is
# missing.  Usage: serve.sh fastcgi|cgi BUILDDIR SRCDIR
# Environment: PORT (default 8080), RASEARCH_DB (default: the compiled-in
# index directory, as for ra-query; a cluster file is served as it is, see
# conf/serve-cluster.sh), RA_STATE (lighttpd's socket and logs; default
# BUILDDIR/var/lighttpd).
set -eu
mode=$1 builddir=$2 srcdir=$3
case $mode in
  fastcgi) conf=lighttpd.conf ;;
  cgi) conf=lighttpd-cgi.conf ;;
  *) echo "serve.sh: mode must be fastcgi or cgi, got '$mode'" >&2; exit 2 ;;
esac
lighttpd=$(command -v lighttpd || echo /usr/sbin/lighttpd)
[ -x "$lighttpd" ] || { echo "serve.sh: lighttpd not found: apt-get install lighttpd" >&2; exit 1; }
if [ -z "${RASEARCH_DB:-}" ]; then
  RASEARCH_DB=$("$builddir/query/ra-cgi" --help | sed -n 's/^Index: \$RASEARCH_DB, else //p')
fi
if [ ! -f "$RASEARCH_DB" ] && [ ! -f "$RASEARCH_DB/XAPIANDB" ]; then
  echo "serve.sh: no index at $RASEARCH_DB: indexing $srcdir/corpus"
  "$builddir/indexer/ra-index" --quiet --db "$RASEARCH_DB" "$srcdir/corpus"
fi
state=${RA_STATE:-"$builddir/var/lighttpd"}
mkdir -p "$state"
echo "serve.sh: http://127.0.0.1:${PORT:-8080}/ ($mode, index $RASEARCH_DB); Ctrl-C stops"
RA_PORT=${PORT:-8080} RA_WEB="$srcdir/web" RA_CGI="$builddir/query/ra-cgi" \
  RASEARCH_DB="$RASEARCH_DB" RA_STATE="$state" \
  exec "$lighttpd" -D -f "$srcdir/conf/$conf"
