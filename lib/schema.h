/* schema.h - what an index holds, in one place: term prefixes, value slots,
 * the format number, metadata keys, the files of a generation and the tag
 * value format.  The indexer writes what this describes and the searcher,
 * the facet table and the Xapian shim read it; change a fact here and both
 * sides follow.  Changing what a term, slot or key means needs a new
 * RA_INDEX_FORMAT, so that the next update rebuilds. */
#ifndef RA_SCHEMA_H
#define RA_SCHEMA_H

#include <stddef.h>
#include <string.h>

/* ---- terms ---------------------------------------------------------------
 * Unprefixed terms are the analyser's folded words, with positions. */
#define RA_PREFIX_ID "Q"        /* unique id term */
#define RA_PREFIX_STEM "Z"      /* stemmed terms, no positions */
#define RA_PREFIX_TITLE "S"     /* title words */
#define RA_PREFIX_TAG "K"       /* whole tag, folded, boolean */
#define RA_PREFIX_CATEGORY "XC" /* whole category, folded, boolean */
/* The near-duplicate group key (RA_SLOT_COLLAPSE's value), boolean, in the
 * ident.h term scheme: every article has exactly one, its own id when it
 * has no near-duplicate.  The proximity re-rank restricts its second run to
 * the first run's groups with these terms: a stock remote server runs it
 * (a docid set needs a custom posting source, which it refuses). */
#define RA_PREFIX_GROUP "XG"

/* ---- value slots --------------------------------------------------------- */
#define RA_SLOT_HASH 0     /* content hash (hex) */
/* Near-duplicate group key: the smallest id of the group over the whole
 * collection (every shard of a cluster), the article's own id when it has
 * no near-duplicate; so the key never depends on where an article landed. */
#define RA_SLOT_COLLAPSE 1
#define RA_SLOT_STATE 3    /* "hash mtime_ns size id": change detection */
#define RA_SLOT_SIMHASH 4  /* "simhash tagset-hash" (hex) */
/* The article's tags for facet counting without reading term lists:
 * "folded\x1fdisplay" pairs joined by "\x1e", in page order
 * (ra_tag_pair_next reads them). */
#define RA_SLOT_TAGS 5
/* The article id (as the ident.h scheme made it): ties in ranking go by it,
 * so that one index and a cluster of shards order equal scores alike. */
#define RA_SLOT_ID 6
/* What decided the article's URL (siteurl.h), as 16 hex digits of a hash:
 * the mapped URL, or the URL template; absent when neither did (no URL, or
 * the JSON Lines record's own, which its line hash covers).  An update
 * re-stores an article whose mapping changed; an index built before this
 * slot has none, which is what it was built with. */
#define RA_SLOT_URLKEY 7

/* ---- the format ----------------------------------------------------------
 * Bumped when the index layout changes: an update then rebuilds. */
/* 4: articles stored as records; 5: learned acronym pairs' article counts
 * (RA_META_ACRONYM_PREFIX), which an update needs to retract them; 6: ids
 * and over-long terms in the ident.h scheme (odd names and long values
 * hashed), so an index built before it rebuilds once. */
/* 7: RA_SLOT_ID, RA_PREFIX_GROUP terms, collapse keys on every article and
 * the shard metadata below. */
#define RA_INDEX_FORMAT "7"

/* ---- metadata keys -------------------------------------------------------- */
#define RA_META_MODEL "ra:model"           /* the saved corpus model */
#define RA_META_BUILT "ra:built"           /* build time and counts (informative) */
#define RA_META_FORMAT "ra:format"         /* RA_INDEX_FORMAT at build time */
#define RA_META_GENERATION "ra:generation" /* the generation's name */
#define RA_META_CONFIG "ra:config"         /* hash of the tag list and synonyms */
/* One key per acronym pair learned from the text: the prefix, the folded
 * abbreviation, "\x1f", the folded full name; the value is how many
 * articles define the pair (decimal).  Xapian refuses keys much past 245
 * bytes: a longer key keeps its first RA_META_ACRONYM_MAX - 17 bytes and
 * ends in "~" and 16 hex digits of a hash of the whole pair. */
#define RA_META_ACRONYM_PREFIX "ra:acr:"
#define RA_META_ACRONYM_MAX 240
/* A shard of a cluster (docs/scale.md): "K/N", K in 1..N; absent on an
 * index that holds every article.  An article is in shard
 * ra_ident_shard(id, N) (ident.h). */
#define RA_META_SHARD "ra:shard"
/* A decimal count, one more at each publication of this index (update or
 * rebuild, carried over from the generation before): what a cluster reader
 * compares, since a remote database has no get_revision(). */
#define RA_META_REVISION "ra:revision"
/* What a query host needs of this index that a stock remote server does
 * not serve (spelling and synonym tables): a ra_store_pack()ed text of
 * lines "s\tWORD\tFREQ" (spelling) and "y\tKEY\tEXPANSION" (synonyms),
 * rewritten at each publication.  ra-index --cluster merges the shards'. */
#define RA_META_LEXICON "ra:lexicon"

/* ---- files of a generation (DIR/gen-NNNNNN/, see idxdir.h) ----------------
 * Besides Xapian's own tables: the tag table (facet.h), written after each
 * commit and stamped with the database's uuid and revision. */
#define RA_FACET_FILE "rasearch-facets"

/* ---- the tag value format (RA_SLOT_TAGS) ----------------------------------
 * "key\x1fdisplay" pairs joined by "\x1e", the display part optional (the
 * key is then its own).  The one reader of the format, for the facet spy,
 * the facet table and the display form of a tag. */
typedef struct ra_tag_pair {
  const char *key, *display;
  size_t key_len, display_len;
} ra_tag_pair;

/* The pair at *pos of v[0..len) into *p, moving *pos past it; 0 when none
 * is left.  Pairs with an empty key are skipped. */
static inline int ra_tag_pair_next(const char *v, size_t len, size_t *pos,
                                   ra_tag_pair *p) {
  while (*pos < len) {
    size_t i = *pos;
    const char *e = (const char *)memchr(v + i, '\x1e', len - i);
    size_t end = e ? (size_t)(e - v) : len;
    const char *u = (const char *)memchr(v + i, '\x1f', end - i);
    size_t kend = u ? (size_t)(u - v) : end;
    *pos = end + 1;
    if (kend == i) continue;
    p->key = v + i;
    p->key_len = kend - i;
    p->display = u ? u + 1 : v + i;
    p->display_len = u ? end - kend - 1 : kend - i;
    return 1;
  }
  return 0;
}

#endif
