/* format.h - rendering search results for people and programs.
 *
 * text: ranked list with highlighted snippets (ANSI bold on a terminal,
 *       **markers** otherwise);
 * json: one object per search (schema in docs/json-schema.md), with byte
 *       offsets of every highlight; escaping is by construction (jansson). */
#ifndef RA_FORMAT_H
#define RA_FORMAT_H

#include <stdio.h>

#include "search.h"
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { RA_FMT_TEXT, RA_FMT_JSON } ra_format;

enum { RA_FMT_ANSI = 1 };

ra_status ra_format_results(FILE *out, ra_format fmt, int flags,
                            const ra_results *r, ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
