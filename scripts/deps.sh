#!/bin/sh
# deps.sh - install the Debian 12 packages rasearch needs, and only those
# that are missing.  Safe to run again: with everything present it changes
# nothing and does not touch the network.  Non-interactive (CI has no stdin).
#
#   deps.sh           build dependencies (README command 1), and
#                     xapian-tools: xapian-tcpsrv and xapian-progsrv serve
#                     the shards of a cluster (docs/scale.md), xapian-delve
#                     looks into an index or a shard (tests/shards.sh)
#   deps.sh --test    also what the test suite drives: lighttpd and curl
#                     (endpoint tests), clang (libFuzzer), chromium + node
#                     and playwright-core from npm (browser test), the
#                     benchmark's peers and gnuplot for its smoke test
#   deps.sh --bench   also the peers and tools of the benchmarks, and for
#                     bench/pagefind/run chromium + node with Pagefind and
#                     playwright-core from npm (in bench/pagefind/)
set -eu
MODE=${1:-}

PKGS="build-essential autoconf automake autoconf-archive libtool pkg-config
      libxapian-dev libicu-dev libstemmer-dev zlib1g-dev libjansson-dev
      libfcgi-dev liburiparser-dev xapian-tools"
case $MODE in
  --test) PKGS="$PKGS lighttpd curl clang chromium nodejs time xapian-omega jq python3
                sqlite3 libsqlite3-dev gnuplot-nox" ;;
  --bench) PKGS="$PKGS lighttpd curl clang xapian-omega sqlite3 jq python3
                 libsqlite3-dev gnuplot-nox wrk time chromium nodejs" ;;
  "") ;;
  *) echo "usage: deps.sh [--test|--bench]" >&2; exit 2 ;;
esac

missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
       grep -q '^install ok installed$'; then
    missing="$missing $p"
  fi
done

# nodejs from some repositories bundles npm; Debian's needs the npm package.
if [ "$MODE" != "" ] && ! command -v npm >/dev/null 2>&1; then
  missing="$missing npm"
fi

install_npm_modules() {
  top=$(cd "$(dirname "$0")/.." && pwd)
  if [ "$MODE" = --bench ]; then
    # bench/pagefind/run: Pagefind (its own binary) and playwright-core,
    # in a bench-local node_modules (nothing installed globally).
    [ -d "$top/bench/pagefind/node_modules/pagefind" ] &&
      [ -d "$top/bench/pagefind/node_modules/playwright-core" ] && return 0
    echo "deps: npm install (bench/pagefind: pagefind, playwright-core)"
    (cd "$top/bench/pagefind" && npm ci --no-audit --no-fund --loglevel=error </dev/null) ||
      echo "deps: npm install failed: bench/pagefind/run will say what is missing" >&2
    return 0
  fi
  # The browser test drives Debian's chromium through playwright-core.
  [ "$MODE" = --test ] || return 0
  [ -d "$top/tests/browser/node_modules/playwright-core" ] && return 0
  echo "deps: npm install (tests/browser: playwright-core)"
  (cd "$top/tests/browser" && npm ci --no-audit --no-fund --loglevel=error </dev/null) ||
    echo "deps: npm install failed: the browser test will be skipped" >&2
}

if [ -z "$missing" ]; then
  echo "deps: all dependencies are installed"
  install_npm_modules
  exit 0
fi

echo "deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo -n"
else
  echo "deps: need root (or sudo) to install:$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Package lists may be stale or absent on a fresh machine: try, update, retry.
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -q --no-install-recommends $missing </dev/null; then
  $SUDO apt-get update -q </dev/null
  $SUDO apt-get install -y -q --no-install-recommends $missing </dev/null
fi
install_npm_modules
