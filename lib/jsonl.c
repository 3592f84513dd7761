/* jsonl.c - JSON Lines reader (see jsonl.h), gzip-transparent via zlib. */
#define _GNU_SOURCE
#include "jsonl.h"

#include "hash.h"
#include "ident.h"
#include "page.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

struct ra_jsonl {
  gzFile gz;
  char *path;
  char *buf;
  size_t cap, max_line;
  size_t line_no;
  size_t bad;       /* lines skipped as bad (each a failed page) */
  size_t skipped;   /* bytes of the over-long line being skipped */
  size_t repeat_of; /* the last record's id was first on this line (0: new) */
  struct seen_id *seen; /* ids read so far, for the duplicate warning */
  size_t n_seen, cap_seen;
};

/* An id read, and the line it was on (open addressing on its hash). */
typedef struct seen_id {
  char *id;
  size_t line;
} seen_id;

int ra_jsonl_is_name(const char *path) {
  size_t n = strlen(path);
  if (n > 6 && strcmp(path + n - 6, ".jsonl") == 0) return 1;
  if (n > 9 && strcmp(path + n - 9, ".jsonl.gz") == 0) return 1;
  return 0;
}

ra_status ra_jsonl_open(const char *path, size_t max_line, ra_jsonl **out,
                        ra_error *err) {
  *out = NULL;
  ra_jsonl *j = calloc(1, sizeof *j);
  if (!j) return ra_error_set(err, RA_ERR_NOMEM, "%s", path);
  j->path = strdup(path);
  j->max_line = max_line ? max_line : 16u * 1024u * 1024u;
  j->cap = 64 * 1024;
  j->buf = malloc(j->cap);
  if (!j->path || !j->buf) {
    ra_jsonl_close(j);
    return ra_error_set(err, RA_ERR_NOMEM, "%s", path);
  }
  /* Only a regular file: a FIFO is named, never waited on. */
  int fd = ra_page_open_regular(path, err);
  if (fd < 0) {
    ra_jsonl_close(j);
    return err ? err->code : RA_ERR_IO;
  }
  /* gzdopen reads plain files as they are, so one path serves both. */
  j->gz = gzdopen(fd, "rb");
  if (!j->gz) {
    close(fd);
    ra_jsonl_close(j);
    return ra_error_set(err, RA_ERR_NOMEM, "%s: cannot open: out of memory", path);
  }
  gzbuffer(j->gz, 128 * 1024);
  *out = j;
  return RA_OK;
}

void ra_jsonl_close(ra_jsonl *j) {
  if (!j) return;
  if (j->gz) gzclose(j->gz);
  for (size_t i = 0; i < j->cap_seen; i++) free(j->seen[i].id);
  free(j->seen);
  free(j->path);
  free(j->buf);
  free(j);
}

static void warn_line(ra_jsonl *j, ra_warn_fn warn, void *ctx,
                      const char *fmt, const char *detail) {
  char msg[400];
  snprintf(msg, sizeof msg, "%s%s", fmt, detail ? detail : "");
  if (warn) warn(ctx, j->path, j->line_no, (size_t)-1, msg);
}

/* A bad line: named, skipped, counted as a failed page. */
static void bad_line(ra_jsonl *j, ra_warn_fn warn, void *ctx, const char *fmt,
                     const char *detail) {
  j->bad++;
  warn_line(j, warn, ctx, fmt, detail);
}

size_t ra_jsonl_bad_lines(const ra_jsonl *j) { return j ? j->bad : 0; }

size_t ra_jsonl_repeat_of(const ra_jsonl *j) { return j ? j->repeat_of : 0; }

