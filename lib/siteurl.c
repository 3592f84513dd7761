/* siteurl.c - article URLs: the check, slugs, the template and urls.tsv
 * (see siteurl.h). */
#define _GNU_SOURCE
#include "siteurl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uriparser/Uri.h>

#include "ident.h"
#include "idtab.h"
#include "textutil.h"

/* ---- the check -------------------------------------------------------- */

const char *ra_siteurl_check(const char *url, size_t len) {
  if (!url || len == 0) return "empty URL";
  if (len > RA_SITEURL_MAX) return "URL longer than 2048 bytes";
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)url[i];
    if (c < 0x20 || c == 0x7f) return "control character in the URL";
    if (c == ' ') return "space in the URL (percent-encode it as %20)";
    if (c >= 0x80) return "non-ASCII byte in the URL (percent-encode it)";
  }
  if (!(len > 7 && strncasecmp(url, "http://", 7) == 0) &&
      !(len > 8 && strncasecmp(url, "https://", 8) == 0))
    return "not an absolute http:// or https:// URL";
  UriUriA u;
  const char *end = NULL;
  if (uriParseSingleUriExA(&u, url, url + len, &end) != URI_SUCCESS)
    return "not a well-formed URL (RFC 3986)";
  int host = u.hostText.first && u.hostText.afterLast > u.hostText.first;
  uriFreeUriMembersA(&u);
  if (!host) return "URL without a host";
  return NULL;
}

/* ---- slugs -------------------------------------------------------------- */

/* Combining marks that belong to the character before them. */
static int is_mark(uint32_t cp) {
  return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE20 && cp <= 0xFE2F);
}

typedef struct slug {
  char b[RA_SLUG_MAX + 2];
  size_t n;
  int sep;  /* a separator is pending */
  int full; /* one byte past RA_SLUG_MAX collected: enough to cut */
} slug;

static void slug_put(slug *s, char c) {
  if (s->full) return;
  if (!ra_is_alnum((unsigned char)c)) {
    s->sep = 1;
    return;
  }
  if (s->sep && s->n) s->b[s->n++] = '-';
  s->sep = 0;
  if (s->n <= RA_SLUG_MAX) s->b[s->n++] = (char)ra_to_lower((unsigned char)c);
  if (s->n > RA_SLUG_MAX) s->full = 1;
}

static void slug_puts(slug *s, const char *t) {
  while (*t) slug_put(s, *t++);
}

/* Folded letters with no decomposition, in ASCII. */
static const char *spelled(uint32_t cp) {
  switch (cp) {
  case 0xE6: return "ae";   /* æ */
  case 0xF8: return "o";    /* ø */
  case 0x153: return "oe";  /* œ */
  case 0xDF: return "ss";   /* ß */
  case 0xF0: return "d";    /* ð */
  case 0xFE: return "th";   /* þ */
  case 0x142: return "l";   /* ł */
  case 0x111: return "d";   /* đ */
  case 0x131: return "i";   /* ı */
  case 0x127: return "h";   /* ħ */
  case 0x167: return "t";   /* ŧ */
  default: return NULL;
  }
}

/* One folded character cluster, its ASCII letters and digits kept. */
static void slug_folded(slug *s, const char *f, size_t fl) {
  const unsigned char *u = (const unsigned char *)f;
  size_t i = 0;
  while (i < fl) {
    if (u[i] < 0x80) {
      slug_put(s, (char)u[i++]);
      continue;
    }
    uint32_t cp = 0;
    size_t bad = 1, k = ra_utf8_next(u + i, fl - i, &cp, &bad);
    if (!k) {
      slug_put(s, '-');
      i += bad;
      continue;
    }
    const char *sp = spelled(cp);
    if (sp) slug_puts(s, sp);
    else if (!is_mark(cp)) slug_put(s, '-');
    i += k;
  }
}

