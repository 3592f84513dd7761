#!/usr/bin/env python3
"""load.py - the cluster under load while its replicas die and come back.

16 clients (threads) send searches through lighttpd and FastCGI (ra-cgi
reading a cluster file) for the whole run, while the timeline below kills
and restarts the xapian-tcpsrv replicas of one shard (each server in its
own process group, killed as a group: killing only the parent leaves its
forked children serving the connections they have):

  t0+A  kill replica 1 of shard 1   -> answers stay whole (failover)
  t0+B  kill replica 2 of shard 1   -> shard 1 missing: partial answers
  t0+C  restart both                -> whole answers again within 2 s

Then it checks: no 5xx at all; partial answers only between the second
kill and the restart plus 2 s, and every request made while the shard was
down partial (not an error); whole answers from restart + 2 s on; the
ra-cgi processes that served at the start still run (none restarted;
lighttpd may add one under load).  Prints the
figures and exits 0 when every check holds, 1 otherwise.

With CORPUS (the articles the shards were built from), a last phase
rebuilds every shard (`ra-index --rebuild --shards N`) while the clients
go on: no 5xx, no partial answer, and every answer the same as before
(the articles did not change), so none was read from a half-published
shard.

usage: load.py BUILDDIR SRCDIR CLUSTER_DIR SHARDS [SECONDS [CORPUS]]
  CLUSTER_DIR holds shard-1..shard-N (ra-index --shards N); two replicas
  of each are served from the same directory on loopback ports.
"""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

