/* ident.c - article ids and index terms that always fit (see ident.h). */
#include "ident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

static void hex16(char *out, const char *s, size_t n) {
  snprintf(out, 17, "%016llx", (unsigned long long)ra_fnv1a(s, n));
}

size_t ra_ident_term(const char *prefix, const char *value, size_t len,
                     char *out) {
  size_t pl = strlen(prefix);
  if (pl > RA_IDENT_TERM_MAX - RA_IDENT_HASH_LEN)
    pl = RA_IDENT_TERM_MAX - RA_IDENT_HASH_LEN; /* no prefix is this long */
  memcpy(out, prefix, pl);
  if (pl + len <= RA_IDENT_TERM_MAX) {
    memcpy(out + pl, value, len);
    out[pl + len] = '\0';
    return pl + len;
  }
  size_t keep = RA_IDENT_TERM_MAX - RA_IDENT_HASH_LEN - pl;
  /* back off continuation bytes: never half a character */
  while (keep > 0 && ((unsigned char)value[keep] & 0xC0) == 0x80) keep--;
  memcpy(out + pl, value, keep);
  out[pl + keep] = '#';
  hex16(out + pl + keep + 1, value, len);
  return pl + keep + RA_IDENT_HASH_LEN;
}

static int id_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

int ra_ident_id_ok(const char *name, size_t len) {
  if (len == 0 || len > RA_IDENT_ID_MAX) return 0;
  size_t seg = 0; /* start of the current '/'-separated segment */
  for (size_t i = 0; i <= len; i++) {
    if (i < len && id_byte((unsigned char)name[i])) continue;
    if (i < len && name[i] != '/') return 0;
    /* a segment: not empty, not "." or ".." */
    size_t sl = i - seg;
    if (sl == 0 || (sl <= 2 && memcmp(name + seg, "..", sl) == 0)) return 0;
    seg = i + 1;
  }
  return 1;
}

char *ra_ident_id(const char *name, size_t len) {
  char *out = malloc(RA_IDENT_ID_MAX + 1);
  if (!out) return NULL;
  if (ra_ident_id_ok(name, len)) {
    memcpy(out, name, len);
    out[len] = '\0';
    return out;
  }
  size_t cap = RA_IDENT_ID_MAX - RA_IDENT_HASH_LEN, n = 0;
  for (size_t i = 0; i < len && n < cap; i++) {
    unsigned char c = (unsigned char)name[i];
    if (id_byte(c) && c != '-') out[n++] = (char)c;
    else if (n && out[n - 1] != '-') out[n++] = '-';
  }
  while (n && out[n - 1] == '-') n--;
  if (n == 0) {
    memcpy(out, "id", 2);
    n = 2;
  }
  out[n] = '-';
  hex16(out + n + 1, name, len);
  return out;
}

unsigned ra_ident_shard(const char *id, size_t len, unsigned n) {
  if (n <= 1) return 1;
  return 1u + (unsigned)(ra_fnv1a(id, len) % n);
}
