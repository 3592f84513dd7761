/* scan.c - finding the corpus's pages and reading them (see scan.h):
 * directories walked recursively with symlink loops caught, page-name
 * rules, ids from paths, gzip-compressed pages. */
#define _GNU_SOURCE
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ident.h"
#include "idxdir.h"
#include "jsonl.h"
#include "page.h"
#include "textutil.h"

typedef struct strvec {
  char **v;
  size_t n, cap;
} strvec;

static int strvec_push(strvec *s, char *str) {
  if (!str) return -1;
  if (s->n == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 64;
    char **nv = realloc(s->v, nc * sizeof *nv);
    if (!nv) {
      free(str);
      return -1;
    }
    s->v = nv;
    s->cap = nc;
  }
  s->v[s->n++] = str;
  return 0;
}

typedef struct scan_ctx {
  strvec paths;
  dev_t seen_dev[256];
  ino_t seen_ino[256];
  size_t n_seen;
  size_t errors;
  ra_warn_fn warn;
  void *warn_ctx;
  int nomem;
} scan_ctx;

int ra_scan_is_page_name(const char *name) {
  size_t n = strlen(name);
  if (name[0] == '.') return 0;
  if (ra_jsonl_is_name(name)) return 1;
  if (n > 7 && strcmp(name + n - 7, ".txt.gz") == 0) return 1;
  if (n < 5 || strcmp(name + n - 4, ".txt") != 0) return 0;
  return strcmp(name, "tags.txt") != 0 && strcmp(name, "synonyms.txt") != 0;
}

/* what: a fixed description; detail: strerror() text or NULL. */
static void scan_warn(scan_ctx *c, const char *path, const char *what,
                      const char *detail) {
  char msg[512];
  snprintf(msg, sizeof msg, "%s%s%s", what, detail ? ": " : "",
           detail ? detail : "");
  c->errors++;
  if (c->warn) c->warn(c->warn_ctx, path, 0, (size_t)-1, msg);
}

static void scan_dir(scan_ctx *c, const char *dir, int depth) {
  struct stat st;
  if (stat(dir, &st) != 0) {
    scan_warn(c, dir, "cannot read", strerror(errno));
    return;
  }
  /* Following symlinks is useful; a loop must not hang or recurse forever. */
  for (size_t i = 0; i < c->n_seen; i++)
    if (c->seen_dev[i] == st.st_dev && c->seen_ino[i] == st.st_ino) {
      scan_warn(c, dir, "directory visited twice (symlink loop?): skipped", NULL);
      return;
    }
  if (depth > 32 || c->n_seen >= sizeof c->seen_ino / sizeof c->seen_ino[0]) {
    scan_warn(c, dir, "directories nested too deeply: skipped", NULL);
    return;
  }
  c->seen_dev[c->n_seen] = st.st_dev;
  c->seen_ino[c->n_seen] = st.st_ino;
  c->n_seen++;
  DIR *d = opendir(dir);
  if (!d) {
    scan_warn(c, dir, "cannot read directory", strerror(errno));
    return;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL && !c->nomem) {
    if (e->d_name[0] == '.') continue;
    char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, e->d_name) < 0) {
      c->nomem = 1;
      break;
    }
    struct stat es;
    if (stat(path, &es) != 0) {
      scan_warn(c, path, "cannot read", strerror(errno));
      free(path);
      continue;
    }
    if (S_ISDIR(es.st_mode)) {
      scan_dir(c, path, depth + 1);
      free(path);
    } else if (ra_scan_is_page_name(e->d_name)) {
      if (strvec_push(&c->paths, path) != 0) c->nomem = 1;
    } else {
      free(path);
    }
  }
  closedir(d);
  c->n_seen--;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Id: path relative to the input root, without ".txt", in the id scheme
 * (ident.h: an odd name becomes a safe prefix and a hash). */
static char *make_id(const char *root, const char *path) {
  size_t rl = strlen(root);
  const char *rel = path;
  if (strncmp(path, root, rl) == 0 && path[rl] == '/') rel = path + rl + 1;
  size_t n = strlen(rel);
  if (n > 3 && strcmp(rel + n - 3, ".gz") == 0) n -= 3;
  if (n > 4 && strncmp(rel + n - 4, ".txt", 4) == 0) n -= 4;
  return ra_ident_id(rel, n);
}

