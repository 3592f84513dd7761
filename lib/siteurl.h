/* siteurl.h - where each article lives on the maintainer's site: what a
 * stored URL must look like, the slug of a title or category, the
 * `ra-index --url-template` and the `urls.tsv` mapping of a corpus
 * directory (docs/article-format.md, "Article URLs").
 *
 * An article's URL is, first found: its JSON Lines record's "url", its
 * line in urls.tsv, the template.  The indexer stores it with the article
 * (record.h) and in RA_SLOT_URL, so a changed mapping re-stores exactly
 * the articles whose URL changed. */
#ifndef RA_SITEURL_H
#define RA_SITEURL_H

#include <stddef.h>

#include "analyze.h"
#include "article.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The longest URL stored, in bytes. */
#define RA_SITEURL_MAX 2048
/* The longest slug, in bytes. */
#define RA_SLUG_MAX 80
/* The mapping file read from each corpus directory. */
#define RA_URLS_FILE "urls.tsv"

/* NULL when url[0..len) is a URL the index stores: an absolute http:// or
 * https:// URL (scheme in any case) with a host, RFC 3986 syntax (so
 * printable ASCII only: other bytes percent-encoded), at most
 * RA_SITEURL_MAX bytes.  Else why not (a static string). */
const char *ra_siteurl_check(const char *url, size_t len);

/* The slug of text[0..len) into out (room for RA_SLUG_MAX + 1 bytes,
 * NUL-terminated); returns its length, 0 when nothing is left.  Each
 * character is folded as the analyser folds words (NFKC, case, accents;
 * æ ø œ ß ð þ ł đ ı spelled out in ASCII); every run of what is then not
 * a-z or 0-9 becomes one '-', leading and trailing ones dropped; past
 * RA_SLUG_MAX bytes it is cut at the last '-' that keeps it within (or at
 * RA_SLUG_MAX bytes when there is none).  an is the caller's (used for
 * non-ASCII characters only). */
size_t ra_siteurl_slug(ra_analyzer *an, const char *text, size_t len,
                       char *out);

/* ---- the URL template ------------------------------------------------- */

typedef struct ra_urltemplate ra_urltemplate;

/* Parse a template: an http(s) URL with the fields {id} (the article id),
 * {slug} (of the title; the id when the title leaves no slug) and
 * {category_slug} (of the category; empty without one, and a '/' right
 * after an empty field that follows a '/' is dropped).  RA_ERR_USAGE with
 * a message naming the fault (unknown field, unclosed brace, not http(s),
 * a space or control character).  *out: ra_urltemplate_free. */
ra_status ra_urltemplate_parse(const char *tpl, ra_urltemplate **out,
                               ra_error *err);
void ra_urltemplate_free(ra_urltemplate *t); /* NULL ok */

/* The URL of article a (id, title, category read) into *url (malloc'd,
 * caller frees).  RA_ERR_INVALID when the result is no URL
 * ra_siteurl_check accepts. */
ra_status ra_urltemplate_expand(const ra_urltemplate *t, ra_analyzer *an,
                                const ra_article *a, char **url,
                                ra_error *err);

/* ---- urls.tsv ----------------------------------------------------------- */

/* Lines "KEY<TAB>URL": KEY an article id, or a page's file name relative
 * to the corpus directory (ending .txt or .txt.gz, which is dropped),
 * turned into an id as the scan does (ident.h); blank lines and lines
 * starting with '#' are skipped, a CR before the newline is ignored. */
typedef struct ra_urlmap ra_urlmap;

ra_status ra_urlmap_new(ra_urlmap **out, ra_error *err);
void ra_urlmap_free(ra_urlmap *m); /* NULL ok */

/* Add the lines of file path (a missing file adds nothing: RA_OK).  A bad
 * line - no tab, a field empty, a control character, a URL that
 * ra_siteurl_check refuses, an id already mapped - goes to warn with the
 * file and line and is skipped; *bad counts them.  RA_ERR_IO when the
 * file cannot be read, RA_ERR_NOMEM. */
ra_status ra_urlmap_load(ra_urlmap *m, const char *path, ra_warn_fn warn,
                         void *warn_ctx, size_t *bad, ra_error *err);

/* The URL mapped to id, or NULL; marks the line used.  Safe to call from
 * several threads once loading is done. */
const char *ra_urlmap_get(ra_urlmap *m, const char *id);

/* Each line never asked for by ra_urlmap_get whose id keep(ctx, id)
 * accepts (keep NULL: all) goes to warn as "no article has id ..."
 * with its file and line; returns how many. */
size_t ra_urlmap_report_unused(const ra_urlmap *m,
                               int (*keep)(void *ctx, const char *id),
                               void *keep_ctx, ra_warn_fn warn,
                               void *warn_ctx);

/* ---- one article --------------------------------------------------------- */

/* Settle a->url: its own (a JSON Lines record's), kept when
 * ra_siteurl_check accepts it, else the mapping's for a->id, else the
 * template's (map and t may be NULL).  A refused own URL, or a template
 * that gives no URL, is dropped with a message in *why (static or NULL)
 * and the next source is tried.  RA_ERR_NOMEM only. */
ra_status ra_siteurl_settle(ra_article *a, ra_urlmap *map,
                            const ra_urltemplate *t, ra_analyzer *an,
                            const char **why, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
