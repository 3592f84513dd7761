/* writeq.c - a worker's write sink and the update's bounded write queue
 * (see writeq.h): the ops, applying them, and the two threads' sides. */
#include "writeq.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { OP_ADD, OP_REPLACE, OP_SYNONYM, OP_SET_VALUE, OP_SPELLING };

void ra_writeq_init(ra_writeq *q) {
  memset(q, 0, sizeof *q);
  pthread_mutex_init(&q->mu, NULL);
  pthread_cond_init(&q->more, NULL);
  pthread_cond_init(&q->room, NULL);
  ra_error_clear(&q->err);
}

void ra_writeq_destroy(ra_writeq *q) {
  pthread_cond_destroy(&q->room);
  pthread_cond_destroy(&q->more);
  pthread_mutex_destroy(&q->mu);
}

void ra_writeq_close(ra_writeq *q) {
  pthread_mutex_lock(&q->mu);
  q->done = 1;
  pthread_cond_signal(&q->more);
  pthread_mutex_unlock(&q->mu);
}

static void op_free(ra_writeq_op *op) {
  if (op->spell) {
    ra_termcount_flush_spelling(op->spell, NULL, NULL);
    free(op->spell);
  }
  ra_xdoc_free(op->doc);
  free(op->a);
  free(op->b);
}

static ra_status op_apply(ra_xwriter *w, ra_writeq_op *op, ra_error *err) {
  ra_status st;
  switch (op->kind) {
  case OP_ADD:
    return ra_xwriter_add(w, op->doc, NULL, err);
  case OP_REPLACE:
    return ra_xwriter_replace(w, op->a, op->doc, err);
  case OP_SYNONYM:
    st = ra_xwriter_add_synonym(w, op->a, op->b, err);
    if (!st) st = ra_xwriter_add_synonym(w, op->b, op->a, err);
    return st;
  case OP_SPELLING:
    return ra_termcount_flush_spelling(op->spell, w, err);
  default:
    return ra_xwriter_set_value(w, op->docid, op->slot, op->a, op->alen, err);
  }
}

/* Apply directly, or queue (taking the op's allocations either way). */
static ra_status sink_put(ra_writeq_sink *s, ra_writeq_op *op, ra_error *err) {
  if (!s->q) {
    ra_status st = op_apply(s->w, op, err);
    op_free(op);
    return st;
  }
  ra_writeq *q = s->q;
  pthread_mutex_lock(&q->mu);
  while (q->n == RA_QUEUE_OPS && !q->st) pthread_cond_wait(&q->room, &q->mu);
  ra_status st = q->st;
  if (!st) {
    q->ops[(q->head + q->n) % RA_QUEUE_OPS] = *op;
    q->n++;
    pthread_cond_signal(&q->more);
  }
  pthread_mutex_unlock(&q->mu);
  if (st) {
    op_free(op);
    return ra_error_set(err, st, "stopped: the index writer failed");
  }
  return RA_OK;
}

static char *dup_bytes(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

ra_status ra_writeq_put_doc(ra_writeq_sink *s, ra_xdoc **doc,
                            const char *idterm, ra_error *err) {
  ra_writeq_op op = {.kind = idterm ? OP_REPLACE : OP_ADD, .doc = *doc};
  *doc = NULL;
  if (idterm && !(op.a = dup_bytes(idterm, strlen(idterm)))) {
    op_free(&op);
    return ra_error_set(err, RA_ERR_NOMEM, "id term");
  }
  return sink_put(s, &op, err);
}

ra_status ra_writeq_put_synonym(ra_writeq_sink *s, const char *a,
                                const char *b, ra_error *err) {
  ra_writeq_op op = {.kind = OP_SYNONYM, .a = dup_bytes(a, strlen(a)),
                     .b = dup_bytes(b, strlen(b))};
  if (!op.a || !op.b) {
    op_free(&op);
    return ra_error_set(err, RA_ERR_NOMEM, "synonym");
  }
  return sink_put(s, &op, err);
}

ra_status ra_writeq_put_value(ra_writeq_sink *s, uint32_t docid,
                              unsigned slot, const char *val, size_t len,
                              ra_error *err) {
  ra_writeq_op op = {.kind = OP_SET_VALUE, .a = dup_bytes(val, len), .alen = len,
                     .docid = docid, .slot = slot};
  if (!op.a) return ra_error_set(err, RA_ERR_NOMEM, "value");
  return sink_put(s, &op, err);
}

ra_status ra_writeq_put_spelling(ra_writeq_sink *s, ra_termcount *m,
                                 ra_error *err) {
  ra_writeq_op op = {.kind = OP_SPELLING, .spell = malloc(sizeof *m)};
  if (!op.spell) {
    ra_termcount_flush_spelling(m, NULL, NULL);
    return ra_error_set(err, RA_ERR_NOMEM, "spelling data");
  }
  *op.spell = *m;
  memset(m, 0, sizeof *m);
  return sink_put(s, &op, err);
}

void ra_writeq_drain(ra_writeq *q, ra_xwriter *w) {
  pthread_mutex_lock(&q->mu);
  for (;;) {
    while (q->n == 0 && !q->done) pthread_cond_wait(&q->more, &q->mu);
    if (q->n == 0) break;
    ra_writeq_op op = q->ops[q->head];
    q->head = (q->head + 1) % RA_QUEUE_OPS;
    q->n--;
    pthread_cond_signal(&q->room);
    int failed = q->st != RA_OK;
    pthread_mutex_unlock(&q->mu);
    ra_error e;
    ra_error_clear(&e);
    ra_status st = failed ? RA_OK : op_apply(w, &op, &e);
    op_free(&op);
    pthread_mutex_lock(&q->mu);
    if (st && !q->st) {
      q->st = st;
      q->err = e;
      pthread_cond_broadcast(&q->room);
    }
  }
  pthread_mutex_unlock(&q->mu);
}
