/* shards.h - a cluster of N shards built on one machine (docs/scale.md):
 * DIR/shard-1 .. DIR/shard-N, each a normal index of the articles
 * ra_ident_shard gives it (ra_index_build with opts->shard K/N), built one
 * after the other, each published with the group keys carried over from
 * its live index; then near-duplicates grouped across all of them at once
 * (ra_index_regroup), so a group spanning shards has one key; then
 * the cluster file DIR/cluster that names them for a query host.  A later
 * run updates each shard and groups again. */
#ifndef RA_SHARDS_H
#define RA_SHARDS_H

#include <stddef.h>

#include "index.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The cluster file beside the shards: lines "shard K/N PATH" (PATH the
 * absolute path of DIR/shard-K), '#' starting a comment. */
#define RA_CLUSTER_FILE "cluster"

/* Build or update the n shards (1 <= n <= RA_SHARDS_MAX) of o->db_dir (the
 * cluster directory) from o's corpus, each as ra_index_build would with
 * o's options (o->shard, o->shards and o->defer_groups are set per
 * shard).  total: the shards' figures summed, duplicate_groups counted
 * over the whole cluster, revision the highest; per (may be NULL): n
 * entries, each shard's own (revision: after the grouping).
 * A directory holding an index of the whole collection is refused.  On
 * error the shards built so far stay published (each is whole) and the
 * cluster file is left as it was. */
ra_status ra_shards_build(const ra_index_opts *o, unsigned n,
                          ra_index_stats *total, ra_index_stats *per,
                          ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
