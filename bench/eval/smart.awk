# smart.awk - convert a SMART-format test collection with binary
# judgments (CISI, CACM; see bench/eval/data/*/README and ../shared/eval's
# README) into the harness's layout (docs/evaluation.md): docs.jsonl,
# queries.tsv and TREC qrels.
#
#   awk -v out=DIR -f json.awk -f smart.awk QRELS DOCS QUERIES
#
# - Records start at ".I n"; a field at a line ".X" (one upper-case
#   letter).  Only .T (title) and .W (abstract) are indexed, as in the
#   stock baseline; authors, dates, citations, keywords are dropped.
# - Queries: .W, and .T where present (some CISI queries); the id is the
#   .I number (what CISI.REL and CACM's qrels use; CACM's are zero-padded
#   there: compared as numbers).  Only judged queries are written, so
#   every average is over judged queries (CISI 76 of 112, CACM 52 of 64);
#   empty records (CACM's closing ".I 0") are skipped.
# - Judgments: "qid docid ..." with any further columns; every listed pair
#   is relevant (grade 1).  CRLF line ends are accepted.
# replace_all and jstr: json.awk (load it first).
function trim(s) { gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s); return s }
function flush() {
  if (id == "") return
  if (file == 2) {
    printf "{\"id\":%s,\"title\":%s,\"body\":%s}\n", jstr(id), jstr(trim(f["T"])),
           jstr(trim(f["W"])) > (out "/docs.jsonl")
    ndocs++
  } else if (file == 3) {
    q = trim(trim(f["T"]) " " trim(f["W"]))
    if (q != "" && ((id + 0) in judged)) {
      printf "%d\t%s\n", id + 0, q > (out "/queries.tsv")
      nq++
    }
  }
  id = ""
}
BEGIN {
  if (out == "") { print "smart.awk: set -v out=DIR" > "/dev/stderr"; exit 2 }
  printf "" > (out "/docs.jsonl"); printf "" > (out "/queries.tsv"); printf "" > (out "/qrels")
}
FNR == 1 { flush(); file++; cur = ""; delete f }
{ sub(/\r$/, "") }
file == 1 && NF == 0 { next }
file == 1 {
  if (NF < 2 || $1 !~ /^[0-9]+$/ || $2 !~ /^[0-9]+$/) {
    printf "smart.awk: %s:%d: expected 'query doc ...'\n", FILENAME, FNR > "/dev/stderr"
    bad = 1; exit 3
  }
  judged[$1 + 0] = 1
  printf "%d 0 %d 1\n", $1 + 0, $2 + 0 > (out "/qrels")
  nj++
  next
}
/^\.I / { flush(); id = $2; cur = ""; delete f; next }
/^\.[A-Z][ ]*$/ { cur = substr($0, 2, 1); next }
{ if (cur != "") f[cur] = f[cur] " " $0 }
END {
  if (bad) exit 3
  flush()
  printf "smart.awk: %d documents, %d judged queries, %d judgments\n", ndocs, nq, nj > "/dev/stderr"
}