/* The line an id was first read on (0: new; then remembered at line). */
static size_t seen_before(ra_jsonl *j, const char *id, size_t line) {
  if (j->n_seen * 2 >= j->cap_seen) {
    size_t nc = j->cap_seen ? j->cap_seen * 2 : 256;
    seen_id *nv = calloc(nc, sizeof *nv);
    if (!nv) return 0; /* the warning is a courtesy */
    for (size_t i = 0; i < j->cap_seen; i++) {
      if (!j->seen[i].id) continue;
      size_t k = (size_t)ra_fnv1a(j->seen[i].id, strlen(j->seen[i].id)) & (nc - 1);
      while (nv[k].id) k = (k + 1) & (nc - 1);
      nv[k] = j->seen[i];
    }
    free(j->seen);
    j->seen = nv;
    j->cap_seen = nc;
  }
  size_t k = (size_t)ra_fnv1a(id, strlen(id)) & (j->cap_seen - 1);
  while (j->seen[k].id) {
    if (strcmp(j->seen[k].id, id) == 0) {
      size_t first = j->seen[k].line;
      j->seen[k].line = line; /* the next repeat names this one */
      return first;
    }
    k = (k + 1) & (j->cap_seen - 1);
  }
  if ((j->seen[k].id = strdup(id)) != NULL) {
    j->seen[k].line = line;
    j->n_seen++;
  }
  return 0;
}

/* Read one line into j->buf (without the newline).  Returns 1 with a line,
 * 0 at EOF, -1 on error; *too_long when the line was skipped as too long. */
static int read_line(ra_jsonl *j, size_t *len, int *too_long, ra_error *err) {
  size_t n = 0;
  *too_long = 0;
  for (;;) {
    if (n > j->max_line) {
      /* Skip the rest of the line without storing it. */
      if (!*too_long) j->skipped = 0;
      *too_long = 1;
      j->skipped += n;
      n = 0;
    }
    if (n + 2 > j->cap) {
      size_t nc = j->cap * 2;
      if (nc > j->max_line + 2) nc = j->max_line + 2;
      char *nb = realloc(j->buf, nc);
      if (!nb) {
        ra_error_set(err, RA_ERR_NOMEM, "%s: line %zu", j->path, j->line_no + 1);
        return -1;
      }
      j->buf = nb;
      j->cap = nc;
    }
    int c = gzgetc(j->gz);
    if (c == -1) {
      int zerr = 0;
      const char *m = gzerror(j->gz, &zerr);
      if (zerr != Z_OK && zerr != Z_STREAM_END) {
        ra_error_set(err, RA_ERR_IO, "%s: read error near line %zu: %s",
                     j->path, j->line_no + 1, m);
        return -1;
      }
      if (n == 0 && !*too_long) return 0;
      break;
    }
    if (c == '\n') break;
    j->buf[n++] = (char)c;
  }
  if (*too_long) j->skipped += n;
  j->line_no++;
  if (n > 0 && j->buf[n - 1] == '\r') n--;
  j->buf[n] = '\0';
  *len = n;
  return 1;
}

static char *dup_field(json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  if (!json_is_string(v)) return NULL;
  return strndup(json_string_value(v), json_string_length(v));
}

/* Body -> paragraphs at blank lines, whitespace inside a paragraph kept. */
static int split_body(ra_article *a, const char *body) {
  a->sections = calloc(1, sizeof *a->sections);
  if (!a->sections) return -1;
  a->n_sections = 1;
  ra_section *s = &a->sections[0];
  size_t cap = 0;
  const char *p = body;
  while (*p) {
    while (*p == '\n' || *p == ' ' || *p == '\t' || *p == '\r') p++;
    if (!*p) break;
    const char *e = strstr(p, "\n\n");
    size_t n = e ? (size_t)(e - p) : strlen(p);
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\n' || p[n - 1] == '\r' ||
                     p[n - 1] == '\t'))
      n--;
    if (s->n_blocks == cap) {
      size_t nc = cap ? cap * 2 : 8;
      ra_block *nb = realloc(s->blocks, nc * sizeof *nb);
      if (!nb) return -1;
      s->blocks = nb;
      cap = nc;
    }
    ra_block *b = &s->blocks[s->n_blocks];
    b->kind = RA_BLOCK_PARA;
    b->level = 0;
    b->text = strndup(p, n);
    if (!b->text) return -1;
    s->n_blocks++;
    p += n;
  }
  return 0;
}

