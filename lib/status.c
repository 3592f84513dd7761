/* status.c - status names, descriptions and the sticky error slot. */
#include "status.h"

#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {
#define RA_X_NAME(code, name, desc) name,
    RA_STATUS_MAP(RA_X_NAME)
#undef RA_X_NAME
};

static const char *const status_descs[] = {
#define RA_X_DESC(code, name, desc) desc,
    RA_STATUS_MAP(RA_X_DESC)
#undef RA_X_DESC
};

const char *ra_status_name(ra_status st) {
  if ((unsigned)st >= RA_STATUS_COUNT) return "unknown";
  return status_names[st];
}

const char *ra_strerror(ra_status st) {
  if ((unsigned)st >= RA_STATUS_COUNT) return "unknown status";
  return status_descs[st];
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