size_t ra_siteurl_slug(ra_analyzer *an, const char *text, size_t len,
                       char *out) {
  slug s = {.n = 0};
  const unsigned char *u = (const unsigned char *)text;
  size_t i = 0;
  while (i < len && !s.full) {
    uint32_t cp = 0;
    size_t bad = 1, k = ra_utf8_next(u + i, len - i, &cp, &bad);
    if (!k) {
      slug_put(&s, '-');
      i += bad;
      continue;
    }
    /* The character and the marks that go with it. */
    size_t j = i + k;
    while (j < len) {
      uint32_t m = 0;
      size_t mb = 1, mk = ra_utf8_next(u + j, len - j, &m, &mb);
      if (!mk || !is_mark(m)) break;
      j += mk;
    }
    if (j == i + 1) {
      slug_put(&s, (char)u[i]);
    } else {
      char f[64];
      size_t fl = 0;
      if (j - i < 32 && an &&
          ra_analyze_fold(an, text + i, j - i, f, sizeof f, &fl, NULL) == RA_OK)
        /* Folded to nothing (an apostrophe, a zero-width space): still a
         * character that is not a-z or 0-9. */
        fl ? slug_folded(&s, f, fl) : slug_put(&s, '-');
      else
        slug_folded(&s, text + i, j - i);
    }
    i = j;
  }
  size_t n = s.n;
  if (n > RA_SLUG_MAX) {
    /* Cut at the last '-' that keeps it within the limit (a '-' right
     * after it ends a whole word there too). */
    size_t cut = RA_SLUG_MAX;
    while (cut > 0 && s.b[cut] != '-') cut--;
    n = cut ? cut : RA_SLUG_MAX;
  }
  memcpy(out, s.b, n);
  out[n] = '\0';
  return n;
}

/* ---- the template ------------------------------------------------------ */

enum { F_LIT, F_ID, F_SLUG, F_CATEGORY };

typedef struct tpart {
  int kind;
  char *lit; /* F_LIT */
} tpart;

struct ra_urltemplate {
  tpart *p;
  size_t n, cap;
};

void ra_urltemplate_free(ra_urltemplate *t) {
  if (!t) return;
  for (size_t i = 0; i < t->n; i++) free(t->p[i].lit);
  free(t->p);
  free(t);
}

static int tpl_add(ra_urltemplate *t, int kind, const char *s, size_t n) {
  if (RA_GROW(t->p, t->cap, t->n + 1)) return -1;
  t->p[t->n].kind = kind;
  t->p[t->n].lit = NULL;
  if (kind == F_LIT && !(t->p[t->n].lit = ra_strndup(s, n))) return -1;
  t->n++;
  return 0;
}

ra_status ra_urltemplate_parse(const char *tpl, ra_urltemplate **out,
                               ra_error *err) {
  *out = NULL;
  size_t len = strlen(tpl);
  if (!(len > 7 && strncasecmp(tpl, "http://", 7) == 0) &&
      !(len > 8 && strncasecmp(tpl, "https://", 8) == 0))
    return ra_error_set(err, RA_ERR_USAGE,
                        "--url-template: '%.200s' does not start with http:// "
                        "or https://", tpl);
  ra_urltemplate *t = calloc(1, sizeof *t);
  if (!t) return ra_nomem(err);
  ra_status st = RA_OK;
  size_t lit = 0;
  for (size_t i = 0; i <= len && !st; i++) {
    unsigned char c = (unsigned char)tpl[i];
    if (i < len && (c <= 0x20 || c == 0x7f || c >= 0x80)) {
      st = ra_error_set(err, RA_ERR_USAGE,
                        "--url-template: byte %zu is a space, control "
                        "character or non-ASCII byte (percent-encode it)", i);
      break;
    }
    if (i < len && c == '}') {
      st = ra_error_set(err, RA_ERR_USAGE,
                        "--url-template: '}' at byte %zu closes no field", i);
      break;
    }
    if (i < len && c != '{') continue;
    if (i > lit && tpl_add(t, F_LIT, tpl + lit, i - lit)) st = ra_nomem(err);
    if (i == len || st) break;
    const char *close = strchr(tpl + i, '}');
    if (!close) {
      st = ra_error_set(err, RA_ERR_USAGE,
                        "--url-template: '{' at byte %zu is not closed", i);
      break;
    }
    size_t fl = (size_t)(close - tpl) - i - 1;
    const char *f = tpl + i + 1;
    int kind = fl == 2 && memcmp(f, "id", 2) == 0     ? F_ID
               : fl == 4 && memcmp(f, "slug", 4) == 0 ? F_SLUG
               : fl == 13 && memcmp(f, "category_slug", 13) == 0 ? F_CATEGORY
                                                                  : -1;
    if (kind < 0) {
      st = ra_error_set(err, RA_ERR_USAGE,
                        "--url-template: unknown field {%.*s} (known: {id}, "
                        "{slug}, {category_slug})", (int)(fl < 60 ? fl : 60), f);
      break;
    }
    if (tpl_add(t, kind, NULL, 0)) st = ra_nomem(err);
    i = (size_t)(close - tpl);
    lit = i + 1;
  }
  if (st) {
    ra_urltemplate_free(t);
    return st;
  }
  *out = t;
  return RA_OK;
}

