#!/bin/bash
# compare.sh OLD_BIN NEW_BIN CORPUS OUT - does a change keep behaviour
# byte for byte?  OLD_BIN and NEW_BIN are directories holding the ra-index,
# ra-query and ra-cgi of two builds; CORPUS is a generated corpus (generate
# it once, with one generator, for both sides).  Compares ra-index --dump of
# every corpus/ page, the whole index of CORPUS and of corpus/ (terms with
# their frequencies, wdf, positions, values, data, spelling, synonyms,
# metadata but build time, and the tag table file but its uuid), ra-query
# JSON and --explain for every query of bench/queries.txt, and ra-cgi's
# answers to every request of the endpoint tests.  Exit 1 on a difference.
set -u
[ $# -eq 4 ] || { echo "usage: compare.sh OLD_BIN NEW_BIN CORPUS OUT" >&2; exit 2; }
old=$1 new=$2 gen=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
xdump=$out/xdump
mkdir -p "$out"
g++ -O2 -o "$xdump" "$here/xdump.cc" $(pkg-config --cflags --libs xapian-core) || exit 2
rm -rf "$out/old" "$out/new"
fail=0
note() { echo "$*"; }
diffit() { # name fileA fileB
  if cmp -s "$2" "$3"; then note "same: $1"; else note "DIFF: $1"; diff "$2" "$3" | head -20; fail=1; fi
}
for side in old new; do
  bin=${!side}
  d=$out/$side; mkdir -p $d
  # 1. dumps of every sample page
  for p in $src/corpus/*.txt; do
    echo "== $(basename $p)"; "$bin/ra-index" --dump "$p" 2>&1; echo "rc=$?"
  done > $d/dumps.txt
  # 2. index the 1,000-article corpus and the sample corpus
  "$bin/ra-index" -q --db $d/idx1000 "$gen" > $d/index1000.log 2>&1; echo "rc=$?" >> $d/index1000.log
  "$bin/ra-index" -q --db $d/idxc $src/corpus > $d/indexc.log 2>&1; echo "rc=$?" >> $d/indexc.log
  "$xdump" $d/idx1000 ra:built > $d/xdump1000.txt
  "$xdump" $d/idxc ra:built > $d/xdumpc.txt
  python3 - $d/idx1000/gen-000001/rasearch-facets $d/facets.bin <<'PY'
import sys
b=bytearray(open(sys.argv[1],'rb').read()); b[32:72]=b'\0'*40; open(sys.argv[2],'wb').write(b)
PY
  # 3. queries
  grep -v '^#' $src/bench/queries.txt | cut -f2 | while IFS= read -r q; do
    [ -n "$q" ] || continue
    echo "== $q"
    "$bin/ra-query" --db $d/idx1000 --format json -- "$q" 2>&1 | sed 's/"revision":[0-9]*/"revision":R/; s/"generation":"[^"]*"/"generation":G/'; echo "rc=${PIPESTATUS[0]}"
    "$bin/ra-query" --db $d/idx1000 --explain -- "$q" > $d/ex.tmp 2>&1; echo "rc=$?"; head -60 $d/ex.tmp
  done > $d/queries.txt
  for a in "--tags" "--complete ment" "--complete resid" "--complete zzzqq" "--related 000017_" "mentorsip" "post-match"; do
    echo "== $a"; "$bin/ra-query" --db $d/idxc $a 2>&1; echo "rc=$?"
  done > $d/misc.txt
  # 4. CGI requests: those of the endpoint tests, on the sample index
  grep -ho "cgi \(GET \|HEAD \|POST \)\?'[^']*'" $src/tests/cgi.sh $src/tests/bad_input.sh | sort -u > $out/cgi_requests.txt
  while IFS= read -r line; do
    m=GET; rest=${line#cgi }
    case $rest in GET*|HEAD*|POST*) m=${rest%% *}; rest=${rest#* };; esac
    qs=${rest#\'}; qs=${qs%\'}
    echo "== $m $qs"
    env -i REQUEST_METHOD="$m" QUERY_STRING="$qs" SCRIPT_NAME=/search RASEARCH_DB=$d/idxc "$bin/ra-cgi" 2>&1 | sed 's/^ETag: .*/ETag: E/; s/"revision":[0-9]*/"revision":R/; s/"generation":"[^"]*"/"generation":G/'; echo "rc=${PIPESTATUS[0]}"
  done < $out/cgi_requests.txt > $d/cgi.txt
done
diffit "ra-index --dump of corpus/" $out/old/dumps.txt $out/new/dumps.txt
diffit "indexing log (1000)" $out/old/index1000.log $out/new/index1000.log
diffit "index contents (1000): terms, freqs, wdf, positions, values, data, spelling, synonyms, metadata" $out/old/xdump1000.txt $out/new/xdump1000.txt
diffit "index contents (corpus/)" $out/old/xdumpc.txt $out/new/xdumpc.txt
diffit "tag table file (uuid aside)" $out/old/facets.bin $out/new/facets.bin
diffit "ra-query json + explain, bench/queries.txt" $out/old/queries.txt $out/new/queries.txt
diffit "ra-query misc" $out/old/misc.txt $out/new/misc.txt
diffit "ra-cgi responses ($(wc -l < $out/cgi_requests.txt) requests)" $out/old/cgi.txt $out/new/cgi.txt
wc -l $out/old/*.txt | tail -1
exit $fail
