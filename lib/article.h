/* article.h - turns one scraped article page into structured fields.
 *
 * A page is: site chrome, an optional category breadcrumb, the title (often
 * twice), one run-together tag line, then headings, paragraphs, list items,
 * illustration descriptions, an FAQ, and the site footer.  Chrome and footer
 * are recognised from the corpus itself (ra_model, model.h, included here,
 * learns which lines repeat across most pages) and the tag line is split
 * with the corpus's own tag vocabulary plus corpus/tags.txt.  See
 * docs/article-format.md. */
#ifndef RA_ARTICLE_H
#define RA_ARTICLE_H

#include <stddef.h>

#include "model.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Reading files ------------------------------------------------------ */

/* Warning sink: file, 1-based line (0 if unknown), byte offset (or
 * (size_t)-1 if unknown), message. */
typedef void (*ra_warn_fn)(void *ctx, const char *path, size_t line,
                           size_t byte_offset, const char *msg);

/* Read a page into a malloc'd, NUL-terminated, cleaned UTF-8 buffer:
 * a UTF-8 BOM is dropped, CRLF/CR become LF, invalid UTF-8 sequences are
 * replaced by U+FFFD (with a warning naming the byte offset).  Fails with
 * a message naming the file (and offset) for: unreadable file, empty file,
 * NUL bytes (binary), size above max_size.  *repaired is set to 1 when the
 * text had to be repaired (invalid UTF-8). */
ra_status ra_article_read_file(const char *path, size_t max_size,
                               char **text, size_t *len, int *repaired,
                               ra_warn_fn warn, void *warn_ctx,
                               ra_error *err);

/* Same cleaning for a buffer already in memory (text need not be
 * NUL-terminated).  name is used in messages. */
ra_status ra_article_clean(const char *name, const char *in, size_t in_len,
                           size_t max_size, char **text, size_t *len,
                           int *repaired, ra_warn_fn warn, void *warn_ctx,
                           ra_error *err);

/* ---- The parsed article ------------------------------------------------- */

typedef enum { RA_BLOCK_PARA = 0, RA_BLOCK_ITEM = 1 } ra_block_kind;

typedef struct ra_block {
  ra_block_kind kind;
  int level;  /* list nesting depth, 0 for paragraphs */
  char *text; /* trimmed, bullet removed */
} ra_block;

typedef struct ra_section {
  char *heading; /* NULL for the lead text before the first heading */
  ra_block *blocks;
  size_t n_blocks;
} ra_section;

typedef struct ra_faq {
  char *question; /* numbering removed, ends with '?' */
  ra_block *answer;
  size_t n_answer;
} ra_faq;

typedef struct ra_article {
  char *id;       /* from the path: basename without extension */
  char *path;     /* may be NULL */
  char *url;      /* may be NULL */
  char *title;
  char *category; /* NULL when the page has no breadcrumb */
  char **tags;
  size_t n_tags;
  ra_section *sections;
  size_t n_sections;
  char **illustrations; /* image descriptions, kept apart from text */
  size_t n_illustrations;
  ra_faq *faqs;
  size_t n_faqs;
  /* Non-NULL when the whole article is this one block (a decoded
   * record, see record.h): ra_article_free frees only it. */
  void *block;
} ra_article;

/* Parse cleaned text.  Fails with RA_ERR_INVALID (message names path) if no
 * title can be recognised.  *out is owned by the caller: ra_article_free. */
ra_status ra_article_parse(const ra_model *m, const char *id,
                           const char *path, const char *text, size_t len,
                           ra_article **out, ra_warn_fn warn, void *warn_ctx,
                           ra_error *err);
void ra_article_free(ra_article *a); /* NULL is a no-op */

/* What results and views show as the article's title: its title, or its
 * id when the title is blank (JSON Lines allows ""), so a link to it has
 * text to click and read.  Borrowed from a. */
const char *ra_article_shown_title(const ra_article *a);

/* Id from a path: basename without its last extension ("corpus/x.txt" ->
 * "x").  Malloc'd; caller frees.  NULL on allocation failure. */
char *ra_article_id_from_path(const char *path);

/* JSON round trip (jansson, article_json.c).  The JSON is what
 * `ra-index --dump` prints; the index stores records (record.h), and reads
 * this JSON only from indexes of format 3 or older:
 * {"id","path","url","title","category","tags":[...],
 *  "sections":[{"heading":..,"blocks":[{"kind":"para"|"item","level":n,
 *  "text":..}]}], "illustrations":[...],
 *  "faqs":[{"question":..,"answer":[blocks]}]}
 * ra_article_to_json: malloc'd NUL-terminated string, caller frees.
 * flags: RA_JSON_PRETTY for indented output. */
enum { RA_JSON_PRETTY = 1 };
ra_status ra_article_to_json(const ra_article *a, int flags, char **out,
                             ra_error *err);
ra_status ra_article_from_json(const char *json, size_t len,
                               ra_article **out, ra_error *err);

/* Free a malloc'd array of malloc'd strings.  NULL is a no-op. */
void ra_strv_free(char **v, size_t n);

#ifdef __cplusplus
}
#endif
#endif