ra_status ra_urltemplate_expand(const ra_urltemplate *t, ra_analyzer *an,
                                const ra_article *a, char **url,
                                ra_error *err) {
  *url = NULL;
  ra_sbuf b = {NULL, 0, 0};
  int skip_slash = 0, nomem = 0;
  for (size_t i = 0; i < t->n && !nomem; i++) {
    const tpart *p = &t->p[i];
    char sl[RA_SLUG_MAX + 1];
    const char *v = NULL;
    size_t vl = 0;
    switch (p->kind) {
    case F_LIT:
      v = p->lit;
      vl = strlen(v);
      if (skip_slash && vl && v[0] == '/') {
        v++;
        vl--;
      }
      break;
    case F_ID:
      v = a->id;
      vl = strlen(v);
      break;
    case F_SLUG:
      vl = ra_siteurl_slug(an, a->title ? a->title : "",
                           a->title ? strlen(a->title) : 0, sl);
      v = sl;
      if (!vl) { /* nothing of the title is left: the id stands in */
        v = a->id;
        vl = strlen(v);
      }
      break;
    case F_CATEGORY:
      vl = a->category ? ra_siteurl_slug(an, a->category, strlen(a->category), sl) : 0;
      v = sl;
      break;
    }
    skip_slash = p->kind != F_LIT && vl == 0 && b.len && b.p[b.len - 1] == '/';
    if (vl && ra_sb_add(&b, v, vl)) nomem = 1;
  }
  if (nomem) {
    free(b.p);
    return ra_nomem(err);
  }
  const char *why = ra_siteurl_check(b.p ? b.p : "", b.len);
  if (why) {
    ra_status st = ra_error_set(err, RA_ERR_INVALID, "--url-template gives no URL: %s",
                                why);
    free(b.p);
    return st;
  }
  *url = b.p;
  return RA_OK;
}

/* ---- urls.tsv ------------------------------------------------------------- */

typedef struct urlent {
  char *id;     /* NULL: free slot */
  char *url;
  const char *file; /* borrowed from the map's file list */
  size_t line;
  int used;     /* set by ra_urlmap_get (atomically) */
} urlent;

struct ra_urlmap {
  urlent *v; /* open addressing, power-of-two capacity */
  size_t cap, n;
  char **files;
  size_t n_files, files_cap;
};

ra_status ra_urlmap_new(ra_urlmap **out, ra_error *err) {
  *out = calloc(1, sizeof **out);
  return *out ? RA_OK : ra_nomem(err);
}

void ra_urlmap_free(ra_urlmap *m) {
  if (!m) return;
  for (size_t i = 0; i < m->cap; i++) {
    free(m->v[i].id);
    free(m->v[i].url);
  }
  free(m->v);
  ra_strv_free(m->files, m->n_files);
  free(m);
}

