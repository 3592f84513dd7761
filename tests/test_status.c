/* test_status.c - TAP tests for the status table (lib/status.h): every
 * status has a name and a description, both unique; every exit code the
 * table (and the named outcomes that are no status's) gives a program is
 * listed for that program in docs/exit-codes.md; every HTTP status it gives
 * is listed in docs/web.md.  So the docs cannot fall behind the table.
 * The docs are read from $RA_SRCDIR (set by make check), else from the
 * source tree this test was configured in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

#include "tap.h"

#ifndef RA_TEST_SRCDIR
#define RA_TEST_SRCDIR ".."
#endif

#define MAX_CODE 256
#define MAX_HTTP 600

static const char *const prog_names[RA_PROG_COUNT] = {"ra-index", "ra-query",
                                                      "ra-cgi"};

/* Whole file, NUL-terminated, malloc'd (caller frees); NULL if unreadable. */
static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, len = 0, n;
  char *buf = malloc(cap);
  while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (len + 1 == cap) {
      char *b = realloc(buf, cap *= 2);
      if (!b) free(buf);
      buf = b;
    }
  }
  fclose(f);
  if (buf) buf[len] = '\0';
  return buf;
}

/* Split one Markdown table line ("| a | b |") in place into trimmed cells;
 * returns how many (0 if the line is no table row). */
static int split_row(char *line, char **cells, int max) {
  while (*line == ' ') line++;
  if (*line != '|') return 0;
  int n = 0;
  char *p = line + 1;
  for (char *bar; n < max && (bar = strchr(p, '|')); p = bar + 1) {
    *bar = '\0';
    while (*p == ' ') p++;
    char *e = p + strlen(p);
    while (e > p && e[-1] == ' ') *--e = '\0';
    cells[n++] = p;
  }
  return n;
}

static int all_digits(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return 0;
  return 1;
}

/* A cell that documents something: not empty, not a dash. */
static int says_something(const char *cell) {
  return *cell && strcmp(cell, "-") != 0 && strcmp(cell, "\xe2\x80\x94") != 0;
}

/* docs/exit-codes.md: the table whose header is "| code | ra-index | ...":
 * documented[prog][code] for each row with something in prog's column. */
static int read_exit_codes(char *text, char documented[RA_PROG_COUNT][MAX_CODE]) {
  int col[RA_PROG_COUNT], have_header = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    char *cells[16];
    int n = split_row(line, cells, 16);
    if (n < 2) continue;
    if (!have_header && strcmp(cells[0], "code") == 0) {
      for (int p = 0; p < RA_PROG_COUNT; p++) {
        col[p] = -1;
        for (int i = 1; i < n; i++)
          if (strncmp(cells[i], prog_names[p], strlen(prog_names[p])) == 0)
            col[p] = i;
        if (col[p] < 0) {
          diag("docs/exit-codes.md: no %s column", prog_names[p]);
          return -1;
        }
      }
      have_header = 1;
    } else if (have_header && all_digits(cells[0])) {
      int code = atoi(cells[0]);
      if (code >= MAX_CODE) continue;
      for (int p = 0; p < RA_PROG_COUNT; p++)
        if (col[p] < n && says_something(cells[col[p]]))
          documented[p][code] = 1;
    }
  }
  return have_header ? 0 : -1;
}

/* docs/web.md: rows of a table that start with a three-digit status. */
static void read_http(char *text, char documented[MAX_HTTP]) {
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    char *cells[8];
    int n = split_row(line, cells, 8);
    if (n >= 2 && all_digits(cells[0]) && strlen(cells[0]) == 3 &&
        says_something(cells[1]))
      documented[atoi(cells[0])] = 1;
  }
}

static void test_names(void) { /* RA_STATUS_COUNT */
  for (int i = 0; i < RA_STATUS_COUNT; i++) {
    const char *name = ra_status_name((ra_status)i);
    const char *desc = ra_strerror((ra_status)i);
    int unique = 1;
    for (int j = 0; j < i; j++)
      if (strcmp(name, ra_status_name((ra_status)j)) == 0 ||
          strcmp(desc, ra_strerror((ra_status)j)) == 0)
        unique = 0;
    ok(name && *name && desc && *desc && unique,
       "status %d: name \"%s\" and description \"%s\" non-empty and unique", i,
       name ? name : "(null)", desc ? desc : "(null)");
  }
}

