/* termcount.c - freeing a term counter, looking a term up, and handing its
 * spelling words to the writer or taking them back (see termcount.h;
 * adding is inline there, on the hot path). */
#include "termcount.h"

#include <stdlib.h>
#include <string.h>

void ra_termcount_free(ra_termcount *m) {
  free(m->arena);
  free(m->slot);
  free(m->ent);
  memset(m, 0, sizeof *m);
}

unsigned ra_termcount_get(const ra_termcount *m, const char *term, size_t len) {
  if (!m->n_slots) return 0;
  size_t h = (size_t)ra_fnv1a(term, len) & (m->n_slots - 1);
  while (m->slot[h]) {
    const struct ra_termcount_ent *e = &m->ent[m->slot[h] - 1];
    if (e->len == len && memcmp(m->arena + e->off, term, len) == 0) return e->count;
    h = (h + 1) & (m->n_slots - 1);
  }
  return 0;
}

void ra_termcount_merge(ra_termcount *to, const ra_termcount *from) {
  if (from->nomem) to->nomem = 1;
  for (size_t i = 0; i < from->n; i++)
    (void)ra_termcount_add(to, from->arena + from->ent[i].off, from->ent[i].len,
                           from->ent[i].count); /* nomem is sticky */
}

ra_status ra_termcount_flush_spelling(ra_termcount *m, ra_xwriter *w,
                                      ra_error *err) {
  ra_status st = !w ? RA_OK
                 : m->nomem ? ra_error_set(err, RA_ERR_NOMEM, "spelling data")
                            : RA_OK;
  for (size_t i = 0; !st && w && i < m->n; i++)
    st = ra_xwriter_add_spelling(w, m->arena + m->ent[i].off, m->ent[i].len,
                                 m->ent[i].count, err);
  ra_termcount_free(m);
  return st;
}

ra_status ra_termcount_retract_spelling(ra_termcount *m, ra_xwriter *w,
                                        ra_error *err) {
  ra_status st = m->nomem ? ra_error_set(err, RA_ERR_NOMEM, "spelling data") : RA_OK;
  for (size_t i = 0; !st && i < m->n; i++)
    st = ra_xwriter_remove_spelling(w, m->arena + m->ent[i].off, m->ent[i].len,
                                    m->ent[i].count, err);
  ra_termcount_free(m);
  return st;
}
