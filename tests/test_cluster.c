/* test_cluster.c - TAP tests for the cluster file parser (lib/cluster.c):
 * the three ways to name a replica, Xapian's own stub lines, timeouts,
 * relative paths, and every refusal naming the file and line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"

#include "tap.h"

static ra_cluster_spec *parse(const char *text, ra_error *err) {
  ra_cluster_spec *c = NULL;
  ra_error_clear(err);
  if (ra_cluster_parse_text("/etc/rasearch/cluster", text, strlen(text), &c, err) != RA_OK)
    return NULL;
  return c;
}

static void test_full(void) {
  ra_error err;
  ra_cluster_spec *c = parse(
      "# two shards, two replicas each\n"
      "timeout connect 250ms\n"
      "timeout search 800\n"
      "shard 1/2 10.0.0.1:33333 10.0.0.2:33333\n"
      "shard 2/2 [::1]:4000\n"
      "  replica remote :ssh db3 xapian-progsrv /srv/shard-2\n"
      "replica shard-2-copy\n",
      &err);
  ok(c != NULL, "a full cluster file parses (%s)", err.msg);
  if (!c) return;
  ok(c->connect_ms == 250 && c->search_ms == 800, "timeouts read, with or without ms");
  ok(c->n_shards == 2 && c->shards[0].k == 1 && c->shards[0].n == 2 &&
         c->shards[1].k == 2,
     "two shards with their K/N");
  ra_shard_spec *a = &c->shards[0], *b = &c->shards[1];
  ok(a->n_replicas == 2 && a->replicas[0].kind == RA_REPLICA_TCP &&
         strcmp(a->replicas[0].host, "10.0.0.1") == 0 && a->replicas[0].port == 33333 &&
         strcmp(a->replicas[1].host, "10.0.0.2") == 0,
     "host:port replicas on the shard line, in order");
  ok(b->n_replicas == 3 && b->replicas[0].kind == RA_REPLICA_TCP &&
         strcmp(b->replicas[0].host, "::1") == 0 && b->replicas[0].port == 4000,
     "an IPv6 address in brackets");
  ok(b->replicas[1].kind == RA_REPLICA_PROG && strcmp(b->replicas[1].path, "ssh") == 0 &&
         strcmp(b->replicas[1].args, "db3 xapian-progsrv /srv/shard-2") == 0,
     "a program replica in Xapian's `remote :PROG ARGS` form");
  ok(b->replicas[2].kind == RA_REPLICA_PATH &&
         strcmp(b->replicas[2].path, "/etc/rasearch/shard-2-copy") == 0,
     "a relative path is relative to the file's directory");
  ra_cluster_free(c);
}

static void test_stub(void) {
  ra_error err;
  ra_cluster_spec *c = parse("remote 127.0.0.1:7001\nauto /srv/idx with space\nglass ../g\n", &err);
  ok(c != NULL, "a plain Xapian stub file is a cluster file (%s)", err.msg);
  if (!c) return;
  ok(c->n_shards == 3 && c->shards[0].k == 0 && c->shards[0].n_replicas == 1 &&
         c->shards[0].replicas[0].kind == RA_REPLICA_TCP,
     "each stub line is one shard, K from its own metadata");
  ok(strcmp(c->shards[1].replicas[0].path, "/srv/idx with space") == 0,
     "auto PATH keeps the rest of the line");
  ok(strcmp(c->shards[2].replicas[0].path, "/etc/rasearch/../g") == 0, "glass PATH, relative");
  ok(c->connect_ms == RA_CLUSTER_CONNECT_MS && c->search_ms == RA_CLUSTER_SEARCH_MS &&
         c->search_ms <= 1000,
     "default timeouts, at most a second");
  ra_cluster_free(c);
}

static void refused(const char *text, const char *want, int line) {
  ra_error err;
  ra_cluster_spec *c = parse(text, &err);
  char where[64];
  snprintf(where, sizeof where, "/etc/rasearch/cluster:%d:", line);
  ok(!c && strstr(err.msg, want) && (line == 0 || strstr(err.msg, where)),
     "refused, naming line %d: %s (%s)", line, want, err.msg);
  ra_cluster_free(c);
}

static void test_refusals(void) {
  refused("", "no shard listed", 0);
  refused("# only a comment\n", "no shard listed", 0);
  refused("shard 1/2 a:1\nshard 1/2 b:1\n", "two shards claim the same K", 2);
  refused("shard 1/2 a:1\nshard 2/3 b:1\n", "shards of different N", 2);
  refused("shard 3/2 a:1\n", "1 <= K <= N", 1);
  refused("shard 0/2 a:1\n", "1 <= K <= N", 1);
  refused("shard x a:1\n", "expected K/N", 1);
  refused("shard 1/1\n", "shard without a replica", 1);
  refused("shard 1/3 a:1\nshard 3/3 b:1\n", "shard 2/3 is not listed", 0);
  refused("shard 1/1 host:99999\n", "not HOST:PORT", 1);
  refused("replica a:1\n", "no `shard K/N` line above", 1);
  refused("shard 1/1 a:1\ntimeout search 0\n", "milliseconds", 2);
  refused("shard 1/1 a:1\ntimeout idle 5\n", "connect or search", 2);
  refused("shard 1/1 a:1\nbogus line\n", "unknown line", 2);
  refused("remote host\n", "HOST:PORT", 1);
  refused("inmemory\n", "not supported", 1);
  refused("shard 1/1 a:1\nreplica a:2 b:3\n", "one HOST:PORT or path", 2);
  ra_error err;
  ra_cluster_spec *c = NULL;
  ra_error_clear(&err);
  ok(ra_cluster_parse_text("f", "shard 1/1 a:1\n\0x", 16, &c, &err) == RA_ERR_INVALID && !c,
     "a NUL byte is refused");
  ra_error_clear(&err);
  ok(ra_cluster_parse("/nonexistent/cluster", &c, &err) == RA_ERR_IO &&
         strstr(err.msg, "/nonexistent/cluster"),
     "an unreadable file is named");
}

static void test_limits(void) {
  size_t cap = 1100 * 32;
  char *t = malloc(cap), *p = t;
  for (int i = 1; i <= 1025; i++) p += sprintf(p, "remote h:%d\n", 1000 + i);
  ra_error err;
  ra_cluster_spec *c = parse(t, &err);
  ok(!c && err.code == RA_ERR_TOOBIG, "more than 1024 shards: too big (%s)", err.msg);
  p = t;
  p += sprintf(p, "shard 1/1");
  for (int i = 0; i < 17; i++) p += sprintf(p, " h:%d", 1000 + i);
  c = parse(t, &err);
  ok(!c && err.code == RA_ERR_TOOBIG, "more than 16 replicas: too big");
  free(t);
  ok(ra_cluster_is_file("/") == 0, "a directory is no cluster file");
}

int main(void) {
  printf("1..34\n");
  test_full();
  test_stub();
  test_refusals();
  test_limits();
  return n_fail ? 1 : 0;
}