ra_status ra_jsonl_next(ra_jsonl *j, ra_article **out, uint64_t *hash,
                        size_t *line_no, ra_warn_fn warn, void *warn_ctx,
                        ra_error *err) {
  *out = NULL;
  for (;;) {
    size_t len = 0;
    int too_long = 0;
    int r = read_line(j, &len, &too_long, err);
    if (r < 0) return err ? err->code : RA_ERR_IO;
    if (r == 0) return RA_OK;
    if (too_long) {
      char d[200];
      snprintf(d, sizeof d, "line %zu is %zu bytes; the limit is %zu bytes "
               "(--max-file-size): skipped", j->line_no, j->skipped, j->max_line);
      bad_line(j, warn, warn_ctx, d, NULL);
      continue;
    }
    size_t i = 0;
    while (i < len && (j->buf[i] == ' ' || j->buf[i] == '\t')) i++;
    if (i == len) continue; /* blank lines are allowed */
    json_error_t jerr;
    json_t *o = json_loadb(j->buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!o) {
      char d[300];
      snprintf(d, sizeof d, "%s (column %d)", jerr.text, jerr.column);
      bad_line(j, warn, warn_ctx, "malformed JSON, line skipped: ", d);
      continue;
    }
    const char *missing = NULL;
    if (!json_is_object(o)) missing = "a JSON object";
    else if (!json_is_string(json_object_get(o, "id")) ||
             json_string_length(json_object_get(o, "id")) == 0)
      missing = "\"id\" (non-empty string)";
    else if (strlen(json_string_value(json_object_get(o, "id"))) !=
             json_string_length(json_object_get(o, "id")))
      missing = "\"id\" without NUL bytes";
    else if (!json_is_string(json_object_get(o, "title")))
      missing = "\"title\" (string)";
    else if (json_object_get(o, "body") &&
             !json_is_string(json_object_get(o, "body")))
      missing = "\"body\" as a string";
    json_t *tags = json_is_object(o) ? json_object_get(o, "tags") : NULL;
    if (!missing && tags && !json_is_array(tags))
      missing = "\"tags\" as an array of strings";
    for (size_t k = 0; !missing && tags && k < json_array_size(tags); k++)
      if (!json_is_string(json_array_get(tags, k)))
        missing = "\"tags\" as an array of strings (an element is not a string)";
    json_t *cat = json_is_object(o) ? json_object_get(o, "category") : NULL;
    json_t *url = json_is_object(o) ? json_object_get(o, "url") : NULL;
    if (!missing && cat && !json_is_string(cat) && !json_is_null(cat))
      missing = "\"category\" as a string";
    if (!missing && url && !json_is_string(url) && !json_is_null(url))
      missing = "\"url\" as a string";
    if (missing) {
      bad_line(j, warn, warn_ctx, "line skipped: expected ", missing);
      json_decref(o);
      continue;
    }
    ra_article *a = calloc(1, sizeof *a);
    int bad = !a;
    if (a) {
      json_t *idv = json_object_get(o, "id"); /* ident.h: odd ids hashed */
      a->id = ra_ident_id(json_string_value(idv), json_string_length(idv));
      a->title = dup_field(o, "title");
      a->category = dup_field(o, "category");
      a->url = dup_field(o, "url");
      a->path = strdup(j->path);
      bad = !a->id || !a->title || !a->path;
      if (a->category && !*a->category) {
        free(a->category);
        a->category = NULL;
      }
      size_t nt = tags ? json_array_size(tags) : 0;
      if (!bad && nt) {
        a->tags = calloc(nt, sizeof *a->tags);
        bad = !a->tags;
        for (size_t k = 0; !bad && k < nt; k++) {
          json_t *t = json_array_get(tags, k);
          if (!json_is_string(t) || json_string_length(t) == 0) continue;
          a->tags[a->n_tags] = strndup(json_string_value(t), json_string_length(t));
          if (!a->tags[a->n_tags]) bad = 1;
          else a->n_tags++;
        }
      }
      json_t *body = json_object_get(o, "body");
      if (!bad && split_body(a, body ? json_string_value(body) : "") != 0)
        bad = 1;
    }
    json_decref(o);
    if (bad) {
      ra_article_free(a);
      return ra_error_set(err, RA_ERR_NOMEM, "%s: line %zu", j->path,
                          j->line_no);
    }
    size_t first = seen_before(j, a->id, j->line_no);
    j->repeat_of = first;
    if (first) {
      char d[400];
      snprintf(d, sizeof d, "duplicate id \"%.200s\" (lines %zu and %zu): "
               "line %zu wins", a->id, first, j->line_no, j->line_no);
      warn_line(j, warn, warn_ctx, d, NULL);
    }
    *hash = ra_fnv1a(j->buf, len);
    *line_no = j->line_no;
    *out = a;
    return RA_OK;
  }
}
