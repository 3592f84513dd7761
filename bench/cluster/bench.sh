#!/bin/bash
# bench.sh - what sharding costs and gives, on SIZE generated articles:
#
#   1. build: one `ra-index --jobs 1` builder of everything, then each
#      shard of N = 2 and 4 alone (`--shard K/N --jobs 1`, one after the
#      other, so they do not share the cores), and the cluster step
#      (`ra-index --cluster`).  N machines rebuild in the slowest shard's
#      time plus the cluster step's.
#   2. query latency (bench_query, in-process, the whole answer: ranking,
#      snippets, facets) over bench/queries.txt: the one local index, and
#      the 2- and 4-shard clusters, each shard behind its own
#      xapian-tcpsrv on loopback.
#   3. FastCGI requests/s over the 2-shard cluster through lighttpd
#      (bench/bench_http.sh: with the answer cache, and without).
#
#   bash bench/cluster/bench.sh BUILDDIR SIZE [WORKDIR] [STEPS]
#
# WORKDIR (default /tmp/ra-cluster-bench) keeps the corpus and indexes
# between runs: a step whose output exists is not redone (delete the
# directory to start over).  STEPS: any of "build query http" (default all).
# Disk: about 40 KB per article per copy (corpus 5 KB, one index ~12 KB,
# the shard sets as much again each): 50,000 articles take ~2.5 GB,
# 200,000 ~10 GB.  Prints Markdown rows for bench/RESULTS.md.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu
build=$(cd "${1:?usage: bench.sh BUILDDIR SIZE [WORKDIR] [STEPS]}" && pwd)
size=${2:?usage: bench.sh BUILDDIR SIZE [WORKDIR] [STEPS]}
work=${3:-/tmp/ra-cluster-bench}
steps=${4:-build query http}
src=$(cd "$(dirname "$0")/../.." && pwd)
idx="$build/indexer/ra-index"
mkdir -p "$work"
work=$(cd "$work" && pwd)
corpus="$work/corpus-$size"
. "$src/tests/cluster_lib.sh"
trap 'ra_tcpsrv_stop_all' EXIT INT TERM

secs() { # secs CMD...: run it, print its wall-clock seconds and peak RSS (MB)
  /usr/bin/time -f '%e %M' -o "$work/time.out" "$@" >/dev/null 2>"$work/cmd.err" || {
    cat "$work/cmd.err" >&2
    return 1
  }
  awk '{ printf "%.1f s %.0f MB", $1, $2 / 1024 }' "$work/time.out"
}

if [ ! -d "$corpus" ]; then
  echo "# generating $size articles into $corpus" >&2
  "$build/bench/gen_corpus" -q --count "$size" --seed 7 --out "$corpus"
fi

case " $steps " in *" build "*)
  echo "| step ($size articles) | wall | peak RSS |"
  echo "|---|---|---|"
  if [ ! -f "$work/one-$size/XAPIANDB" ]; then
    echo "| one builder, --jobs 1 | $(secs "$idx" --quiet --rebuild --jobs 1 --db "$work/one-$size" "$corpus") |"
  fi
  for n in 2 4; do
    d="$work/s$n-$size"
    mkdir -p "$d"
    k=1
    : >"$d/cluster"
    while [ $k -le $n ]; do
      if [ ! -f "$d/shard-$k/XAPIANDB" ]; then
        echo "| shard $k/$n alone, --jobs 1 | $(secs "$idx" --quiet --rebuild --jobs 1 --shard $k/$n --db "$d/shard-$k" "$corpus") |"
      fi
      echo "shard $k/$n $d/shard-$k" >>"$d/cluster"
      k=$((k + 1))
    done
    echo "| cluster step (lexicon of $n shards) | $(secs "$idx" --cluster "$d/cluster") |"
  done
  echo "| disk: corpus $(du -sh "$corpus" | cut -f1), one index $(du -sh "$work/one-$size" | cut -f1), 2 shards $(du -sh "$work/s2-$size" | cut -f1), 4 shards $(du -sh "$work/s4-$size" | cut -f1) | | |"
;; esac

# serve_cluster N: start a xapian-tcpsrv per shard of the N-shard set and
# write $work/s$N-$size/cluster-tcp listing them.
serve_cluster() {
  d="$work/s$1-$size"
  : >"$d/cluster-tcp"
  k=1
  while [ $k -le "$1" ]; do
    ra_tcpsrv_start "$d/shard-$k"
    echo "shard $k/$1 127.0.0.1:$RA_TCPSRV_PORT" >>"$d/cluster-tcp"
    k=$((k + 1))
  done
  "$idx" --cluster "$d/cluster-tcp" >/dev/null
}

case " $steps " in *" query "*)
  echo
  echo "| index ($size articles) | query latency, in-process (bench_query --warm 1) |"
  echo "|---|---|"
  echo "| one local index | $("$build/bench/bench_query" --db "$work/one-$size" --warm 1 "$src/bench/queries.txt") |"
  for n in 2 4; do
    serve_cluster $n
    echo "| $n shards, xapian-tcpsrv on loopback | $("$build/bench/bench_query" --db "$work/s$n-$size/cluster-tcp" --warm 1 "$src/bench/queries.txt") |"
    ra_tcpsrv_stop_all
  done
;; esac

case " $steps " in *" http "*)
  serve_cluster 2
  echo
  echo "FastCGI over the 2-shard cluster ($size articles), bench/bench_http.sh 10 s, 16 connections:"
  echo '```'
  RA_BENCH_DB="$work/s2-$size/cluster-tcp" sh "$src/bench/bench_http.sh" "$build" 10 16 | grep -v '^CGI ' || true
  echo '```'
  ra_tcpsrv_stop_all
;; esac
