/* fuzz_request.c - libFuzzer target: the endpoint's request decoder and
 * the HTML escaper.  Decoding never crashes and refuses with 400 or 414
 * only; the escaper never lets markup characters through. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi.h"
#include "html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ra_cgi_request req;
  ra_cgi_problem prob;
  ra_status st = ra_cgi_parse_query((const char *)data, size, &req, &prob, NULL);
  if (st != RA_OK && st != RA_ERR_NOMEM && prob.http_status != 400 &&
      prob.http_status != 414)
    abort();
  if (st == RA_OK && (req.page < 1 || req.per_page < 1 ||
                      req.per_page > RA_CGI_MAX_PER_PAGE || req.n_tags > RA_CGI_MAX_TAGS))
    abort();
  ra_cgi_request_clear(&req);

  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return 0;
  ra_html_put_text(f, (const char *)data, size);
  fclose(f);
  for (size_t i = 0; i < len; i++)
    if (buf[i] == '<' || buf[i] == '>' || buf[i] == '"' || buf[i] == '\'' ||
        buf[i] == '\0')
      abort();
  free(buf);
  return 0;
}
