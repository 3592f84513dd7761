/* scan.h - the corpus on disk: which files under the inputs are pages
 * (*.txt, *.txt.gz, *.jsonl), the id each page gets, and reading one page
 * file's text. */
#ifndef RA_SCAN_H
#define RA_SCAN_H

#include <stddef.h>

#include "article.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Whether a file name (no directory) is one the scan takes: *.txt except
 * tags.txt and synonyms.txt, *.txt.gz, and JSON Lines (*.jsonl,
 * *.jsonl.gz, see jsonl.h); never a dot file. */
int ra_scan_is_page_name(const char *name);

/* Collect the page files under the inputs (directories are walked
 * recursively, symlink loops and unreadable directories reported to warn),
 * sorted.  Pages are *.txt except tags.txt and synonyms.txt.  Returns
 * malloc'd arrays of malloc'd path and id strings; free with ra_strv_free. */
ra_status ra_index_scan(const char *const *inputs, size_t n_inputs,
                        char ***paths, char ***ids, size_t *n,
                        size_t *scan_errors, ra_warn_fn warn, void *warn_ctx,
                        ra_error *err);

/* Read a page file: plain, or gzip-compressed when it ends in .gz; cleaned
 * as ra_article_read_file does (*text malloc'd, caller frees).  Only a
 * regular file is read (ra_page_open_regular (page.h)). */
ra_status ra_scan_read_page(const char *path, size_t max_size, char **text,
                            size_t *len, int *repaired, ra_warn_fn warn,
                            void *warn_ctx, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