CLIENTS = 16
IDLE_MS = 1500  # the servers drop connections idle this long


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class Server:
    """One xapian-tcpsrv in its own process group."""

    def __init__(self, directory, port):
        self.directory, self.port, self.proc = directory, port, None

    def start(self):
        self.proc = subprocess.Popen(
            ["xapian-tcpsrv", "--interface", "127.0.0.1", "--port", str(self.port),
             "--idle-timeout", str(IDLE_MS), self.directory],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        if not wait_port(self.port):
            raise SystemExit("load.py: xapian-tcpsrv on port %d did not start" % self.port)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None


def main():
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    build, src, cdir = (os.path.abspath(a) for a in sys.argv[1:4])
    shards = int(sys.argv[4])
    secs = float(sys.argv[5]) if len(sys.argv) > 5 else 16.0
    corpus = os.path.abspath(sys.argv[6]) if len(sys.argv) > 6 else None
    t_kill1, t_kill2, t_back = secs * 0.2, secs * 0.4, secs * 0.65
    idle_ok = False
    state = os.path.join(cdir, "load-state")
    os.makedirs(state, exist_ok=True)
    servers = {}
    lines = ["# load.py: %d shards, 2 replicas each" % shards, "timeout connect 300",
             "timeout search 1000"]
    for k in range(1, shards + 1):
        reps = []
        for r in (1, 2):
            s = Server(os.path.join(cdir, "shard-%d" % k), free_port())
            s.start()
            servers[(k, r)] = s
            reps.append("127.0.0.1:%d" % s.port)
        lines.append("shard %d/%d %s" % (k, shards, " ".join(reps)))
    cluster = os.path.join(state, "cluster")
    with open(cluster, "w") as f:
        f.write("\n".join(lines) + "\n")
    port = free_port()
    env = dict(os.environ, RA_PORT=str(port), RA_WEB=os.path.join(src, "web"),
               RA_CGI=os.path.join(build, "query", "ra-cgi"), RASEARCH_DB=cluster,
               RA_STATE=state, RA_CACHE_MB=os.environ.get("RA_CACHE_MB", "0"))
    lighttpd = subprocess.Popen(["lighttpd", "-D", "-f", os.path.join(src, "conf", "lighttpd.conf")],
                                env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_port(port):
            raise SystemExit("load.py: lighttpd did not start")
        queries = []
        for line in open(os.path.join(src, "bench", "queries.txt"), encoding="utf-8"):
            if line.strip() and not line.startswith("#"):
                queries.append(line.rstrip("\n").split("\t")[1])
        url = "http://127.0.0.1:%d/search?format=json&q=" % port
        # Warm up (the FastCGI processes start and open the cluster), then
        # stay idle past the servers' idle timeout: the connections they
        # dropped must be reconnected, not reported as missing shards.
        urllib.request.urlopen(url + "residency", timeout=10).read()
        time.sleep(IDLE_MS / 1000.0 + 1.0)
        idle = []
        for q in ("residency", "mentorship", "networking"):
            with urllib.request.urlopen(url + q, timeout=10) as r:
                idle.append((r.status, json.loads(r.read()).get("partial")))
        idle_ok = all(x == (200, False) for x in idle)
        print("load: after %.1f s idle (servers drop idle connections after %.1f s): %s"
              % (IDLE_MS / 1000.0 + 1.0, IDLE_MS / 1000.0,
                 "whole answers" if idle_ok else "FAILED %r" % idle))
        pids_before = cgi_pids(lighttpd.pid)
        log, lock, stop = [], threading.Lock(), threading.Event()
        t0 = time.time()

        def client(seed):
            rnd = random.Random(seed)
            while not stop.is_set():
                q = rnd.choice(queries)
                t = time.time()
                try:
                    with urllib.request.urlopen(url + urllib.parse.quote_plus(q), timeout=10) as r:
                        code, body = r.status, r.read()
                except urllib.error.HTTPError as e:
                    code, body = e.code, b""
                except Exception as e:  # a connection error is a failure too
                    code, body = 599, str(e).encode()
                partial, ids, gen = None, None, None
                if code == 200:
                    try:
                        d = json.loads(body)
                        partial = d.get("partial", False)
                        ids = (d.get("total_estimate"), tuple(h["id"] for h in d.get("hits", [])))
                        gen = d.get("generation")
                    except ValueError:
                        code = 598
                with lock:
                    log.append((t - t0, time.time() - t0, code, partial, q, ids, gen))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for th in threads:
            th.start()
        marks = {}
        time.sleep(t_kill1)
        servers[(1, 1)].kill()
        marks["kill1"] = time.time() - t0
        time.sleep(t_kill2 - t_kill1)
        servers[(1, 2)].kill()
        marks["kill2"] = time.time() - t0
        time.sleep(t_back - t_kill2)
        marks["restart"] = time.time() - t0  # replica 1 may answer from here on
        servers[(1, 1)].start()
        servers[(1, 2)].start()
        marks["back"] = time.time() - t0
        time.sleep(secs - t_back)
        if corpus:
            marks["rebuild"] = time.time() - t0
            subprocess.run([os.path.join(build, "indexer", "ra-index"), "--quiet", "--rebuild",
                            "--shards", str(shards), "--db", cdir, corpus], check=True)
            marks["rebuilt"] = time.time() - t0
            time.sleep(3.5)
        stop.set()
        for th in threads:
            th.join()
        pids_after = cgi_pids(lighttpd.pid)
    finally:
        os.killpg(lighttpd.pid, signal.SIGTERM)
        lighttpd.wait()
        for s in servers.values():
            s.kill()
    n = len(log)
    five = [x for x in log if x[2] >= 500]
    partial = [x for x in log if x[3]]
    # A request started before the second kill may still finish whole; one
    # that finished partial must have been answered while shard 1 was down
    # (after kill2) and before the grace after its return.
    bad_partial = [x for x in partial if x[1] < marks["kill2"] or x[0] > marks["back"] + 2.0]
    late = [x for x in log if x[0] > marks["back"] + 2.0]
    late_whole = all(x[2] == 200 and not x[3] for x in late)
    down = [x for x in log if x[0] > marks["kill2"] + 1.5 and x[1] < marks["restart"]]
    lat = sorted(x[1] - x[0] for x in log)
    p = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))] * 1000 if lat else 0
    first_whole = min((x[0] for x in log if x[0] > marks["back"] and x[2] == 200 and not x[3]),
                      default=None)
    print("load: %d clients, %.0f s, %d requests (%.0f/s), p50 %.1f ms, p95 %.1f ms, p99 %.1f ms"
          % (CLIENTS, secs, n, n / secs, p(0.5), p(0.95), p(0.99)))
    print("load: kill replica 1 of shard 1 at %.1f s, replica 2 at %.1f s, both back at %.1f s"
          % (marks["kill1"], marks["kill2"], marks["back"]))
    print("load: 5xx answers: %d; partial answers: %d (%d outside the outage); "
          "requests while down: %d, of them partial: %d"
          % (len(five), len(partial), len(bad_partial), len(down), sum(1 for x in down if x[3])))
    print("load: first whole answer started %.2f s after the return; all whole from +2 s: %s"
          % ((first_whole - marks["back"]) if first_whole else -1, "yes" if late_whole else "NO"))
    # lighttpd may start a second FastCGI process under load (max-procs);
    # a restart would replace one that was there.
    kept = pids_before <= pids_after
    print("load: ra-cgi processes %s -> %s (%s)" % (
        sorted(pids_before), sorted(pids_after),
        "none restarted" if kept else "RESTARTED"))
    rebuild_ok = True
    if corpus:
        # What each query answered when all was up, before the rebuild.
        base = {}
        for x in log:
            if marks["back"] + 2.0 < x[0] and x[1] < marks["rebuild"] and x[2] == 200:
                base.setdefault(x[4], x[5])
        during = [x for x in log if x[1] > marks["rebuild"]]
        odd = [x for x in during if x[2] != 200 or x[3] or (x[4] in base and base[x[4]] != x[5])]
        # Each shard published a new revision: answers started 2 s after the
        # rebuild returned come from it (the generation names the revisions).
        old_gen = set(x[6] for x in log if marks["back"] + 2.0 < x[0] and x[1] < marks["rebuild"])
        after = [x for x in log if x[0] > marks["rebuilt"] + 2.0]
        fresh = bool(after) and all(x[6] not in old_gen for x in after)
        print("load: answers from 2 s after the rebuild returned: %d, all from the new revisions: %s"
              % (len(after), "yes" if fresh else "NO"))
        rebuild_ok = not odd and fresh
        print("load: rebuild of all %d shards while serving: %.1f s, %d requests meanwhile and "
              "3.5 s after, %d compared with before, %d different or failed"
              % (shards, marks["rebuilt"] - marks["rebuild"], len(during),
                 sum(1 for x in during if x[4] in base), len(odd)))
        for x in odd[:5]:
            print("load:   %r: %s %s" % (x[4], x[2], "partial" if x[3] else ""))
    good = (idle_ok and rebuild_ok and not five and not bad_partial and late_whole and kept and
            len(late) > 0 and all(x[3] for x in down))
    print("load: %s" % ("ok" if good else "FAILED"))
    return 0 if good else 1


def cgi_pids(parent):
    """The FastCGI processes lighttpd spawned (its children)."""
    out = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True).stdout
    return set(int(x) for x in out.split())


if __name__ == "__main__":
    sys.exit(main())
