#!/bin/bash
# serve-cluster.sh - `make serve-cluster`: the search page and endpoint over
# a cluster on one machine (docs/scale.md), in the foreground.  Builds
# corpus/ into SHARDS shards if they are missing, serves each shard with
# two xapian-tcpsrv replicas on 127.0.0.1, writes a cluster file listing
# both, publishes its lexicon (ra-index --cluster) and runs lighttpd with
# ra-cgi over that file (conf/serve.sh).  Ctrl-C, or any exit, stops every
# server it started, each by its process group.
# Usage: serve-cluster.sh BUILDDIR SRCDIR
# Environment: PORT (default 8080): the web port; the shard servers listen
# on PORT+1 .. PORT+2*SHARDS (shard K's replicas on PORT+2K-1 and PORT+2K).
# SHARDS (default 2).  CLUSTER_DIR (default: `cluster` beside the
# compiled-in index directory, var/cluster for a scripts/setup build).
set -eu
builddir=$1 srcdir=$2
port=${PORT:-8080}
n=${SHARDS:-2}
ra_index="$builddir/indexer/ra-index"

die() { echo "serve-cluster: $*" >&2; exit 1; }
case $n in '' | *[!0-9]*) die "SHARDS=$n: expected a number of shards, 1-1024" ;; esac
[ "$n" -ge 1 ] && [ "$n" -le 1024 ] || die "SHARDS=$n: expected 1-1024"
case $port in '' | *[!0-9]*) die "PORT=$port: expected a TCP port" ;; esac
[ $((port + 2 * n)) -le 65535 ] || die "PORT=$port: the shard servers need ports up to $((port + 2 * n))"
command -v xapian-tcpsrv >/dev/null 2>&1 ||
  die "xapian-tcpsrv not found: apt-get install xapian-tools"
command -v setsid >/dev/null 2>&1 || die "setsid not found (util-linux)"
"$ra_index" --help 2>&1 | grep -q -- '--shards' ||
  die "$ra_index has no --shards option: rebuild it from a newer source"

if [ -z "${CLUSTER_DIR:-}" ]; then
  default_db=$("$builddir/query/ra-cgi" --help | sed -n 's/^Index: \$RASEARCH_DB, else //p')
  CLUSTER_DIR="$(dirname "$default_db")/cluster"
fi
mkdir -p "$CLUSTER_DIR"
dir=$(cd "$CLUSTER_DIR" && pwd)

# Build when a shard is missing or the shards are of another N.
built_n=$(sed -n 's|^shard [0-9]*/\([0-9]*\) .*|\1|p' "$dir/cluster" 2>/dev/null | head -1)
need=""
for ((k = 1; k <= n; k++)); do
  [ -f "$dir/shard-$k/XAPIANDB" ] || need="shard-$k missing"
done
[ -z "$built_n" ] || [ "$built_n" = "$n" ] || need="built as $built_n shards, SHARDS=$n"
if [ -n "$need" ]; then
  rebuild=""
  [ -z "$built_n" ] || [ "$built_n" = "$n" ] || rebuild=--rebuild
  echo "serve-cluster: $need: ra-index $rebuild --shards $n --db $dir $srcdir/corpus"
  "$ra_index" --quiet $rebuild --shards "$n" --db "$dir" "$srcdir/corpus"
fi

. "$srcdir/tests/cluster_lib.sh"
web_pgid=""
state="$builddir/var/lighttpd-cluster"
cleanup() {
  trap - EXIT INT TERM HUP
  if [ -n "$web_pgid" ]; then
    kill -TERM -- "-$web_pgid" 2>/dev/null || true
    wait "$web_pgid" 2>/dev/null || true
  fi
  # Had setsid forked, lighttpd's own pid file still names its group.
  if [ -s "$state/lighttpd.pid" ]; then
    kill -TERM -- "-$(cat "$state/lighttpd.pid")" 2>/dev/null || true
    rm -f "$state/lighttpd.pid"
  fi
  ra_tcpsrv_stop_all
  echo "serve-cluster: stopped"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

replicas=()
for ((k = 1; k <= n; k++)); do
  list=""
  for r in 1 2; do
    p=$((port + 2 * (k - 1) + r))
    rc=0
    ra_tcpsrv_start_on "$p" "$dir/shard-$k" || rc=$?
    [ "$rc" -eq 0 ] || die "shard $k/$n replica $r: cannot serve on 127.0.0.1:$p (PORT=N picks other ports)"
    list="$list${list:+ }127.0.0.1:$p"
  done
  replicas+=("$list")
  echo "serve-cluster: shard $k/$n on $list"
done
file="$dir/cluster-serve"
ra_cluster_write "$file" "$n" "${replicas[@]}"

# The lexicon (spelling, synonyms) beside the file; without it each ra-cgi
# process merges its own from the shards, so a failure only costs time.
"$ra_index" --cluster "$file" ||
  echo "serve-cluster: ra-index --cluster $file failed: readers merge the lexicon themselves" >&2

# lighttpd in its own process group too (it spawns the ra-cgi processes),
# in the background so that this shell's traps run on Ctrl-C.
RA_STATE="$state" RASEARCH_DB="$file" PORT=$port \
  setsid sh "$srcdir/conf/serve.sh" fastcgi "$builddir" "$srcdir" </dev/null &
web_pgid=$!
rc=0
wait "$web_pgid" || rc=$?
web_pgid=""
[ "$rc" -ge 128 ] || echo "serve-cluster: lighttpd exited ($rc)" >&2
exit "$rc"
