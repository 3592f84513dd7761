# cranfield.awk - convert the Cranfield collection (SMART format, see
# bench/eval/data/cranfield/README.md) into the harness's collection layout
# (docs/evaluation.md): docs.jsonl, queries.tsv and TREC qrels.
#
#   awk -v out=DIR -f json.awk -f cranfield.awk cran.all.1400 cran.qry cranqrel
#
# The quirks handled here, so the rest of the harness is generic:
# - CRLF line ends: every "\r" is dropped.
# - Query ids: cranqrel numbers the queries 1..225 by their POSITION in
#   cran.qry, not by the .I numbers there (001, 002, 004, ...); queries.tsv
#   uses the position.
# - Grades: Cleverdon's scale is 1 (complete answer) .. 4 (minimum
#   interest); the qrels get gain 5 - code (1 -> 4, ..., 4 -> 1).  Code -1
#   (undocumented) is written as grade 0: judged, not relevant, as
#   trec_eval and ir_datasets count it.
# - Documents 471 and 995 are empty; they are written anyway (empty title
#   and body) and whether they can be found is up to the engine.
# - Only .T (title) and .W (abstract) are indexed, as in the reference
#   baseline; .A (authors) and .B (source) are dropped.

# replace_all and jstr: json.awk (load it first).
function trim(s) { sub(/^[ ]+/, "", s); sub(/[ ]+$/, "", s); return s }
function flush_doc() {
  if (id == "") return
  printf "{\"id\":%s,\"title\":%s,\"body\":%s}\n", jstr(id), jstr(trim(f["T"])),
         jstr(trim(f["W"])) > (out "/docs.jsonl")
  ndocs++
}
function flush_query() {
  if (!inq) return
  nq++
  printf "%d\t%s\n", nq, trim(f["W"]) > (out "/queries.tsv")
}

BEGIN {
  if (out == "") { print "cranfield.awk: set -v out=DIR" > "/dev/stderr"; exit 2 }
  printf "" > (out "/docs.jsonl"); printf "" > (out "/queries.tsv")
  printf "" > (out "/qrels")
}
# Each file's first line ends the previous file's last record.
FNR == 1 {
  if (file == 1) flush_doc(); else if (file == 2) flush_query()
  file++; id = ""; inq = 0; cur = ""; delete f
}
{ sub(/\r$/, "") }

# cran.all.1400 and cran.qry: ".I n" starts a record, ".X" a field.
file <= 2 && /^\.I / {
  if (file == 1) flush_doc(); else flush_query()
  id = $2; inq = (file == 2); cur = ""; delete f; next
}
file <= 2 && /^\.[TABW][ ]*$/ { cur = substr($0, 2, 1); next }
file <= 2 { if (cur != "") f[cur] = f[cur] " " $0; next }

# cranqrel: "query(position) doc code".
file == 3 && NF == 0 { next }
file == 3 {
  if (NF != 3 || $3 !~ /^-?[0-9]+$/) {
    printf "cranfield.awk: %s:%d: expected 'query doc code'\n", FILENAME, FNR > "/dev/stderr"
    bad = 1; exit 3
  }
  code = $3 + 0
  if (code == -1) g = 0
  else if (code >= 1 && code <= 4) g = 5 - code
  else {
    printf "cranfield.awk: %s:%d: unknown relevance code %s\n", FILENAME, FNR, $3 > "/dev/stderr"
    bad = 1; exit 3
  }
  printf "%d 0 %d %d\n", $1, $2, g > (out "/qrels")
  nj++
}
END {
  if (bad) exit 3
  printf "cranfield: %d documents, %d queries, %d judgments\n", ndocs, nq, nj > "/dev/stderr"
}
