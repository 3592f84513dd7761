#!/bin/sh
# run-quick.sh - the quick benchmark behind `make bench`: analysis
# throughput (bench_analyze) and the full index time of corpus/ (median of
# several runs of ra-index).  Figures go to stdout; copy them, with this
# command, into bench/RESULTS.md.
#
#   sh bench/run-quick.sh BUILDDIR SRCDIR [RUNS]
set -eu
B=${1:-build}; S=${2:-.}; RUNS=${3:-11}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ra-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
pages=$(ls "$S"/corpus/*.txt | grep -v -e '/tags.txt$' -e '/synonyms.txt$')
# shellcheck disable=SC2086
echo "# corpus: $(echo "$pages" | wc -l) pages, $(cat $pages | wc -c) bytes"
# shellcheck disable=SC2086
"$B/bench/bench_analyze" --repeat 200 $pages

# Full index of corpus/: each run a complete rebuild, compaction and
# publication; then reruns with nothing changed (updates).
for mode in --rebuild update; do
  i=0
  : > "$tmp/times"
  while [ $i -lt "$RUNS" ]; do
    s=$(date +%s.%N)
    if [ "$mode" = --rebuild ]; then
      "$B/indexer/ra-index" --quiet --rebuild --db "$tmp/db" "$S/corpus"
    else
      "$B/indexer/ra-index" --quiet --db "$tmp/db" "$S/corpus"
    fi
    e=$(date +%s.%N)
    echo "$s $e" | awk '{printf "%.4f\n", $2 - $1}' >> "$tmp/times"
    i=$((i + 1))
  done
  sort -n "$tmp/times" | awk -v n="$RUNS" -v what="$mode" '
    { t[NR] = $1 }
    END { printf "%s corpus/: median %.1f ms, min %.1f ms, max %.1f ms (%d runs, wall clock incl. process start and fsync)\n",
          what == "--rebuild" ? "full rebuild of" : "update (nothing changed) of",
          t[int((n + 1) / 2)] * 1000, t[1] * 1000, t[n] * 1000, n }'
done
