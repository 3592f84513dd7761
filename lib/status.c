/* status.c - status names, descriptions, HTTP statuses and exit codes (the
 * table in status.h) and the sticky error slot. */
#include "status.h"

#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {
#define RA_X_NAME(code, name, desc, http, ix, qx, cx) name,
    RA_STATUS_MAP(RA_X_NAME)
#undef RA_X_NAME
};

static const char *const status_descs[] = {
#define RA_X_DESC(code, name, desc, http, ix, qx, cx) desc,
    RA_STATUS_MAP(RA_X_DESC)
#undef RA_X_DESC
};

static const short status_http[] = {
#define RA_X_HTTP(code, name, desc, http, ix, qx, cx) http,
    RA_STATUS_MAP(RA_X_HTTP)
#undef RA_X_HTTP
};

/* One row per status, one column per ra_program (the table's order). */
static const unsigned char status_exit[][RA_PROG_COUNT] = {
#define RA_X_EXIT(code, name, desc, http, ix, qx, cx) {ix, qx, cx},
    RA_STATUS_MAP(RA_X_EXIT)
#undef RA_X_EXIT
};

const char *ra_status_name(ra_status st) {
  if ((unsigned)st >= RA_STATUS_COUNT) return "unknown";
  return status_names[st];
}

const char *ra_strerror(ra_status st) {
  if ((unsigned)st >= RA_STATUS_COUNT) return "unknown status";
  return status_descs[st];
}

int ra_status_http(ra_status st) {
  if ((unsigned)st >= RA_STATUS_COUNT) return 500;
  return status_http[st];
}

int ra_status_exit(ra_status st, ra_program prog) {
  if ((unsigned)st >= RA_STATUS_COUNT) st = RA_ERR_INTERNAL;
  if ((unsigned)prog >= RA_PROG_COUNT) prog = RA_PROG_INDEX;
  return status_exit[st][prog];
}

void ra_error_clear(ra_error *err) {
  if (!err) return;
  err->code = RA_OK;
  err->msg[0] = '\0';
}

ra_status ra_error_setv(ra_error *err, ra_status code, const char *fmt,
                        va_list ap) {
  if (!err || err->code != RA_OK) return code;
  err->code = code;
  if (fmt)
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  else
    snprintf(err->msg, sizeof err->msg, "%s", ra_strerror(code));
  return code;
}

ra_status ra_error_set(ra_error *err, ra_status code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ra_error_setv(err, code, fmt, ap);
  va_end(ap);
  return code;
}

const char *ra_error_message(const ra_error *err) {
  if (!err) return "";
  if (err->msg[0]) return err->msg;
  return ra_strerror(err->code);
}
