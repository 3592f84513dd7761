/* record.c - the stored binary form of a parsed article (see record.h).
 *
 * Decoding walks the record twice: a first pass checks every length and
 * sizes the one block, a second fills it (arrays first, aligned, then the
 * strings), so a hit costs one malloc however many blocks it has. */
#include "record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char rec_magic[4] = {'R', 'A', 'R', '1'};

int ra_record_is(const char *data, size_t len) {
  return len >= 4 && memcmp(data, rec_magic, 4) == 0;
}

/* ---- encoding ---------------------------------------------------------------- */

typedef struct wbuf {
  char *p;
  size_t n, cap;
  int nomem;
} wbuf;

static void put(wbuf *b, const void *d, size_t n) {
  if (b->nomem) return;
  if (b->n + n > b->cap) {
    size_t nc = b->cap ? b->cap : 4096;
    while (nc < b->n + n) nc *= 2;
    char *np = realloc(b->p, nc);
    if (!np) {
      b->nomem = 1;
      return;
    }
    b->p = np;
    b->cap = nc;
  }
  memcpy(b->p + b->n, d, n);
  b->n += n;
}

static void put_varint(wbuf *b, uint64_t v) {
  unsigned char t[10];
  size_t k = 0;
  do {
    t[k] = (unsigned char)(v & 0x7f);
    v >>= 7;
    if (v) t[k] |= 0x80;
    k++;
  } while (v);
  put(b, t, k);
}

static void put_str(wbuf *b, const char *s) {
  if (!s) {
    put_varint(b, 0);
    return;
  }
  size_t n = strlen(s);
  put_varint(b, (uint64_t)n + 1);
  put(b, s, n);
}

static void put_blocks(wbuf *b, const ra_block *v, size_t n) {
  put_varint(b, n);
  for (size_t i = 0; i < n; i++) {
    put_varint(b, (uint64_t)v[i].kind);
    put_varint(b, v[i].level < 0 ? 0 : (uint64_t)v[i].level);
    put_str(b, v[i].text);
  }
}

ra_status ra_record_encode(const ra_article *a, char **out, size_t *out_len,
                           ra_error *err) {
  *out = NULL;
  *out_len = 0;
  wbuf b = {0};
  put(&b, rec_magic, 4);
  put_str(&b, a->id);
  put_str(&b, a->path);
  put_str(&b, a->url);
  put_str(&b, a->title);
  put_str(&b, a->category);
  put_varint(&b, a->n_tags);
  for (size_t i = 0; i < a->n_tags; i++) put_str(&b, a->tags[i]);
  put_varint(&b, a->n_sections);
  for (size_t i = 0; i < a->n_sections; i++) {
    put_str(&b, a->sections[i].heading);
    put_blocks(&b, a->sections[i].blocks, a->sections[i].n_blocks);
  }
  put_varint(&b, a->n_illustrations);
  for (size_t i = 0; i < a->n_illustrations; i++) put_str(&b, a->illustrations[i]);
  put_varint(&b, a->n_faqs);
  for (size_t i = 0; i < a->n_faqs; i++) {
    put_str(&b, a->faqs[i].question);
    put_blocks(&b, a->faqs[i].answer, a->faqs[i].n_answer);
  }
  if (b.nomem) {
    free(b.p);
    return ra_error_set(err, RA_ERR_NOMEM, "article record");
  }
  *out = b.p;
  *out_len = b.n;
  return RA_OK;
}

/* ---- decoding ------------------------------------------------------------------ */

/* One pass over the record.  Sizing (fill == 0) only counts; filling
 * takes arrays from *arr and string bytes from *chars. */
typedef struct rbuf {
  const unsigned char *p, *end;
  int bad;
  int fill;
  size_t arr_bytes, char_bytes; /* sizing */
  char *arr, *chars;            /* filling */
} rbuf;

static uint64_t get_varint(rbuf *r) {
  uint64_t v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (r->p >= r->end) break;
    unsigned char c = *r->p++;
    v |= (uint64_t)(c & 0x7f) << shift;
    if (!(c & 0x80)) return v;
  }
  r->bad = 1;
  return 0;
}

/* A count of items that each take at least one byte: never more than
 * the bytes left, so a damaged count cannot ask for a huge block. */
static size_t get_count(rbuf *r) {
  uint64_t n = get_varint(r);
  if (n > (uint64_t)(r->end - r->p)) {
    r->bad = 1;
    return 0;
  }
  return (size_t)n;
}

