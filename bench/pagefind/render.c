/* render.c - bench/pagefind/render: the articles of a corpus as a static
 * site of simple HTML pages, one per article, for the Pagefind comparison
 * (bench/pagefind/run).  Each page is parsed by the real parser with a
 * model learned from the whole corpus, as ra-index does, so Pagefind and
 * rasearch see the same title, category, tags, headings, paragraphs,
 * lists and FAQ.  Illustration descriptions, which rasearch indexes at
 * half the weight of body text, become figure captions with
 * data-pagefind-weight="0.5" (Pagefind does not index image alt text).
 *
 *   render CORPUS_DIR SITE_DIR
 *
 * Writes SITE_DIR/a/ID.html for every page of CORPUS_DIR (ID: the id
 * rasearch reports, e.g. "00/000123_<hex>" for a generated corpus).  Exit: 0 done, 2 usage,
 * 5 error (the message names the file). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "article.h"
#include "html.h"
#include "scan.h"
#include "status.h"

static void put(FILE *f, const char *s) { ra_html_put_text(f, s, strlen(s)); }

/* Paragraphs as <p>, runs of list items as nested <ul> by their level. */
static void put_blocks(FILE *f, const ra_block *b, size_t n) {
  int depth = 0; /* open <ul> elements */
  for (size_t i = 0; i < n; i++) {
    int want = b[i].kind == RA_BLOCK_ITEM ? b[i].level + 1 : 0;
    if (want > depth + 1) want = depth + 1; /* no level skipped */
    for (; depth > want; depth--) fputs("</ul>\n", f);
    for (; depth < want; depth++) fputs("<ul>\n", f);
    fputs(b[i].kind == RA_BLOCK_ITEM ? "<li>" : "<p>", f);
    put(f, b[i].text);
    fputs(b[i].kind == RA_BLOCK_ITEM ? "</li>\n" : "</p>\n", f);
  }
  for (; depth > 0; depth--) fputs("</ul>\n", f);
}

