#!/bin/bash
# same.sh - the cluster answers as one index does, at benchmark size: SIZE
# generated articles (default 2,000, seed 7) as one index and as N shards
# (default 3) each behind its own xapian-tcpsrv on loopback; every query
# of bench/queries.txt through bench/cluster/compare.sh (same top 20 in
# the same order; totals and facets where counted exactly).
#
#   bash bench/cluster/same.sh BUILDDIR [SIZE] [N] [WORKDIR]
#
# Exit 0 when nothing differs.  tests/cluster.sh does the same on 200.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu
build=$(cd "${1:?usage: same.sh BUILDDIR [SIZE] [N] [WORKDIR]}" && pwd)
size=${2:-2000}
n=${3:-3}
work=${4:-/tmp/ra-cluster-same}
src=$(cd "$(dirname "$0")/../.." && pwd)
. "$src/tests/cluster_lib.sh"
trap 'ra_tcpsrv_stop_all' EXIT INT TERM
mkdir -p "$work"
c="$work/corpus-$size"
[ -d "$c" ] || "$build/bench/gen_corpus" -q --count "$size" --seed 7 --out "$c"
"$build/indexer/ra-index" --quiet --db "$work/one-$size" "$c"
"$build/indexer/ra-index" --quiet --shards "$n" --db "$work/s$n-$size" "$c"
lines=()
for ((k = 1; k <= n; k++)); do
  ra_tcpsrv_start "$work/s$n-$size/shard-$k" >/dev/null
  lines+=("127.0.0.1:$RA_TCPSRV_PORT")
done
ra_cluster_write "$work/cluster-tcp" "$n" "${lines[@]}"
"$build/indexer/ra-index" --quiet --cluster "$work/cluster-tcp"
echo "same.sh: $size articles, one index vs $n shards behind xapian-tcpsrv (${lines[*]})"
sh "$src/bench/cluster/compare.sh" "$build/query/ra-query" "$work/one-$size" \
  "$work/cluster-tcp" "$src/bench/queries.txt"
