# cluster_lib.sh - shard servers for tests, benchmarks and `make
# serve-cluster`: start xapian-tcpsrv on a loopback port, stop it with every
# child it forked, write a cluster file (docs/scale.md).  Sourced by bash
# (it uses /dev/tcp and /proc); works under `set -eu`.
#
#   ra_tcpsrv_start DIR         a server for DIR on a free random port of
#                               127.0.0.1 (20000-60999); prints "PORT PGID"
#                               and sets RA_TCPSRV_PORT, RA_TCPSRV_PGID
#   ra_tcpsrv_start_on PORT DIR the same on a chosen port (prints nothing);
#                               status 2 when the port is taken, 1 on any
#                               other failure (the server's output shown)
#   ra_tcpsrv_stop PGID         TERM the server's process group (it forks a
#                               child per connection), KILL what remains
#   ra_tcpsrv_stop_all          every server started since sourcing, also
#                               ones started in $(...): for an EXIT trap
#   ra_cluster_write FILE N "REPLICAS OF SHARD 1" ... "REPLICAS OF SHARD N"
#                               `shard K/N REPLICA...` lines, written to a
#                               temporary name and renamed over FILE
#
# Each server runs in its own session (setsid), so a terminal's Ctrl-C
# does not reach it, and stopping its process group stops the children
# serving open connections too: killing only the parent's pid would leave
# them serving.  A process is alive while /proc shows it other than a
# zombie (an orphan's zombie may never be reaped in a container).
# Environment: RA_TCPSRV (default xapian-tcpsrv), RA_TCPSRV_ARGS (extra
# options, e.g. "--timeout 5000"), RA_TCPSRV_STATE (a directory for the
# servers' logs and the list of their groups; default a new temporary one,
# removed by ra_tcpsrv_stop_all), RA_CLUSTER_CONNECT_MS and
# RA_CLUSTER_SEARCH_MS (written as `timeout` lines when set).

: "${RA_TCPSRV:=xapian-tcpsrv}"
: "${RA_TCPSRV_ARGS:=}"
: "${RA_TCPSRV_STATE:=$(mktemp -d "${TMPDIR:-/tmp}/ra-tcpsrv.XXXXXX")}"
RA_TCPSRV_PORT=""
RA_TCPSRV_PGID=""