static urlent *map_find(const ra_urlmap *m, const char *id) {
  return ra_idtab_find(m->v, m->cap, sizeof *m->v, id);
}

static int map_put(ra_urlmap *m, const urlent *e) {
  void *v = m->v;
  int rc = ra_idtab_put(&v, &m->cap, &m->n, sizeof *m->v, e, 256);
  m->v = v;
  return rc;
}

static void bad_line(ra_warn_fn warn, void *ctx, const char *path, size_t line,
                     size_t *bad, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void bad_line(ra_warn_fn warn, void *ctx, const char *path, size_t line,
                     size_t *bad, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (bad) (*bad)++;
  if (warn) warn(ctx, path, line, (size_t)-1, msg);
}

/* One line (no newline): added, skipped as blank or comment, or reported. */
static ra_status map_line(ra_urlmap *m, const char *file, size_t lineno,
                          char *s, size_t n, ra_warn_fn warn, void *ctx,
                          size_t *bad, ra_error *err) {
  if (n && s[n - 1] == '\r') s[--n] = '\0';
  size_t k = 0;
  while (k < n && (s[k] == ' ' || s[k] == '\t')) k++;
  if (k == n || s[k] == '#') return RA_OK;
  char *tab = memchr(s, '\t', n);
  if (!tab) {
    bad_line(warn, ctx, file, lineno, bad, "no tab: expected ID<TAB>URL; line skipped");
    return RA_OK;
  }
  size_t kl = (size_t)(tab - s);
  char *url = tab + 1;
  size_t ul = n - kl - 1;
  /* Spaces around either field are not part of it. */
  while (kl && s[0] == ' ') { s++; kl--; }
  while (kl && s[kl - 1] == ' ') kl--;
  while (ul && url[0] == ' ') { url++; ul--; }
  while (ul && url[ul - 1] == ' ') ul--;
  for (size_t i = 0; i < kl; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
      bad_line(warn, ctx, file, lineno, bad,
               "control character in the id; line skipped");
      return RA_OK;
    }
  if (!kl || !ul) {
    bad_line(warn, ctx, file, lineno, bad, "empty %s; line skipped", kl ? "URL" : "id");
    return RA_OK;
  }
  if (memchr(url, '\t', ul)) {
    bad_line(warn, ctx, file, lineno, bad,
             "more than two tab-separated fields; line skipped");
    return RA_OK;
  }
  const char *why = ra_siteurl_check(url, ul);
  if (why) {
    bad_line(warn, ctx, file, lineno, bad, "%s; line skipped", why);
    return RA_OK;
  }
  /* A page's file name: its id is the name less .txt / .txt.gz. */
  size_t il = kl;
  if (il > 7 && memcmp(s + il - 7, ".txt.gz", 7) == 0) il -= 7;
  else if (il > 4 && memcmp(s + il - 4, ".txt", 4) == 0) il -= 4;
  urlent e = {ra_ident_id(s, il), ra_strndup(url, ul), file, lineno, 0};
  if (!e.id || !e.url) {
    free(e.id);
    free(e.url);
    return ra_nomem(err);
  }
  const urlent *old = map_find(m, e.id);
  if (old) {
    bad_line(warn, ctx, file, lineno, bad,
             "id \"%.200s\" is mapped already (%.200s:%zu); line skipped", e.id,
             old->file, old->line);
    free(e.id);
    free(e.url);
    return RA_OK;
  }
  if (map_put(m, &e)) {
    free(e.id);
    free(e.url);
    return ra_nomem(err);
  }
  return RA_OK;
}

ra_status ra_urlmap_load(ra_urlmap *m, const char *path, ra_warn_fn warn,
                         void *warn_ctx, size_t *bad, ra_error *err) {
  FILE *f = fopen(path, "re");
  if (!f) {
    if (errno == ENOENT) return RA_OK;
    char e[128];
    ra_errno_text(errno, e, sizeof e);
    return ra_error_set(err, RA_ERR_IO, "%s: cannot read: %s", path, e);
  }
  char *name = strdup(path);
  if (!name || RA_GROW(m->files, m->files_cap, m->n_files + 1)) {
    free(name);
    fclose(f);
    return ra_nomem(err);
  }
  m->files[m->n_files++] = name;
  char *line = NULL;
  size_t cap = 0, lineno = 0;
  ssize_t r;
  ra_status st = RA_OK;
  while (!st && (r = getline(&line, &cap, f)) >= 0) {
    lineno++;
    size_t n = (size_t)r;
    if (n && line[n - 1] == '\n') line[--n] = '\0';
    if (memchr(line, '\0', n)) {
      bad_line(warn, warn_ctx, name, lineno, bad, "NUL byte; line skipped");
      continue;
    }
    st = map_line(m, name, lineno, line, n, warn, warn_ctx, bad, err);
  }
  if (!st && ferror(f)) {
    char e[128];
    ra_errno_text(errno, e, sizeof e);
    st = ra_error_set(err, RA_ERR_IO, "%s: read error: %s", path, e);
  }
  free(line);
  fclose(f);
  return st;
}

const char *ra_urlmap_get(ra_urlmap *m, const char *id) {
  if (!m) return NULL;
  urlent *e = map_find(m, id);
  if (!e) return NULL;
  __atomic_store_n(&e->used, 1, __ATOMIC_RELAXED);
  return e->url;
}

static int cmp_ent(const void *a, const void *b) {
  const urlent *x = *(const urlent *const *)a, *y = *(const urlent *const *)b;
  int c = strcmp(x->file, y->file);
  return c ? c : (x->line > y->line) - (x->line < y->line);
}

size_t ra_urlmap_report_unused(const ra_urlmap *m,
                               int (*keep)(void *ctx, const char *id),
                               void *keep_ctx, ra_warn_fn warn,
                               void *warn_ctx) {
  if (!m || !m->n) return 0;
  const urlent **v = malloc(m->n * sizeof *v);
  size_t n = 0;
  for (size_t i = 0; i < m->cap; i++) {
    const urlent *e = &m->v[i];
    if (!e->id || __atomic_load_n(&e->used, __ATOMIC_RELAXED)) continue;
    if (keep && !keep(keep_ctx, e->id)) continue;
    if (v) v[n] = e;
    n++;
  }
  if (v) {
    /* In file and line order, as a reader fixes them. */
    qsort(v, n, sizeof *v, cmp_ent);
    for (size_t i = 0; i < n && warn; i++) {
      char msg[300];
      snprintf(msg, sizeof msg, "no article has id \"%.200s\"; line skipped", v[i]->id);
      warn(warn_ctx, v[i]->file, v[i]->line, (size_t)-1, msg);
    }
  }
  free(v);
  return n;
}

/* ---- one article ------------------------------------------------------------ */

ra_status ra_siteurl_settle(ra_article *a, ra_urlmap *map,
                            const ra_urltemplate *t, ra_analyzer *an,
                            const char **why, ra_error *err) {
  *why = NULL;
  if (a->url && !*a->url) { /* "url": "" is none */
    free(a->url);
    a->url = NULL;
  }
  if (a->url) {
    const char *bad = ra_siteurl_check(a->url, strlen(a->url));
    if (!bad) return RA_OK;
    *why = bad;
    free(a->url);
    a->url = NULL;
  }
  const char *mapped = ra_urlmap_get(map, a->id);
  if (mapped) {
    a->url = strdup(mapped);
    return a->url ? RA_OK : ra_nomem(err);
  }
  if (!t) return RA_OK;
  ra_error e;
  ra_error_clear(&e);
  ra_status st = ra_urltemplate_expand(t, an, a, &a->url, &e);
  if (st == RA_ERR_NOMEM) return ra_error_set(err, st, "%s", e.msg);
  if (st) *why = "--url-template gives no valid URL for this article";
  return RA_OK;
}