ra_status ra_index_scan(const char *const *inputs, size_t n_inputs,
                        char ***paths, char ***ids, size_t *n,
                        size_t *scan_errors, ra_warn_fn warn, void *warn_ctx,
                        ra_error *err) {
  *paths = *ids = NULL;
  *n = 0;
  strvec all_paths = {0}, all_ids = {0};
  for (size_t i = 0; i < n_inputs; i++) {
    scan_ctx c = {0};
    c.warn = warn;
    c.warn_ctx = warn_ctx;
    struct stat st;
    char root[RA_PATH_MAX];
    snprintf(root, sizeof root, "%s", inputs[i]);
    size_t rl = strlen(root);
    while (rl > 1 && root[rl - 1] == '/') root[--rl] = '\0';
    if (stat(root, &st) != 0) {
      ra_strv_free(all_paths.v, all_paths.n);
      ra_strv_free(all_ids.v, all_ids.n);
      return ra_error_set(err, errno == ENOENT ? RA_ERR_NOTFOUND : RA_ERR_IO,
                          "%s: %s", root, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
      scan_dir(&c, root, 0);
    } else {
      strvec_push(&c.paths, strdup(root));
    }
    if (c.nomem) {
      ra_strv_free(c.paths.v, c.paths.n);
      ra_strv_free(all_paths.v, all_paths.n);
      ra_strv_free(all_ids.v, all_ids.n);
      return ra_error_set(err, RA_ERR_NOMEM, "scanning %s", root);
    }
    if (c.paths.n > 1)
      qsort(c.paths.v, c.paths.n, sizeof *c.paths.v, cmp_str);
    for (size_t k = 0; k < c.paths.n; k++) {
      const char *base = strrchr(c.paths.v[k], '/');
      char *id = S_ISDIR(st.st_mode) ? make_id(root, c.paths.v[k])
                                     : make_id("", base ? base + 1 : c.paths.v[k]);
      if (strvec_push(&all_ids, id) != 0 ||
          strvec_push(&all_paths, c.paths.v[k]) != 0) {
        for (size_t j = k + 1; j < c.paths.n; j++) free(c.paths.v[j]);
        free(c.paths.v);
        ra_strv_free(all_paths.v, all_paths.n);
        ra_strv_free(all_ids.v, all_ids.n);
        return ra_error_set(err, RA_ERR_NOMEM, "scanning %s", root);
      }
    }
    free(c.paths.v);
    if (scan_errors) *scan_errors += c.errors;
  }
  *paths = all_paths.v;
  *ids = all_ids.v;
  *n = all_paths.n;
  return RA_OK;
}

ra_status ra_scan_read_page(const char *path, size_t max_size, char **text,
                            size_t *len, int *repaired, ra_warn_fn warn,
                            void *warn_ctx, ra_error *err) {
  size_t n = strlen(path);
  if (text) *text = NULL;
  if (len) *len = 0;
  if (repaired) *repaired = 0;
  int fd = ra_page_open_regular(path, err);
  if (fd < 0) return err ? err->code : RA_ERR_IO;
  if (n < 3 || strcmp(path + n - 3, ".gz") != 0)
    return ra_page_read_fd(path, fd, max_size, text, len, repaired, warn,
                           warn_ctx, err);
  /* gzopen would read a non-gzip file as plain text: say what it is. */
  unsigned char magic[2] = {0, 0};
  ssize_t mr = pread(fd, magic, 2, 0);
  if (mr != 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
    close(fd);
    return ra_error_set(err, RA_ERR_ZLIB, "%s: not a gzip file", path);
  }
  gzFile gz = gzdopen(fd, "rb"); /* owns fd from here */
  if (!gz) {
    close(fd);
    return ra_error_set(err, RA_ERR_NOMEM, "%s: cannot open: out of memory", path);
  }
  size_t cap = 64 * 1024, got = 0;
  char *buf = malloc(cap);
  ra_status st = buf ? RA_OK : ra_error_set(err, RA_ERR_NOMEM, "%s", path);
  while (!st) {
    if (got == cap) {
      if (cap > max_size) {
        st = ra_error_set(err, RA_ERR_TOOBIG,
                          "%s: decompressed text is above the limit of %zu bytes",
                          path, max_size);
        break;
      }
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        st = ra_error_set(err, RA_ERR_NOMEM, "%s", path);
        break;
      }
      buf = nb;
      cap *= 2;
    }
    int r = gzread(gz, buf + got, (unsigned)(cap - got > (1u << 30) ? (1u << 30) : cap - got));
    if (r < 0) {
      int ze = 0;
      st = ra_error_set(err, RA_ERR_ZLIB, "%s: %s", path, gzerror(gz, &ze));
    } else if (r == 0) {
      /* End of data: a truncated stream ends without its trailer. */
      int ze = Z_OK;
      const char *m = gzerror(gz, &ze);
      if (ze != Z_OK && ze != Z_STREAM_END)
      {
        size_t pl = strlen(path); /* gzerror repeats the path */
        if (strncmp(m, path, pl) == 0 && m[pl] == ':') m += pl + 2;
        st = ra_error_set(err, RA_ERR_ZLIB, "%s: damaged gzip data: %s", path, m);
      }
      break;
    } else {
      got += (size_t)r;
    }
  }
  gzclose(gz);
  if (!st && got > max_size)
    st = ra_error_set(err, RA_ERR_TOOBIG,
                      "%s: decompressed text is %zu bytes, above the limit of %zu bytes",
                      path, got, max_size);
  if (!st)
    st = ra_article_clean(path, buf, got, max_size, text, len, repaired, warn,
                          warn_ctx, err);
  free(buf);
  return st;
}
