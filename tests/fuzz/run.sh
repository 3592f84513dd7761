#!/bin/sh
# run.sh - build the libFuzzer targets (clang, ASan + UBSan) and run each
# for a bounded time from its seed corpus, after replaying every saved
# regression input.  Speaks TAP (it is a `make check` test).
#
#   sh tests/fuzz/run.sh                 # 7 s per target (make check: about
#                                        # a minute with the clang build)
#   sh tests/fuzz/run.sh --long 600      # a longer run: 10 min per target
#
# Under `make check` it runs in the sanitizer build only (RA_SAN_FLAGS set
# by configure --enable-asan), so scripts/test fuzzes once; RA_FUZZ=1 forces
# it.  Crashes are saved in BUILDDIR/tests/fuzz-crashes/TARGET-*; copy one
# into tests/fuzz/regress/TARGET/ to keep it as a regression test.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${RA_SRCDIR:-$(cd "$here/../.." && pwd)}
build=${RA_BUILDDIR:-$src/build}
secs=${RA_FUZZ_SECONDS:-7}
[ "${1:-}" = "--long" ] && { secs=${2:-600}; RA_FUZZ=1; }
targets="article analyze qparse snippet request record"
n=0

skip_all() { echo "ok 1 # SKIP $1"; echo "1..1"; exit 0; }
if [ "${RA_FUZZ:-}" != 1 ] && [ -n "${RA_BUILDDIR:-}" ] && [ -z "${RA_SAN_FLAGS:-}" ]; then
  skip_all "fuzzing runs in the sanitizer build (or set RA_FUZZ=1)"
fi
command -v clang >/dev/null 2>&1 && command -v clang++ >/dev/null 2>&1 ||
  skip_all "clang not installed (apt-get install clang)"

out="$build/tests/fuzz-build"
crashes="$build/tests/fuzz-crashes"
mkdir -p "$out" "$crashes"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
pc=$(pkg-config --cflags xapian-core icu-uc icu-i18n jansson fcgi liburiparser zlib)
libs="$(pkg-config --libs xapian-core icu-uc icu-i18n jansson fcgi liburiparser zlib) -lstemmer"
cflags="-g -O1 -std=gnu11 -fno-omit-frame-pointer $san -fsanitize=fuzzer-no-link -I$src/lib -I$build $pc"

# Every library module, compiled with coverage instrumentation, so a new
# module needs no entry here; recompiled when the source is newer.
objs=""
ok_build=0
for s in "$src"/lib/*.c "$src/lib/xap.cc"; do
  m=$(basename "$s"); m=${m%.*}; cc="clang $cflags"
  [ "$m" = xap ] && cc="clang++ -g -O1 -fno-omit-frame-pointer $san -fsanitize=fuzzer-no-link -I$src/lib -I$build $pc"
  o="$out/$m.o"
  if [ ! -f "$o" ] || [ "$s" -nt "$o" ] || [ -n "$(find "$src/lib" -name '*.h' -newer "$o" 2>/dev/null | head -1)" ]; then
    $cc -c "$s" -o "$o" 2>"$out/$m.log" || { ok_build=1; sed 's/^/# /' "$out/$m.log" | head -20; }
  fi
  objs="$objs $o"
done

for t in $targets; do
  n=$((n + 1))
  bin="$out/fuzz_$t"
  if ! clang $cflags -D_GNU_SOURCE -c "$here/fuzz_$t.c" -o "$out/fuzz_$t.o" 2>"$out/fuzz_$t.log" ||
     ! clang++ $san -fsanitize=fuzzer "$out/fuzz_$t.o" $objs $libs -o "$bin" 2>>"$out/fuzz_$t.log"; then
    echo "not ok $n - fuzz_$t builds"; sed 's/^/# /' "$out/fuzz_$t.log" | head -20
    continue
  fi
  # Regression inputs first: each must run clean.
  reg="$here/regress/$t"
  if [ -d "$reg" ] && [ -n "$(ls "$reg" 2>/dev/null | grep -v README)" ]; then
    if ! ASAN_OPTIONS=detect_leaks=1 "$bin" $(ls -d "$reg"/* | grep -v README) >"$out/$t.reg.log" 2>&1; then
      echo "not ok $n - fuzz_$t regression inputs"; tail -30 "$out/$t.reg.log" | sed 's/^/# /'
      continue
    fi
  fi
  work="$out/corpus-$t"
  mkdir -p "$work"
  maxlen=4096
  case $t in article|snippet|record) maxlen=32768 ;; esac
  if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 "$bin" \
       -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=$maxlen \
       -print_final_stats=1 -artifact_prefix="$crashes/$t-" \
       "$work" "$here/seeds/$t" >"$out/$t.log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
    echo "ok $n - fuzz_$t: ${execs:-?} runs in ${secs}s, no crash"
  else
    echo "not ok $n - fuzz_$t found a crash (input in $crashes/$t-*)"
    grep -E 'ERROR|SUMMARY|#[0-9]+ 0x' "$out/$t.log" | head -25 | sed 's/^/# /'
  fi
done
n=$((n + 1))
if [ $ok_build -eq 0 ]; then echo "ok $n - library compiled with clang"; else echo "not ok $n - library compiled with clang"; fi
echo "1..$n"
