#!/bin/sh
# bootstrap.sh - generate ./configure from configure.ac when it is missing
# or older than its inputs (a fresh clone has no generated files).
set -eu
cd "$(dirname "$0")/.."
need=0
[ -x configure ] || need=1
[ -f build-aux/tap-driver.sh ] || need=1
for f in configure.ac Makefile.am; do
  [ "$need" -eq 1 ] || [ ! "$f" -nt configure ] || need=1
done
[ "$need" -eq 1 ] || exit 0
mkdir -p build-aux m4
autoreconf -fi
# automake ships the TAP driver but does not install it on its own.
cp "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
chmod +x build-aux/tap-driver.sh
