#!/bin/bash
# cluster_lib_test.sh - tests/cluster_lib.sh: xapian-tcpsrv started on free
# loopback ports, a taken port and a bad directory told apart, a cluster
# file of two replicas read by ra-query, failover when the first replica's
# process group is stopped (with the child serving an open connection),
# and exit 8 when none is left.  SKIPs without xapian-tools.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${RA_SRCDIR:-..}/tests/lib.sh"

if ! command -v xapian-tcpsrv >/dev/null 2>&1 || ! command -v xapian-metadata >/dev/null 2>&1 ||
  ! command -v setsid >/dev/null 2>&1; then
  echo "ok 1 # SKIP xapian-tcpsrv not installed (apt-get install xapian-tools)"
  echo "1..1"
  exit 0
fi

RA_TCPSRV_STATE="$T_TMP/tcpsrv"
. "$RA_SRCDIR/tests/cluster_lib.sh"
trap 'ra_tcpsrv_stop_all; chmod -R u+w "$T_TMP" 2>/dev/null; rm -rf "$T_TMP"' EXIT
trap 'exit 1' INT TERM

DB="$T_TMP/db"
"$RA_INDEX" --quiet --db "$DB" "$CORPUS" >/dev/null 2>&1
ok $? "index built"
# A whole index made shard 1 of 1, so that `shard 1/1` lines accept it.
gen=$(sed -n 's/^glass //p' "$DB/XAPIANDB")
xapian-metadata set "$DB/$gen" ra:shard 1/1
ok $? "marked shard 1/1"

read -r p1 g1 < <(ra_tcpsrv_start "$DB")
ok $? "first server started in a subshell"
like "$p1 $g1" " " "it printed PORT PGID"
[ "$p1" -ge 20000 ] && [ "$p1" -le 60999 ]
ok $? "port $p1 in 20000-60999"
ra_tcp_accepts "$p1"
ok $? "it accepts connections"

ra_tcpsrv_start "$DB" >/dev/null
ok $? "second server started directly"
p2=$RA_TCPSRV_PORT g2=$RA_TCPSRV_PGID
[ "$p2" != "$p1" ] && [ "$g2" != "$g1" ]
ok $? "its own port and group ($p2, $g2)"

rc=0
ra_tcpsrv_start_on "$p1" "$DB" 2>/dev/null || rc=$?
is "$rc" 2 "a taken port: status 2"
rc=0
ra_tcpsrv_start_on "$p1" "$T_TMP/nothing" 2>"$T_TMP/err" || rc=$?
is "$rc" 2 "a taken port is found before the directory is opened"
port3=$((p1 == 60999 ? p1 - 1 : p1 + 1))
rc=0
ra_tcp_accepts "$port3" || ra_tcpsrv_start_on "$port3" "$T_TMP/nothing" 2>"$T_TMP/err" || rc=$?
is "$rc" 1 "a missing directory: status 1"
like "$(cat "$T_TMP/err")" "DatabaseNotFoundError" "the server's message is shown"

CL="$T_TMP/cluster"
ra_cluster_write "$CL" 1 "127.0.0.1:$p1 127.0.0.1:$p2"
like "$(cat "$CL")" "shard 1/1 127.0.0.1:$p1 127.0.0.1:$p2" "cluster file written"
ra_cluster_write "$CL.bad" 2 "127.0.0.1:$p1" 2>/dev/null
ok $((! $?)) "ra_cluster_write refuses N not matching the lists"

run "$RA_QUERY" --db "$DB" --format json residency
want=$(json_ids "$OUT")
[ -n "$want" ]
ok $? "the index itself finds articles"
run "$RA_QUERY" --db "$CL" --format json residency
is "$RC" 0 "ra-query over the cluster: exit 0"
is "$(json_ids "$OUT")" "$want" "the same articles through xapian-tcpsrv"

# An open connection makes the first server fork a child; stopping the
# group must stop it too.
exec 4<>"/dev/tcp/127.0.0.1/$p1"
ra_tcpsrv_stop "$g1"
ok $? "first server stopped"
ra_pgrp_alive "$g1"
ok $((! $?)) "no process of its group is left (the forked child neither)"
exec 4>&-
ra_tcp_accepts "$p1"
ok $((! $?)) "its port no longer accepts"

run "$RA_QUERY" --db "$CL" --format json residency
is "$RC" 0 "first replica down: ra-query still answers"
is "$(json_ids "$OUT")" "$want" "from the second replica, the same articles"

ra_tcpsrv_stop "$g2"
run "$RA_QUERY" --db "$CL" residency
is "$RC" 8 "no replica left: exit 8 (unreachable)"

ra_tcpsrv_stop_all
[ ! -d "$RA_TCPSRV_STATE" ]
ok $? "ra_tcpsrv_stop_all removes its state"
done_testing
