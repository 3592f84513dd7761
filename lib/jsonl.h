/* jsonl.h - JSON Lines input: one article per line, for CMS exports and
 * standard test collections.
 *
 *   {"id": "...", "title": "...", "body": "...",
 *    "tags": ["..."], "category": "...", "url": "..."}   (last three optional)
 *
 * The body is split into paragraphs at blank lines.  Files ending in .gz
 * are decompressed transparently (zlib).  A bad line (malformed JSON, a
 * field or tags element of the wrong type, a missing id or title, over the
 * length limit) is reported with file and line number, skipped and counted
 * (ra_jsonl_bad_lines: each a failed page); it never stops the file.  A
 * repeated id is named with both lines; the later record wins. */
#ifndef RA_JSONL_H
#define RA_JSONL_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ra_jsonl ra_jsonl;

/* max_line: longest accepted line in bytes (0: 16 MiB). */
ra_status ra_jsonl_open(const char *path, size_t max_line, ra_jsonl **out,
                        ra_error *err);
/* Next article.  RA_OK with *out set; RA_OK with *out NULL at end of file;
 * an error only for I/O failure.  Bad lines go to warn and are skipped.
 * *hash is a 64-bit hash of the line (for change detection); *line_no its
 * 1-based line number.  The caller frees *out with ra_article_free. */
ra_status ra_jsonl_next(ra_jsonl *j, ra_article **out, uint64_t *hash,
                        size_t *line_no, ra_warn_fn warn, void *warn_ctx,
                        ra_error *err);
void ra_jsonl_close(ra_jsonl *j); /* NULL ok */

/* Lines skipped so far as bad (malformed, wrong field or element types,
 * over the length limit): each is a failed page. */
size_t ra_jsonl_bad_lines(const ra_jsonl *j);

/* The line the last record's id was last read on before (0: a new id):
 * the later record replaces the earlier one (a warning names both). */
size_t ra_jsonl_repeat_of(const ra_jsonl *j);

/* Does this path name a JSON Lines file (.jsonl or .jsonl.gz)? */
int ra_jsonl_is_name(const char *path);

#ifdef __cplusplus
}
#endif
#endif
