#!/bin/sh
# run-indexer.sh - rebuild benchmarks for maintainers (issue 3): on a
# generated corpus, rasearch full rebuild (--jobs 1 and all cores) against
# Xapian Omega's omindex on the same files in the same run (alternating,
# median of RUNS), then a rerun with nothing changed and with 1% changed.
#
#   sh bench/run-indexer.sh [-n ARTICLES] [-r RUNS] [-b BUILDDIR] [-w WORKDIR]
#
# Needs omindex (Debian xapian-omega).  Prints a Markdown report; Ctrl-C
# stops cleanly and removes the work directory.
set -eu
N=20000; RUNS=3; B=build; W=""
while [ $# -gt 0 ]; do
  case $1 in
    -n) N=$2; shift 2 ;;
    -r) RUNS=$2; shift 2 ;;
    -b) B=$2; shift 2 ;;
    -w) W=$2; shift 2 ;;
    *) echo "usage: run-indexer.sh [-n ARTICLES] [-r RUNS] [-b BUILDDIR] [-w WORKDIR]" >&2; exit 2 ;;
  esac
done
command -v omindex >/dev/null || { echo "run-indexer: omindex missing: apt-get install xapian-omega" >&2; exit 2; }
[ -x "$B/indexer/ra-index" ] || { echo "run-indexer: no $B/indexer/ra-index: build first" >&2; exit 2; }
W=${W:-$(mktemp -d "${TMPDIR:-/tmp}/ra-bench-idx.XXXXXX")}
mkdir -p "$W"
cleanup() { rm -rf "$W"; }
trap cleanup EXIT
trap 'echo "run-indexer: interrupted" >&2; exit 130' INT TERM

C="$W/corpus"
echo "generating $N articles..." >&2
"$B/bench/gen_corpus" -q --count "$N" --out "$C"
bytes=$(find "$C" -name '*.txt' ! -name tags.txt -print0 | xargs -0 cat | wc -c)

# t CMD...: wall seconds and peak RSS (KB) of CMD -> "secs kb"
t() {
  /usr/bin/time -f "%e %M" -o "$W/time" "$@" >/dev/null 2>"$W/stderr" ||
    { cat "$W/stderr" >&2; echo "run-indexer: failed: $*" >&2; exit 5; }
  cat "$W/time"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

cores=$(nproc)
: > "$W/ra1"; : > "$W/raN"; : > "$W/om"; : > "$W/mem1"; : > "$W/memN"; : > "$W/memom"
i=0
while [ "$i" -lt "$RUNS" ]; do
  echo "run $((i + 1))/$RUNS: rasearch -j1, omindex, rasearch -j$cores" >&2
  rm -rf "$W/db1"; set -- $(t "$B/indexer/ra-index" -q --db "$W/db1" --rebuild --jobs 1 "$C"); echo "$1" >> "$W/ra1"; echo "$2" >> "$W/mem1"
  rm -rf "$W/om.db"; set -- $(t omindex --db "$W/om.db" --url / "$C"); echo "$1" >> "$W/om"; echo "$2" >> "$W/memom"
  rm -rf "$W/dbN"; set -- $(t "$B/indexer/ra-index" -q --db "$W/dbN" --rebuild --jobs "$cores" "$C"); echo "$1" >> "$W/raN"; echo "$2" >> "$W/memN"
  i=$((i + 1))
done
ra1=$(median < "$W/ra1"); raN=$(median < "$W/raN"); om=$(median < "$W/om")

# Reruns on the -jN index.
: > "$W/nochg"; : > "$W/chg"
i=0
while [ "$i" -lt "$RUNS" ]; do
  echo "rerun $((i + 1))/$RUNS: nothing changed, then 1% changed" >&2
  set -- $(t "$B/indexer/ra-index" -q --db "$W/dbN" "$C"); echo "$1" >> "$W/nochg"
  "$B/bench/gen_corpus" -q --out "$C" --mutate 1
  set -- $(t "$B/indexer/ra-index" -q --db "$W/dbN" --stats-json "$W/stats.json" "$C"); echo "$1" >> "$W/chg"
  i=$((i + 1))
done
nochg=$(median < "$W/nochg"); chg=$(median < "$W/chg")
updated=$(sed -n 's/^ *"updated": \([0-9]*\).*/\1/p' "$W/stats.json")
size_ra=$(du -sk "$W/dbN" | cut -f1); size_om=$(du -sk "$W/om.db" | cut -f1)

awk -v n="$N" -v bytes="$bytes" -v runs="$RUNS" -v cores="$cores" \
    -v ra1="$ra1" -v raN="$raN" -v om="$om" -v nochg="$nochg" -v chg="$chg" \
    -v upd="$updated" -v m1="$(median < "$W/mem1")" -v mN="$(median < "$W/memN")" \
    -v mom="$(median < "$W/memom")" -v sra="$size_ra" -v som="$size_om" '
BEGIN {
  mb = bytes / 1e6
  printf "corpus: %d generated articles, %.1f MB; median of %d alternating runs\n\n", n, mb, runs
  printf "| run | wall s | MB/s | peak RSS MB | vs omindex |\n|---|---:|---:|---:|---:|\n"
  printf "| omindex (xapian-omega) | %.2f | %.1f | %.0f | 1.00x |\n", om, mb / om, mom / 1024
  printf "| ra-index --rebuild --jobs 1 | %.2f | %.1f | %.0f | %.2fx |\n", ra1, mb / ra1, m1 / 1024, om / ra1
  printf "| ra-index --rebuild --jobs %d | %.2f | %.1f | %.0f | %.2fx |\n", cores, raN, mb / raN, mN / 1024, om / raN
  printf "| ra-index rerun, nothing changed | %.2f | | | |\n", nochg
  printf "| ra-index rerun, 1%% changed (%d updated) | %.2f (%.1f%% of the rebuild) | | | |\n", upd, chg, 100 * chg / raN
  printf "\nindex size: rasearch %.1f MB (with compressed full text), omindex %.1f MB\n", sra / 1024, som / 1024
}'