# ra_tcp_accepts PORT: status 0 when something accepts on 127.0.0.1:PORT.
ra_tcp_accepts() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# ra_proc_alive PID: status 0 while PID runs (a zombie does not).
ra_proc_alive() {
  local s
  read -r s 2>/dev/null <"/proc/$1/stat" || return 1
  s=${s##*) }
  [ "${s%% *}" != Z ]
}

# ra_pgrp_alive PGID: status 0 while a process of group PGID runs.
ra_pgrp_alive() {
  local f s
  local -a a
  for f in /proc/[0-9]*/stat; do
    read -r s 2>/dev/null <"$f" || continue
    s=${s##*) }
    read -r -a a <<<"$s"
    # a: state ppid pgrp ...
    if [ "${a[2]:-}" = "$1" ] && [ "${a[0]}" != Z ]; then return 0; fi
  done
  return 1
}

# ra_tcpsrv_start_on PORT DIR
ra_tcpsrv_start_on() {
  local port=$1 dir=$2 log pidf pid="" i listening=1
  mkdir -p "$RA_TCPSRV_STATE"
  if ra_tcp_accepts "$port"; then
    echo "ra_tcpsrv: 127.0.0.1:$port is taken" >&2
    return 2
  fi
  log="$RA_TCPSRV_STATE/tcpsrv-$port.log"
  pidf="$RA_TCPSRV_STATE/tcpsrv-$port.pid"
  rm -f "$pidf"
  # The shell in front writes its pid (kept by exec) before becoming the
  # server: whether setsid forked or not, that pid leads the new session
  # and process group.
  # shellcheck disable=SC2016,SC2086
  setsid sh -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidf" \
    "$RA_TCPSRV" --interface 127.0.0.1 --port "$port" $RA_TCPSRV_ARGS "$dir" \
    </dev/null >"$log" 2>&1 &
  # --quiet servers print nothing: then accepting connections must do.
  case " $RA_TCPSRV_ARGS " in *" --quiet "*) listening=0 ;; esac
  # Up to 30 s: the server prints "Listening..." once bound, or exits
  # (69, "already in use", when the port was taken meanwhile).
  for ((i = 0; i < 600; i++)); do
    if [ -z "$pid" ] && [ -s "$pidf" ]; then
      pid=$(cat "$pidf")
      echo "$pid" >>"$RA_TCPSRV_STATE/groups"
    fi
    if [ -n "$pid" ] && ! ra_proc_alive "$pid"; then
      if grep -q "already in use" "$log"; then
        echo "ra_tcpsrv: 127.0.0.1:$port is taken" >&2
        return 2
      fi
      echo "ra_tcpsrv: xapian-tcpsrv on port $port for $dir exited:" >&2
      sed 's/^/  /' "$log" >&2
      return 1
    fi
    if [ -n "$pid" ] && { [ "$listening" = 0 ] || grep -q "^Listening" "$log"; } &&
      ra_tcp_accepts "$port"; then
      RA_TCPSRV_PORT=$port
      RA_TCPSRV_PGID=$pid
      return 0
    fi
    sleep 0.05
  done
  echo "ra_tcpsrv: xapian-tcpsrv on port $port for $dir did not start in 30 s" >&2
  [ -z "$pid" ] || ra_tcpsrv_stop "$pid" || true
  return 1
}

# ra_tcpsrv_start DIR
ra_tcpsrv_start() {
  local dir=$1 try port rc
  for ((try = 0; try < 50; try++)); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 41000))
    rc=0
    ra_tcpsrv_start_on "$port" "$dir" 2>/dev/null || rc=$?
    if [ "$rc" -eq 0 ]; then
      echo "$RA_TCPSRV_PORT $RA_TCPSRV_PGID"
      return 0
    fi
    if [ "$rc" -ne 2 ]; then
      # Not the port: once more, showing why.
      rc=0
      ra_tcpsrv_start_on "$port" "$dir" || rc=$?
      if [ "$rc" -eq 0 ]; then
        echo "$RA_TCPSRV_PORT $RA_TCPSRV_PGID"
        return 0
      fi
      [ "$rc" -eq 2 ] || return 1
    fi
  done
  echo "ra_tcpsrv: no free port for $dir in 50 tries" >&2
  return 1
}

# ra_tcpsrv_stop PGID
ra_tcpsrv_stop() {
  local pgid=$1 i
  case $pgid in '' | *[!0-9]* | 0 | 1)
    echo "ra_tcpsrv_stop: bad PGID '$pgid'" >&2
    return 1 ;;
  esac
  ra_pgrp_alive "$pgid" || return 0
  kill -TERM -- "-$pgid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    ra_pgrp_alive "$pgid" || return 0
    sleep 0.05
  done
  kill -KILL -- "-$pgid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    ra_pgrp_alive "$pgid" || return 0
    sleep 0.05
  done
  echo "ra_tcpsrv_stop: process group $pgid outlived SIGKILL" >&2
  return 1
}

# ra_tcpsrv_stop_all
ra_tcpsrv_stop_all() {
  local pgid
  if [ -f "$RA_TCPSRV_STATE/groups" ]; then
    while read -r pgid; do
      ra_tcpsrv_stop "$pgid" || true
    done <"$RA_TCPSRV_STATE/groups"
  fi
  rm -rf "$RA_TCPSRV_STATE"
}

# ra_cluster_write FILE N REPLICAS...
ra_cluster_write() {
  local file=$1 n=$2 k=0 tmp replicas
  shift 2
  if [ "$#" -ne "$n" ]; then
    echo "ra_cluster_write: $n shards but $# replica lists" >&2
    return 1
  fi
  tmp="$file.tmp.$$"
  {
    echo "# shards and their replicas, in failover order (docs/scale.md)"
    if [ -n "${RA_CLUSTER_CONNECT_MS:-}" ]; then echo "timeout connect $RA_CLUSTER_CONNECT_MS"; fi
    if [ -n "${RA_CLUSTER_SEARCH_MS:-}" ]; then echo "timeout search $RA_CLUSTER_SEARCH_MS"; fi
    for replicas in "$@"; do
      k=$((k + 1))
      echo "shard $k/$n $replicas"
    done
  } >"$tmp" && mv -f "$tmp" "$file"
}
