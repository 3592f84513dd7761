# lib.sh - tiny TAP helpers for the shell tests (sourced, POSIX sh).
# Needs RA_INDEX, RA_QUERY and RA_SRCDIR (set by `make check`).
: "${RA_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${RA_INDEX:=$RA_SRCDIR/build/indexer/ra-index}"
: "${RA_QUERY:=$RA_SRCDIR/build/query/ra-query}"
CORPUS="$RA_SRCDIR/corpus"
T_N=0
T_FAILS=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ra-test.XXXXXX")
trap 'chmod -R u+w "$T_TMP" 2>/dev/null; rm -rf "$T_TMP"' EXIT
# Tests run without a terminal; make sure no user setting leaks in.
unset RASEARCH_DB NO_COLOR

ok() { # ok COND_STATUS DESCRIPTION
  T_N=$((T_N + 1))
  if [ "$1" -eq 0 ]; then echo "ok $T_N - $2"
  else echo "not ok $T_N - $2"; T_FAILS=$((T_FAILS + 1)); fi
}
is() { # is GOT WANT DESCRIPTION
  if [ "$1" = "$2" ]; then ok 0 "$3"
  else ok 1 "$3"; echo "#   got:  '$1'"; echo "#   want: '$2'"; fi
}
like() { # like TEXT SUBSTRING DESCRIPTION
  case $1 in *"$2"*) ok 0 "$3" ;; *) ok 1 "$3"; echo "#   '$2' not in:";
    printf '%s\n' "$1" | head -20 | sed 's/^/#   /' ;; esac
}
unlike() { # unlike TEXT SUBSTRING DESCRIPTION
  case $1 in *"$2"*) ok 1 "$3"; echo "#   unexpected '$2'" ;; *) ok 0 "$3" ;; esac
}
done_testing() { echo "1..$T_N"; [ "$T_FAILS" -eq 0 ]; }

# run CMD...: sets OUT, ERR, RC
run() {
  "$@" >"$T_TMP/out" 2>"$T_TMP/err"
  RC=$?
  OUT=$(cat "$T_TMP/out"); ERR=$(cat "$T_TMP/err")
}
# ids of hits in a JSON result, one per line (python3 is not required:
# the JSON is one line and ids are plain).
json_ids() { printf '%s' "$1" | grep -o '"rank":[0-9]*,"id":"[^"]*"' | sed 's/.*"id":"//; s/"$//'; }
