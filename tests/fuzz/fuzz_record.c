/* fuzz_record.c - libFuzzer target: the stored article record, as read
 * back from a (possibly damaged) index.  Any bytes are refused with
 * RA_ERR_INVALID or decoded into a whole article whose every string is
 * reachable and terminated; a decoded record encodes again identically. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t blocks_len(const ra_block *b, size_t n) {
  size_t t = 0;
  for (size_t i = 0; i < n; i++) t += strlen(b[i].text);
  return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* Half the inputs get the magic, so the decoder's body is reached. */
  uint8_t *buf = malloc(size + 4);
  if (!buf) return 0;
  size_t n = size;
  if (size && (data[0] & 1)) {
    memcpy(buf, "RAR1", 4);
    memcpy(buf + 4, data + 1, size - 1);
    n = size + 3;
  } else if (size) {
    memcpy(buf, data, size);
  }
  ra_article *a = NULL;
  ra_error err;
  ra_error_clear(&err);
  ra_status st = ra_record_decode((const char *)buf, n, &a, &err);
  if (st == RA_OK) {
    /* Whole: the strings callers take for granted are there. */
    if (!a || !a->id || !a->title || !a->block) abort();
    size_t t = strlen(a->id) + strlen(a->title);
    for (size_t i = 0; i < a->n_tags; i++) t += strlen(a->tags[i]);
    for (size_t i = 0; i < a->n_illustrations; i++) t += strlen(a->illustrations[i]);
    for (size_t i = 0; i < a->n_faqs; i++) t += strlen(a->faqs[i].question);
    for (size_t i = 0; i < a->n_sections; i++)
      t += blocks_len(a->sections[i].blocks, a->sections[i].n_blocks);
    for (size_t i = 0; i < a->n_faqs; i++) t += blocks_len(a->faqs[i].answer, a->faqs[i].n_answer);
    if (t > n) abort();
    char *again = NULL;
    size_t al = 0;
    if (ra_record_encode(a, &again, &al, &err) == RA_OK &&
        (al != n || memcmp(again, buf, n) != 0)) {
      /* Varints may be written longer than needed in the input; the
       * re-encoding is canonical, so only require it to decode again. */
      ra_article *b = NULL;
      if (ra_record_decode(again, al, &b, &err) != RA_OK) abort();
      ra_article_free(b);
    }
    free(again);
  } else if (st != RA_ERR_INVALID && st != RA_ERR_NOMEM) {
    abort();
  }
  ra_article_free(a);
  free(buf);
  return 0;
}
