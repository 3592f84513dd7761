/* cluster.h - the cluster file (docs/scale.md): which shards together make
 * one index, where each shard's replicas are (a xapian-tcpsrv address, a
 * local index directory, or a xapian-progsrv command, e.g. over ssh), and
 * the network timeouts.  rasearch parses it itself, so that each replica
 * is opened with explicit timeouts and a dead one can be skipped; a plain
 * Xapian stub file (`remote HOST:PORT`, `auto PATH` lines) is also a
 * cluster file, each line one shard with one replica. */
#ifndef RA_CLUSTER_H
#define RA_CLUSTER_H

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RA_CLUSTER_MAX_SHARDS 1024
#define RA_CLUSTER_MAX_REPLICAS 16
#define RA_CLUSTER_CONNECT_MS 500  /* default connect timeout */
#define RA_CLUSTER_SEARCH_MS 1000  /* default timeout of one remote operation */

typedef enum {
  RA_REPLICA_TCP,  /* host:port of a xapian-tcpsrv */
  RA_REPLICA_PATH, /* a local index directory (or Xapian database) */
  RA_REPLICA_PROG  /* a command speaking the remote protocol on stdio */
} ra_replica_kind;

typedef struct ra_replica {
  ra_replica_kind kind;
  char *host;     /* TCP: host name or address (IPv6 without brackets) */
  unsigned port;  /* TCP */
  char *path;     /* PATH: absolute; PROG: the program */
  char *args;     /* PROG: its arguments, one string ("" if none) */
  char *label;    /* how messages name it: "host:port", the path or command */
} ra_replica;

typedef struct ra_shard_spec {
  unsigned k, n;      /* "shard K/N"; 0/0 for a stub line: the shard's own
                         metadata says */
  size_t line;        /* where it was declared, for messages */
  ra_replica *replicas;
  size_t n_replicas;
} ra_shard_spec;

typedef struct ra_cluster_spec {
  char *path;         /* the file, as given */
  ra_shard_spec *shards;
  size_t n_shards;
  unsigned connect_ms; /* connect timeout per replica */
  unsigned search_ms;  /* timeout of each remote operation */
} ra_cluster_spec;

/* 1 if path names a regular file (a cluster file), 0 otherwise (an index
 * directory, or nothing). */
int ra_cluster_is_file(const char *path);

/* Parse a cluster file into *out (free with ra_cluster_free).  Errors name
 * the file and line: RA_ERR_IO (unreadable), RA_ERR_INVALID (syntax,
 * a bad K/N or port, two shards claiming one K, shards of different N,
 * no shard at all), RA_ERR_TOOBIG (past the limits above). */
ra_status ra_cluster_parse(const char *path, ra_cluster_spec **out,
                           ra_error *err);
/* Parse text (len bytes) as if read from path (relative replica paths are
 * relative to path's directory).  For tests and callers holding the text. */
ra_status ra_cluster_parse_text(const char *path, const char *text, size_t len,
                                ra_cluster_spec **out, ra_error *err);
void ra_cluster_free(ra_cluster_spec *c);

#ifdef __cplusplus
}
#endif
#endif