static void test_http(const char *srcdir) { /* RA_STATUS_COUNT */
  char path[4096];
  static char documented[MAX_HTTP];
  snprintf(path, sizeof path, "%s/docs/web.md", srcdir);
  char *text = slurp(path);
  if (!text) diag("cannot read %s", path);
  else read_http(text, documented);
  free(text);
  for (int i = 0; i < RA_STATUS_COUNT; i++) {
    int http = ra_status_http((ra_status)i);
    ok(http >= 100 && http < MAX_HTTP && documented[http],
       "%s: HTTP %d is in docs/web.md", ra_status_name((ra_status)i), http);
  }
}

static void test_exits(const char *srcdir) { /* 3 * RA_STATUS_COUNT + 3 */
  char path[4096];
  static char documented[RA_PROG_COUNT][MAX_CODE];
  snprintf(path, sizeof path, "%s/docs/exit-codes.md", srcdir);
  char *text = slurp(path);
  if (!text) diag("cannot read %s", path);
  else if (read_exit_codes(text, documented) != 0)
    diag("%s: no exit code table", path);
  free(text);
  for (int i = 0; i < RA_STATUS_COUNT; i++) {
    for (int p = 0; p < RA_PROG_COUNT; p++) {
      int code = ra_status_exit((ra_status)i, (ra_program)p);
      int good = code >= 0 && code < MAX_CODE && documented[p][code];
      char what[128];
      snprintf(what, sizeof what, "%s: %s exit code in docs/exit-codes.md:",
               ra_status_name((ra_status)i), prog_names[p]);
      ok(good, "%s %d", what, code);
    }
  }
  ok(documented[RA_PROG_INDEX][RA_EXIT_INDEX_PARTIAL],
     "ra-index: RA_EXIT_INDEX_PARTIAL (%d) in docs/exit-codes.md",
     RA_EXIT_INDEX_PARTIAL);
  ok(documented[RA_PROG_QUERY][RA_EXIT_QUERY_NOMATCH],
     "ra-query: RA_EXIT_QUERY_NOMATCH (%d) in docs/exit-codes.md",
     RA_EXIT_QUERY_NOMATCH);
  ok(documented[RA_PROG_QUERY][RA_EXIT_QUERY_PARTIAL],
     "ra-query: RA_EXIT_QUERY_PARTIAL (%d) in docs/exit-codes.md",
     RA_EXIT_QUERY_PARTIAL);
}

static void test_out_of_range(void) { /* 1 */
  ra_status bad = (ra_status)RA_STATUS_COUNT;
  int same = 1;
  for (int p = 0; p < RA_PROG_COUNT; p++)
    if (ra_status_exit(bad, (ra_program)p) !=
        ra_status_exit(RA_ERR_INTERNAL, (ra_program)p))
      same = 0;
  ok(ra_status_http(bad) == 500 && same &&
         strcmp(ra_status_name(bad), "unknown") == 0,
     "a value not in the table: HTTP 500, RA_ERR_INTERNAL's exit codes");
}

/* A damaged index is not a missing one: ra-query tells them apart by exit
 * code (no other status gives DAMAGED's), the web by message, both 503. */
static void test_damaged(void) { /* 3 */
  int qx = ra_status_exit(RA_ERR_DAMAGED, RA_PROG_QUERY), own = 1;
  for (int i = 0; i < RA_STATUS_COUNT; i++)
    if (i != RA_ERR_DAMAGED && ra_status_exit((ra_status)i, RA_PROG_QUERY) == qx)
      own = 0;
  ok(own && qx != RA_EXIT_QUERY_NOMATCH,
     "damaged: ra-query exit code %d is its own", qx);
  ok(ra_status_http(RA_ERR_DAMAGED) == 503, "damaged: HTTP 503");
  ok(ra_status_exit(RA_ERR_DAMAGED, RA_PROG_INDEX) ==
         ra_status_exit(RA_ERR_IO, RA_PROG_INDEX),
     "damaged: ra-index exits as on any error");
}

int main(void) {
  const char *srcdir = getenv("RA_SRCDIR");
  if (!srcdir || !*srcdir) srcdir = RA_TEST_SRCDIR;
  printf("1..%d\n", RA_STATUS_COUNT * 5 + 3 + 1 + 3);
  test_names();
  test_http(srcdir);
  test_exits(srcdir);
  test_out_of_range();
  test_damaged();
  if (n_fail) diag("%d of %d tests failed", n_fail, n_test);
  return n_fail ? 1 : 0;
}