static int write_page(const char *path, const ra_article *a) {
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "render: %s: %s\n", path, strerror(errno));
    return -1;
  }
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
  put(f, a->title);
  fputs("</title>\n</head>\n<body>\n<main data-pagefind-body>\n<h1>", f);
  put(f, a->title);
  fputs("</h1>\n", f);
  if (a->category) {
    fputs("<p class=\"category\">", f);
    put(f, a->category);
    fputs("</p>\n", f);
  }
  if (a->n_tags) {
    fputs("<ul class=\"tags\">\n", f);
    for (size_t i = 0; i < a->n_tags; i++) {
      fputs("<li>", f);
      put(f, a->tags[i]);
      fputs("</li>\n", f);
    }
    fputs("</ul>\n", f);
  }
  for (size_t s = 0; s < a->n_sections; s++) {
    const ra_section *sec = &a->sections[s];
    fputs("<section>\n", f);
    if (sec->heading) {
      fputs("<h2>", f);
      put(f, sec->heading);
      fputs("</h2>\n", f);
    }
    put_blocks(f, sec->blocks, sec->n_blocks);
    fputs("</section>\n", f);
  }
  /* The parser keeps descriptions apart from the text, without their
   * place: all of them after the sections. */
  for (size_t i = 0; i < a->n_illustrations; i++) {
    fputs("<figure><figcaption data-pagefind-weight=\"0.5\">", f);
    put(f, a->illustrations[i]);
    fputs("</figcaption></figure>\n", f);
  }
  if (a->n_faqs) {
    fputs("<section class=\"faq\">\n<h2>Frequently Asked Questions</h2>\n", f);
    for (size_t q = 0; q < a->n_faqs; q++) {
      fputs("<h3>", f);
      put(f, a->faqs[q].question);
      fputs("</h3>\n", f);
      put_blocks(f, a->faqs[q].answer, a->faqs[q].n_answer);
    }
    fputs("</section>\n", f);
  }
  fputs("</main>\n</body>\n</html>\n", f);
  if (fclose(f) != 0) {
    fprintf(stderr, "render: %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: render CORPUS_DIR SITE_DIR\n");
    return 2;
  }
  const char *corpus = argv[1], *site = argv[2];
  char dir[4096], tags[4096], out[4096];
  snprintf(dir, sizeof dir, "%.4000s/a", site);
  if ((mkdir(site, 0777) != 0 && errno != EEXIST) ||
      (mkdir(dir, 0777) != 0 && errno != EEXIST)) {
    fprintf(stderr, "render: %s: %s\n", dir, strerror(errno));
    return 5;
  }
  ra_error err = {0};
  char **paths = NULL, **ids = NULL;
  size_t n = 0;
  ra_model *model = NULL;
  int rc = 5;
  const char *inputs[1] = {corpus};
  if (ra_index_scan(inputs, 1, &paths, &ids, &n, NULL, NULL, NULL, &err) ||
      ra_model_new(&model, &err)) {
    fprintf(stderr, "render: %s\n", err.msg);
    goto done;
  }
  if (n == 0) {
    fprintf(stderr, "render: %s: no pages\n", corpus);
    goto done;
  }
  /* The model as ra-index learns it (lib/index.c): the corpus's
   * tags.txt, then an even sample of at most about 2,000 pages. */
  snprintf(tags, sizeof tags, "%.4000s/tags.txt", corpus);
  ra_status st = ra_model_load_tags(model, tags, &err);
  if (st && st != RA_ERR_NOTFOUND) {
    fprintf(stderr, "render: %s\n", err.msg);
    goto done;
  }
  char **texts = calloc(n, sizeof *texts);
  size_t *lens = calloc(n, sizeof *lens);
  if (!texts || !lens) {
    fprintf(stderr, "render: out of memory for %zu pages\n", n);
    free(texts);
    free(lens);
    goto done;
  }
  size_t written = 0, step = n > 2000 ? n / 2000 : 1;
  for (size_t i = 0; i < n; i++) {
    int repaired = 0;
    if (ra_scan_read_page(paths[i], (size_t)64 << 20, &texts[i], &lens[i],
                          &repaired, NULL, NULL, &err) ||
        (i % step == 0 && ra_model_learn(model, texts[i], lens[i], &err))) {
      fprintf(stderr, "render: %s\n", err.msg);
      goto free_texts;
    }
  }
  if (ra_model_finish(model, &err)) {
    fprintf(stderr, "render: %s\n", err.msg);
    goto free_texts;
  }
  for (size_t i = 0; i < n; i++) {
    ra_article *a = NULL;
    if (ra_article_parse(model, ids[i], paths[i], texts[i], lens[i], &a, NULL,
                         NULL, &err)) {
      fprintf(stderr, "render: %s\n", err.msg);
      goto free_texts;
    }
    /* Ids of pages in subdirectories are "NN/NAME": keep the folders. */
    snprintf(out, sizeof out, "%.3000s/%.1000s.html", dir, ids[i]);
    for (char *sl = strchr(out + strlen(dir) + 1, '/'); sl; sl = strchr(sl + 1, '/')) {
      *sl = '\0';
      int bad = mkdir(out, 0777) != 0 && errno != EEXIST;
      *sl = '/';
      if (bad) {
        fprintf(stderr, "render: %s: %s\n", out, strerror(errno));
        ra_article_free(a);
        goto free_texts;
      }
    }
    int w = write_page(out, a);
    ra_article_free(a);
    if (w) goto free_texts;
    written++;
  }
  rc = 0;
free_texts:
  for (size_t i = 0; i < n; i++) free(texts[i]);
  free(texts);
  free(lens);
  if (rc == 0) fprintf(stderr, "render: %zu pages in %s\n", written, dir);
done:
  ra_model_free(model);
  ra_strv_free(paths, n);
  ra_strv_free(ids, n);
  return rc;
}
