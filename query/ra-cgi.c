/* ra-cgi - the rasearch web endpoint, for CGI/1.1 and FastCGI alike.
 * Everything but --help/--version is in lib/cgi.c; the contract (parameters,
 * JSON schema, status codes, server set-up) is docs/web.md.  The index is
 * $RASEARCH_DB (set by the server's configuration) or the compiled-in
 * default: never anything taken from a request. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cgi.h"
#include "idxdir.h"

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--help") == 0) {
    printf("Usage: ra-cgi\n"
           "The rasearch web endpoint.  Started by a web server as a CGI\n"
           "program it answers one request; started by a FastCGI process\n"
           "manager (stdin is a listening socket) it answers many.\n\n"
           "Index: $RASEARCH_DB, else %s\n"
           "Parameters, JSON schema, status codes: docs/web.md\n",
           ra_idxdir_choose(NULL));
    return ra_status_exit(RA_OK, RA_PROG_CGI);
  }
  if (argc > 1 && strcmp(argv[1], "--version") == 0) {
    printf("ra-cgi (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
    return ra_status_exit(RA_OK, RA_PROG_CGI);
  }
  if (argc > 1) {
    fprintf(stderr, "ra-cgi: unexpected argument '%s' (try --help)\n", argv[1]);
    return ra_status_exit(RA_ERR_USAGE, RA_PROG_CGI);
  }
  return ra_cgi_run(ra_idxdir_choose(NULL));
}
