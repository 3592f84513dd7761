/* writeq.h - where an indexing worker's writes go: straight to its own
 * Xapian writer, or through a short queue to the one writer of an update. */
#ifndef RA_WRITEQ_H
#define RA_WRITEQ_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "termcount.h"
#include "xap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A rebuild's workers write their own shards directly.  An update has one
 * writer, so it runs as a pipeline: one thread reads, parses and analyses
 * pages and builds their documents (the sink queues each write), while the
 * main thread applies the queue to Xapian in order.  On two cores the
 * preparation of a page hides behind the writing of the one before. */
typedef struct ra_writeq_op {
  int kind;
  ra_xdoc *doc;    /* OP_ADD, OP_REPLACE: owned by the op */
  ra_termcount *spell; /* OP_SPELLING: owned by the op */
  char *a, *b;     /* id term; synonym pair; value (length alen) */
  size_t alen;
  uint32_t docid;  /* OP_SET_VALUE */
  unsigned slot;
} ra_writeq_op;

/* Few ops in flight: each holds a whole document's terms and positions. */
#define RA_QUEUE_OPS 32

typedef struct ra_writeq {
  pthread_mutex_t mu;
  pthread_cond_t more, room;
  ra_writeq_op ops[RA_QUEUE_OPS];
  size_t head, n;
  int done;        /* the producer has finished */
  ra_status st;    /* first failed write: the producer stops */
  ra_error err;
} ra_writeq;

typedef struct ra_writeq_sink {
  ra_xwriter *w;
  ra_writeq *q; /* NULL: write directly */
} ra_writeq_sink;

/* Set up an empty queue (ra_writeq_destroy releases it). */
void ra_writeq_init(ra_writeq *q);
void ra_writeq_destroy(ra_writeq *q);

/* The producer's side: nothing more will be queued. */
void ra_writeq_close(ra_writeq *q);

/* The writer's side: apply queued ops in order until the producer is done.
 * After a failure the rest are freed unapplied and the producer is told. */
void ra_writeq_drain(ra_writeq *q, ra_xwriter *w);

/* Each put applies its write directly (s->q NULL) or queues it, and takes
 * what it is given either way.
 *
 * Add *doc, or replace the document with idterm; the sink owns *doc. */
ra_status ra_writeq_put_doc(ra_writeq_sink *s, ra_xdoc **doc,
                            const char *idterm, ra_error *err);
/* The pair a, b as synonyms both ways (copied). */
ra_status ra_writeq_put_synonym(ra_writeq_sink *s, const char *a,
                                const char *b, ra_error *err);
/* Value slot of document docid := val[0..len) (copied). */
ra_status ra_writeq_put_value(ra_writeq_sink *s, uint32_t docid,
                              unsigned slot, const char *val, size_t len,
                              ra_error *err);
/* The counted spelling words, behind every page written before them; the
 * sink takes the map's words and leaves it empty. */
ra_status ra_writeq_put_spelling(ra_writeq_sink *s, ra_termcount *m,
                                 ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
