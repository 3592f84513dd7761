/* status.h - the one status table of rasearch (libuv style).
 *
 * Every fallible function returns an ra_status and, when given a non-NULL
 * ra_error, fills it with a message naming the file, field or parameter at
 * fault.  The message buffer is fixed-size so reporting never allocates. */
#ifndef RA_STATUS_H
#define RA_STATUS_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(code, name, description).  Codes are stable: they appear in JSON. */
#define RA_STATUS_MAP(X)                                                   \
  X(RA_OK, "ok", "success")                                                \
  X(RA_ERR_NOMEM, "nomem", "out of memory")                                \
  X(RA_ERR_IO, "io", "input/output error")                                 \
  X(RA_ERR_INVALID, "invalid", "invalid input")                            \
  X(RA_ERR_UTF8, "utf8", "invalid UTF-8")                                  \
  X(RA_ERR_NOTFOUND, "notfound", "not found")                              \
  X(RA_ERR_NOINDEX, "noindex", "index missing or unreadable")              \
  X(RA_ERR_LOCKED, "locked", "index locked by another writer")             \
  X(RA_ERR_TOOBIG, "toobig", "input exceeds a limit")                      \
  X(RA_ERR_XAPIAN, "xapian", "index engine error")                         \
  X(RA_ERR_ICU, "icu", "Unicode library error")                            \
  X(RA_ERR_STEMMER, "stemmer", "stemmer error")                            \
  X(RA_ERR_ZLIB, "zlib", "compression error")                              \
  X(RA_ERR_USAGE, "usage", "bad usage")                                    \
  X(RA_ERR_INTERNAL, "internal", "internal error")

typedef enum {
#define RA_X_ENUM(code, name, desc) code,
  RA_STATUS_MAP(RA_X_ENUM)
#undef RA_X_ENUM
  RA_STATUS_COUNT
} ra_status;

#define RA_ERROR_MSG_MAX 512

/* Caller-owned error slot.  The first error recorded wins ("sticky"), so a
 * chain of calls can be checked once at the end. */
typedef struct ra_error {
  ra_status code;
  char msg[RA_ERROR_MSG_MAX];
} ra_error;

/* Short stable name ("nomem") and human description of a status. */
const char *ra_status_name(ra_status st);
const char *ra_strerror(ra_status st);

/* Reset an error slot to RA_OK / empty message.  NULL is allowed. */
void ra_error_clear(ra_error *err);

/* Record an error (printf-style message) unless one is already recorded.
 * Returns code, so callers can write: return ra_error_set(err, ...); */
ra_status ra_error_set(ra_error *err, ra_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
ra_status ra_error_setv(ra_error *err, ra_status code, const char *fmt,
                        va_list ap);

/* The message to print: the recorded message, or the status description. */
const char *ra_error_message(const ra_error *err);

#ifdef __cplusplus
}
#endif
#endif
