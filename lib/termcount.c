/* termcount.c - freeing a term counter and handing its spelling words to
 * the writer (see termcount.h; adding is inline there, on the hot path). */
#include "termcount.h"

#include <stdlib.h>
#include <string.h>

void ra_termcount_free(ra_termcount *m) {
  free(m->arena);
  free(m->slot);
  free(m->ent);
  memset(m, 0, sizeof *m);
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
