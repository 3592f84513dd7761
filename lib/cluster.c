/* cluster.c - parsing the cluster file (see cluster.h; the format is in
 * docs/scale.md).  Line by line: comments, `timeout`, `shard K/N
 * [REPLICA...]`, `replica SPEC` for the shard above, and Xapian's own stub
 * lines, each a shard of its own. */
#define _GNU_SOURCE
#include "cluster.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define RA_CLUSTER_MAX_BYTES (1u << 20) /* a cluster file is small */

int ra_cluster_is_file(const char *path) {
  struct stat sb;
  return path && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static void replica_clear(ra_replica *r) {
  free(r->host);
  free(r->path);
  free(r->args);
  free(r->label);
}

void ra_cluster_free(ra_cluster_spec *c) {
  if (!c) return;
  for (size_t i = 0; i < c->n_shards; i++) {
    for (size_t j = 0; j < c->shards[i].n_replicas; j++)
      replica_clear(&c->shards[i].replicas[j]);
    free(c->shards[i].replicas);
  }
  free(c->shards);
  free(c->path);
  free(c);
}

typedef struct parser {
  ra_cluster_spec *c;
  const char *file;
  char *dir;     /* the file's directory, for relative paths */
  size_t line;
  ra_error *err;
} parser;

static ra_status bad(parser *p, ra_status code, const char *fmt, const char *arg) {
  return ra_error_set(p->err, code, "%s:%zu: %s%s%s", p->file, p->line, fmt,
                      arg ? ": " : "", arg ? arg : "");
}

/* The next whitespace-separated word of *s (NUL-terminated in place). */
static char *next_word(char **s) {
  char *p = *s;
  while (*p == ' ' || *p == '\t') p++;
  if (!*p) {
    *s = p;
    return NULL;
  }
  char *w = p;
  while (*p && *p != ' ' && *p != '\t') p++;
  if (*p) *p++ = '\0';
  *s = p;
  return w;
}

static char *rest_trimmed(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
  return s;
}

static int parse_uint(const char *s, unsigned long max, unsigned *out) {
  if (!s || !*s) return 0;
  for (const char *q = s; *q; q++)
    if (*q < '0' || *q > '9') return 0;
  errno = 0;
  unsigned long v = strtoul(s, NULL, 10);
  if (errno || v > max) return 0;
  *out = (unsigned)v;
  return 1;
}

static ra_shard_spec *new_shard(parser *p, unsigned k, unsigned n) {
  ra_cluster_spec *c = p->c;
  if (c->n_shards >= RA_CLUSTER_MAX_SHARDS) {
    bad(p, RA_ERR_TOOBIG, "more than 1024 shards", NULL);
    return NULL;
  }
  ra_shard_spec *v = realloc(c->shards, (c->n_shards + 1) * sizeof *v);
  if (!v) {
    ra_error_set(p->err, RA_ERR_NOMEM, "%s: cluster", p->file);
    return NULL;
  }
  c->shards = v;
  ra_shard_spec *s = &v[c->n_shards++];
  memset(s, 0, sizeof *s);
  s->k = k;
  s->n = n;
  s->line = p->line;
  return s;
}

static ra_replica *new_replica(parser *p, ra_shard_spec *s) {
  if (s->n_replicas >= RA_CLUSTER_MAX_REPLICAS) {
    bad(p, RA_ERR_TOOBIG, "more than 16 replicas for one shard", NULL);
    return NULL;
  }
  ra_replica *v = realloc(s->replicas, (s->n_replicas + 1) * sizeof *v);
  if (!v) {
    ra_error_set(p->err, RA_ERR_NOMEM, "%s: cluster", p->file);
    return NULL;
  }
  s->replicas = v;
  ra_replica *r = &v[s->n_replicas++];
  memset(r, 0, sizeof *r);
  return r;
}

static ra_status nomem(parser *p) {
  return ra_error_set(p->err, RA_ERR_NOMEM, "%s: cluster", p->file);
}

/* HOST:PORT (IPv6 as [ADDR]:PORT) into r; 0 if w is not of that form. */
static int split_hostport(const char *w, char **host, unsigned *port) {
  const char *colon = strrchr(w, ':');
  if (!colon || colon == w) return 0;
  const char *h = w;
  size_t hl = (size_t)(colon - w);
  if (w[0] == '[') {
    if (hl < 3 || w[hl - 1] != ']') return 0;
    h = w + 1;
    hl -= 2;
  } else if (memchr(w, ':', hl) || memchr(w, '/', hl)) {
    return 0;
  }
  if (!parse_uint(colon + 1, 65535, port) || *port == 0) return 0;
  *host = strndup(h, hl);
  return 1;
}

static ra_status set_path(parser *p, ra_replica *r, const char *w) {
  r->kind = RA_REPLICA_PATH;
  if (w[0] == '/' || !p->dir) {
    r->path = strdup(w);
  } else if (asprintf(&r->path, "%s/%s", p->dir, w) < 0) {
    r->path = NULL;
  }
  r->label = r->path ? strdup(r->path) : NULL;
  return r->path && r->label ? RA_OK : nomem(p);
}

/* One replica from its short form: HOST:PORT or a path. */
static ra_status short_replica(parser *p, ra_shard_spec *s, const char *w) {
  ra_replica *r = new_replica(p, s);
  if (!r) return p->err->code;
  char *host = NULL;
  unsigned port = 0;
  if (w[0] != '/' && w[0] != '.' && split_hostport(w, &host, &port)) {
    if (!host) return nomem(p);
    r->kind = RA_REPLICA_TCP;
    r->host = host;
    r->port = port;
    r->label = strdup(w);
    return r->label ? RA_OK : nomem(p);
  }
  if (strchr(w, ':') && w[0] != '/' && w[0] != '.')
    return bad(p, RA_ERR_INVALID, "not HOST:PORT (port 1-65535) nor a path", w);
  return set_path(p, r, w);
}

/* A replica in Xapian's stub syntax, the keyword already read:
 * `remote HOST:PORT`, `remote :PROGRAM ARGS`, `auto PATH`, `glass PATH`. */
static ra_status stub_replica(parser *p, ra_shard_spec *s, const char *kw, char *rest) {
  rest = rest_trimmed(rest);
  if (!*rest) return bad(p, RA_ERR_INVALID, "missing what follows", kw);
  if (strcmp(kw, "remote") == 0) {
    if (rest[0] == ':') {
      char *cmd = rest + 1;
      char *prog = next_word(&cmd);
      if (!prog) return bad(p, RA_ERR_INVALID, "remote: missing program after ':'", NULL);
      ra_replica *r = new_replica(p, s);
      if (!r) return p->err->code;
      r->kind = RA_REPLICA_PROG;
      r->path = strdup(prog);
      r->args = strdup(rest_trimmed(cmd));
      if (asprintf(&r->label, "%s%s%s", r->path ? r->path : "", *cmd ? " " : "",
                   r->args ? r->args : "") < 0)
        r->label = NULL;
      return r->path && r->args && r->label ? RA_OK : nomem(p);
    }
    if (strchr(rest, ' ') || strchr(rest, '\t'))
      return bad(p, RA_ERR_INVALID, "remote: expected HOST:PORT", rest);
    char *host = NULL;
    unsigned port = 0;
    if (!split_hostport(rest, &host, &port))
      return bad(p, RA_ERR_INVALID, "remote: expected HOST:PORT (port 1-65535)", rest);
    if (!host) return nomem(p);
    ra_replica *r = new_replica(p, s);
    if (!r) {
      free(host);
      return p->err->code;
    }
    r->kind = RA_REPLICA_TCP;
    r->host = host;
    r->port = port;
    r->label = strdup(rest);
    return r->label ? RA_OK : nomem(p);
  }
  /* auto / glass PATH: the rest of the line is the path (it may hold
   * spaces, as in Xapian's stubs). */
  ra_replica *r = new_replica(p, s);
  if (!r) return p->err->code;
  return set_path(p, r, rest);
}

static int is_stub_keyword(const char *w) {
  return strcmp(w, "remote") == 0 || strcmp(w, "auto") == 0 || strcmp(w, "glass") == 0;
}

static ra_status parse_line(parser *p, char *line) {
  char *s = line;
  char *kw = next_word(&s);
  if (!kw || kw[0] == '#') return RA_OK;
  ra_cluster_spec *c = p->c;
  if (strcmp(kw, "timeout") == 0) {
    char *which = next_word(&s), *val = next_word(&s);
    if (!which || !val || next_word(&s))
      return bad(p, RA_ERR_INVALID, "expected `timeout connect|search MILLISECONDS`", NULL);
    size_t vl = strlen(val);
    if (vl > 2 && strcmp(val + vl - 2, "ms") == 0) val[vl - 2] = '\0';
    unsigned ms;
    if (!parse_uint(val, 600000, &ms) || ms == 0)
      return bad(p, RA_ERR_INVALID, "timeout: milliseconds, 1 to 600000", val);
    if (strcmp(which, "connect") == 0) c->connect_ms = ms;
    else if (strcmp(which, "search") == 0) c->search_ms = ms;
    else return bad(p, RA_ERR_INVALID, "timeout: expected connect or search", which);
    return RA_OK;
  }
  if (strcmp(kw, "shard") == 0) {
    char *kn = next_word(&s);
    if (!kn) return bad(p, RA_ERR_INVALID, "shard: expected K/N", NULL);
    char *slash = strchr(kn, '/');
    unsigned k = 0, n = 0;
    if (slash) *slash = '\0';
    if (!slash || !parse_uint(kn, RA_CLUSTER_MAX_SHARDS, &k) ||
        !parse_uint(slash + 1, RA_CLUSTER_MAX_SHARDS, &n) || k < 1 || n < 1 || k > n) {
      if (slash) *slash = '/';
      return bad(p, RA_ERR_INVALID, "shard: expected K/N with 1 <= K <= N <= 1024", kn);
    }
    ra_shard_spec *sh = new_shard(p, k, n);
    if (!sh) return p->err->code;
    for (char *w; (w = next_word(&s));) {
      ra_status st = short_replica(p, sh, w);
      if (st) return st;
    }
    return RA_OK;
  }
  if (strcmp(kw, "replica") == 0) {
    if (!c->n_shards || c->shards[c->n_shards - 1].k == 0)
      return bad(p, RA_ERR_INVALID, "replica: no `shard K/N` line above it", NULL);
    ra_shard_spec *sh = &c->shards[c->n_shards - 1];
    char *w = next_word(&s);
    if (!w) return bad(p, RA_ERR_INVALID, "replica: expected HOST:PORT, a path, or a stub line", NULL);
    if (is_stub_keyword(w)) return stub_replica(p, sh, w, s);
    if (next_word(&s))
      return bad(p, RA_ERR_INVALID,
                 "replica: one HOST:PORT or path (a command: `replica remote :PROGRAM ARGS`)", w);
    return short_replica(p, sh, w);
  }
  if (is_stub_keyword(kw)) {
    ra_shard_spec *sh = new_shard(p, 0, 0);
    if (!sh) return p->err->code;
    return stub_replica(p, sh, kw, s);
  }
  if (strcmp(kw, "inmemory") == 0 || strcmp(kw, "chert") == 0 || strcmp(kw, "flint") == 0)
    return bad(p, RA_ERR_INVALID, "database type not supported in a cluster", kw);
  return bad(p, RA_ERR_INVALID, "unknown line (expected shard, replica, timeout, remote, auto or glass)",
             kw);
}

static ra_status check(parser *p) {
  ra_cluster_spec *c = p->c;
  if (!c->n_shards)
    return ra_error_set(p->err, RA_ERR_INVALID, "%s: no shard listed", p->file);
  unsigned n = 0;
  for (size_t i = 0; i < c->n_shards; i++) {
    ra_shard_spec *s = &c->shards[i];
    p->line = s->line;
    if (!s->n_replicas) return bad(p, RA_ERR_INVALID, "shard without a replica", NULL);
    if (!s->k) continue;
    if (n && s->n != n) {
      char buf[64];
      snprintf(buf, sizeof buf, "%u/%u vs N=%u above", s->k, s->n, n);
      return bad(p, RA_ERR_INVALID, "shards of different N in one cluster", buf);
    }
    n = s->n;
    for (size_t j = 0; j < i; j++)
      if (c->shards[j].k == s->k) {
        char buf[64];
        snprintf(buf, sizeof buf, "%u/%u, also on line %zu", s->k, s->n, c->shards[j].line);
        return bad(p, RA_ERR_INVALID, "two shards claim the same K", buf);
      }
  }
  /* Listed by K/N: every K of 1..N once, or a shard's articles would be
   * missing from every answer without a word. */
  size_t listed = 0;
  for (size_t i = 0; i < c->n_shards; i++) listed += c->shards[i].k != 0;
  if (n && listed == c->n_shards && listed != n) {
    for (unsigned k = 1; k <= n; k++) {
      size_t i = 0;
      while (i < c->n_shards && c->shards[i].k != k) i++;
      if (i == c->n_shards)
        return ra_error_set(p->err, RA_ERR_INVALID, "%s: shard %u/%u is not listed: every shard "
                            "of the cluster must be", p->file, k, n);
    }
  }
  return RA_OK;
}

ra_status ra_cluster_parse_text(const char *path, const char *text, size_t len,
                                ra_cluster_spec **out, ra_error *err) {
  *out = NULL;
  parser p = {.file = path, .err = err};
  p.c = calloc(1, sizeof *p.c);
  char *buf = malloc(len + 1);
  if (!p.c || !buf || !(p.c->path = strdup(path))) {
    free(buf);
    ra_cluster_free(p.c);
    return ra_error_set(err, RA_ERR_NOMEM, "%s: cluster", path);
  }
  p.c->connect_ms = RA_CLUSTER_CONNECT_MS;
  p.c->search_ms = RA_CLUSTER_SEARCH_MS;
  const char *slash = strrchr(path, '/');
  p.dir = slash ? strndup(path, (size_t)(slash - path) ? (size_t)(slash - path) : 1)
                : strdup(".");
  memcpy(buf, text, len);
  buf[len] = '\0';
  ra_status st = p.dir ? RA_OK : ra_error_set(err, RA_ERR_NOMEM, "%s: cluster", path);
  if (!st && memchr(text, '\0', len))
    st = ra_error_set(err, RA_ERR_INVALID, "%s: a NUL byte: not a cluster file", path);
  char *line = buf;
  while (!st && line && *line) {
    p.line++;
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    size_t ll = strlen(line);
    if (ll && line[ll - 1] == '\r') line[--ll] = '\0';
    if (ll > 4096) st = bad(&p, RA_ERR_TOOBIG, "line longer than 4096 bytes", NULL);
    else st = parse_line(&p, line);
    line = nl ? nl + 1 : NULL;
  }
  if (!st) st = check(&p);
  free(buf);
  free(p.dir);
  if (st) {
    ra_cluster_free(p.c);
    return st;
  }
  *out = p.c;
  return RA_OK;
}

ra_status ra_cluster_parse(const char *path, ra_cluster_spec **out, ra_error *err) {
  *out = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return ra_error_set(err, RA_ERR_IO, "%s: %s", path, strerror(errno));
  char *buf = malloc(RA_CLUSTER_MAX_BYTES + 1);
  if (!buf) {
    fclose(f);
    return ra_error_set(err, RA_ERR_NOMEM, "%s: cluster", path);
  }
  size_t n = fread(buf, 1, RA_CLUSTER_MAX_BYTES + 1, f);
  int rerr = ferror(f);
  fclose(f);
  ra_status st;
  if (rerr) st = ra_error_set(err, RA_ERR_IO, "%s: read error", path);
  else if (n > RA_CLUSTER_MAX_BYTES)
    st = ra_error_set(err, RA_ERR_TOOBIG, "%s: larger than 1 MB: not a cluster file", path);
  else st = ra_cluster_parse_text(path, buf, n, out, err);
  free(buf);
  return st;
}
