#!/bin/sh
# omega.sh - the Xapian Omega peer of bench/run: sets up a
# private omega CGI configuration, so the stock omega binary of Debian's
# xapian-omega answers queries on the omindex database that bench/run
# builds, with nothing written outside DIR.
#
#   sh bench/peers/omega.sh setup DIR
#       writes DIR/omega.conf (database_dir DIR/data, template_dir
#       DIR/templates, log and cdb dirs in DIR) and DIR/templates: the
#       stock templates plus "bench", the stock "query" template with
#       wildcards on (Omega's default query template leaves them off).
#   OMEGA_CONFIG_FILE=DIR/omega.conf QUERY_STRING='DB=default&DEFAULTOP=and&FMT=bench&P=...' \
#       /usr/lib/cgi-bin/omega/omega
#       one query, as bench/run times it (bench_query --cgi).
#
# The database to index into is DIR/data/default (omindex --db).
set -eu
[ "${1:-}" = setup ] && [ $# -eq 2 ] || { echo "usage: omega.sh setup DIR" >&2; exit 2; }
D=$2
T=/usr/share/xapian-omega/templates
[ -d "$T" ] || { echo "omega.sh: $T missing (apt-get install xapian-omega)" >&2; exit 2; }
mkdir -p "$D/data" "$D/log" "$D/cdb" "$D/templates"
cp -R "$T/." "$D/templates/"
{ echo '$set{flag_wildcard,true}'; cat "$T/query"; } > "$D/templates/bench"
cat > "$D/omega.conf" <<CONF
database_dir $D/data
template_dir $D/templates
log_dir $D/log
cdb_dir $D/cdb
CONF