static char *get_str(rbuf *r) {
  uint64_t n = get_varint(r);
  if (r->bad || n == 0) return NULL;
  n--;
  if (n > (uint64_t)(r->end - r->p) || memchr(r->p, '\0', (size_t)n)) {
    r->bad = 1;
    return NULL;
  }
  static char sized[] = ""; /* sizing: non-NULL means "present" */
  char *s = sized;
  if (r->fill) {
    s = r->chars;
    memcpy(s, r->p, (size_t)n);
    s[n] = '\0';
    r->chars += n + 1;
  } else {
    r->char_bytes += (size_t)n + 1;
  }
  r->p += n;
  return s;
}

/* A string the article must have (id, title, each tag, illustration,
 * block text and FAQ question, as the JSON form required): absent marks
 * the record damaged, so no caller meets a NULL there. */
static char *get_req_str(rbuf *r) {
  char *s = get_str(r);
  if (!s) r->bad = 1;
  return s;
}

#define RA_ALIGN(n) (((n) + 15) & ~(size_t)15)

static void *get_array(rbuf *r, size_t n, size_t size) {
  if (n == 0) return NULL;
  size_t bytes = RA_ALIGN(n * size);
  if (!r->fill) {
    r->arr_bytes += bytes;
    return NULL;
  }
  void *v = r->arr;
  r->arr += bytes;
  return v;
}

static ra_block *get_blocks(rbuf *r, size_t *n_out) {
  size_t n = get_count(r);
  ra_block *v = get_array(r, n, sizeof *v);
  for (size_t i = 0; i < n && !r->bad; i++) {
    uint64_t kind = get_varint(r), level = get_varint(r);
    char *text = get_req_str(r);
    if (kind > RA_BLOCK_ITEM || level > 1000) r->bad = 1;
    if (v) {
      v[i].kind = (ra_block_kind)kind;
      v[i].level = (int)level;
      v[i].text = text;
    }
  }
  *n_out = r->bad ? 0 : n;
  return r->bad ? NULL : v;
}

static char **get_strs(rbuf *r, size_t *n_out) {
  size_t n = r->bad ? 0 : get_count(r);
  char **v = get_array(r, n, sizeof *v);
  for (size_t i = 0; i < n && !r->bad; i++) {
    char *t = get_req_str(r);
    if (v) v[i] = t;
  }
  *n_out = r->bad ? 0 : n;
  return v;
}

static void walk(rbuf *r, ra_article *a) {
  a->id = get_req_str(r);
  a->path = get_str(r);
  a->url = get_str(r);
  a->title = get_req_str(r);
  a->category = get_str(r);
  a->tags = get_strs(r, &a->n_tags);
  size_t n = r->bad ? 0 : get_count(r);
  a->sections = get_array(r, n, sizeof *a->sections);
  for (size_t i = 0; i < n && !r->bad; i++) {
    char *h = get_str(r);
    size_t nb = 0;
    ra_block *bl = get_blocks(r, &nb);
    if (a->sections) {
      a->sections[i].heading = h;
      a->sections[i].blocks = bl;
      a->sections[i].n_blocks = nb;
    }
  }
  a->n_sections = r->bad ? 0 : n;
  a->illustrations = get_strs(r, &a->n_illustrations);
  n = r->bad ? 0 : get_count(r);
  a->faqs = get_array(r, n, sizeof *a->faqs);
  for (size_t i = 0; i < n && !r->bad; i++) {
    char *q = get_req_str(r);
    size_t nb = 0;
    ra_block *bl = get_blocks(r, &nb);
    if (a->faqs) {
      a->faqs[i].question = q;
      a->faqs[i].answer = bl;
      a->faqs[i].n_answer = nb;
    }
  }
  a->n_faqs = r->bad ? 0 : n;
  if (r->p != r->end) r->bad = 1; /* trailing bytes: not our record */
}

ra_status ra_record_decode(const char *rec, size_t len, ra_article **out,
                           ra_error *err) {
  *out = NULL;
  if (!ra_record_is(rec, len))
    return ra_error_set(err, RA_ERR_INVALID, "stored article: not a record");
  rbuf r = {.p = (const unsigned char *)rec + 4,
            .end = (const unsigned char *)rec + len};
  ra_article sizing = {0};
  walk(&r, &sizing);
  if (r.bad)
    return ra_error_set(err, RA_ERR_INVALID,
                        "stored article damaged (rebuild the index with "
                        "ra-index --rebuild)");
  size_t head = RA_ALIGN(sizeof(ra_article));
  char *block = malloc(head + r.arr_bytes + r.char_bytes);
  if (!block) return ra_error_set(err, RA_ERR_NOMEM, "stored article");
  ra_article *a = (ra_article *)(void *)block;
  memset(a, 0, sizeof *a);
  rbuf f = {.p = (const unsigned char *)rec + 4,
            .end = (const unsigned char *)rec + len,
            .fill = 1,
            .arr = block + head,
            .chars = block + head + r.arr_bytes};
  walk(&f, a);
  a->block = block;
  *out = a;
  return RA_OK;
}
