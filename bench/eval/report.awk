# report.awk - the markdown report of bench/eval/run from its facts file
# (tab-separated lines written by run; see docs/evaluation.md):
#   coll NAME DOCS QUERIES JUDGMENTS
#   refused_docs NAME N            refused SET NAME SYSTEM N
#   variant vN LABEL ASSIGNMENTS
#   cmp SET COLL A B MEASURE N MEAN_A MEAN_B DIFF WINS LOSSES TIES P_PERM P_T
# (COLL "mean": every collection weighing the same; A, B: rasearch,
# xapian or vN).
#
#   awk -F '\t' -v names=.. -v sets=.. -v loo=0|1 -v depth=.. -v commit=..
#       -v date=.. -v cmd=.. -v times=.. -f report.awk facts.tsv
BEGIN { SUBSEP = "\034" }
$1 == "coll" { ndocs[$2] = $3; nqueries[$2] = $4; njudg[$2] = $5 }
$1 == "refused_docs" { refdocs[$2] = $3 }
$1 == "refused" { refused[$2, $3, $4] = $5 }
$1 == "variant" { nv++; vid[nv] = $2; vlabel[$2] = $3; vassign[$2] = $4 }
$1 == "cmp" {
  k = $2 SUBSEP $3 SUBSEP $4 SUBSEP $5 SUBSEP $6
  n[k] = $7; ma[k] = $8; mb[k] = $9; diff[k] = $10
  w[k] = $11; l[k] = $12; t[k] = $13; pp[k] = $14; pt[k] = $15
}

function ratio(a, b) { return b > 0 ? sprintf("%.3f", a / b) : "-" }
function star(p) { return (p != "-" && p + 0 < 0.05) ? " *" : "" }
function key(s, c, a, b, m) { return s SUBSEP c SUBSEP a SUBSEP b SUBSEP m }
# "A / B (A/B)" for one measure.
function cell(s, c, a, b, m,    k) {
  k = key(s, c, a, b, m)
  if (!(k in n)) return "-"
  return sprintf("%.4f / %.4f (%s)", ma[k], mb[k], ratio(ma[k], mb[k]))
}
function wlt(s, c, a, b, m,    k) {
  k = key(s, c, a, b, m)
  return (k in n) ? w[k] "/" l[k] "/" t[k] : "-"
}
function pcell(s, c, a, b, m,    k) {
  k = key(s, c, a, b, m)
  if (!(k in n)) return "-"
  return pp[k] star(pp[k]) (pt[k] != "-" ? " (t " pt[k] ")" : "")
}
function set_title(s) {
  if (s == "full") return "Full queries"
  return substr(s, 2) "-word keyword queries"
}
function r(s, c, a, b, m,    k) { k = key(s, c, a, b, m); return (k in n) ? ma[k] / (mb[k] > 0 ? mb[k] : 1) : 0 }
function has(s, c, a, b, m) { return key(s, c, a, b, m) in n }

END {
  nc = split(names, C, " ")
  ns = split(sets, S, " ")
  rows = nc
  if (nc > 1) { rows = nc + 1; C[rows] = "mean" }
  mean_label = "**mean**"
  printf "# Ranking quality: rasearch against stock Xapian (%s)\n\n", names
  printf "Commit %s, %s; `%s`.  Depth %d for both engines.\n", commit, date, cmd, depth
  for (i = 1; i <= nc; i++) {
    c = C[i]
    printf "%s%s: %d documents, %d queries, %d judgments%s", (i == 1 ? "Collections: " : "; "),
           c, ndocs[c], nqueries[c], njudg[c],
           (c in refdocs ? sprintf(" (ra-index refused %d empty)", refdocs[c]) : "")
  }
  printf ".\n\n"
  printf "Each cell: A / B (A/B).  W/L/T: queries where A scores higher / lower / the same.\n"
  printf "p: two-sided paired randomisation test (sign flips of the per-query differences;\n"
  printf "10,000 draws, fixed seed, exact under 21 differing queries), * below 0.05;\n"
  printf "t: paired t-test.  A mean row weighs every collection the same (its test too).\n"
  printf "Only queries with a relevant judgment are scored.\n"
  if (nv) {
    printf "\nVariants (ra-query --rank overrides on the same index):\n"
    for (v = 1; v <= nv; v++)
      printf "- `%s`: %s\n", vlabel[vid[v]], (vassign[vid[v]] == "" ? "(no override)" : "`" vassign[vid[v]] "`")
  }

  for (si = 1; si <= ns; si++) {
    s = S[si]
    printf "\n## %s\n\n", set_title(s)
    printf "rasearch (A, defaults) against stock Xapian (B):\n\n"
    printf "| collection | queries | nDCG@10 | MAP | P@10 | R@100 | nDCG@10 W/L/T | p | AP W/L/T | p |\n"
    printf "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    for (i = 1; i <= rows; i++) {
      c = C[i]
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
             (c == "mean" ? mean_label : c), n[key(s, c, "rasearch", "xapian", "map")],
             cell(s, c, "rasearch", "xapian", "ndcg@10"), cell(s, c, "rasearch", "xapian", "map"),
             cell(s, c, "rasearch", "xapian", "p@10"), cell(s, c, "rasearch", "xapian", "recall@100"),
             wlt(s, c, "rasearch", "xapian", "ndcg@10"), pcell(s, c, "rasearch", "xapian", "ndcg@10"),
             wlt(s, c, "rasearch", "xapian", "map"), pcell(s, c, "rasearch", "xapian", "map")
    }
    note = ""
    for (i = 1; i <= nc; i++)
      if ((s, C[i], "rasearch") in refused)
        note = note sprintf(" %s: %d;", C[i], refused[s, C[i], "rasearch"])
    if (note != "")
      printf "\nQueries ra-query refused (exit 2; they score 0):%s\n", substr(note, 1, length(note) - 1)

    if (nv) {
      printf "\n### Variants against the defaults (%s)\n\n", tolower(set_title(s))
      printf "×def: variant / defaults; ×stock: variant / stock Xapian; W/L/T and p against the defaults.\n\n"
      printf "| variant | collection | nDCG@10 | ×def | ×stock | MAP | ×def | ×stock | P@10 ×def | R@100 ×def | nDCG@10 W/L/T | p | AP W/L/T | p |\n"
      printf "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
      for (v = 1; v <= nv; v++) {
        id = vid[v]
        for (i = 1; i <= rows; i++) {
          c = C[i]
          if (!has(s, c, id, "rasearch", "map")) continue
          printf "| %s | %s | %.4f | %s | %s | %.4f | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                 vlabel[id], (c == "mean" ? mean_label : c),
                 ma[key(s, c, id, "rasearch", "ndcg@10")],
                 ratio(ma[key(s, c, id, "rasearch", "ndcg@10")], mb[key(s, c, id, "rasearch", "ndcg@10")]),
                 ratio(ma[key(s, c, id, "xapian", "ndcg@10")], mb[key(s, c, id, "xapian", "ndcg@10")]),
                 ma[key(s, c, id, "rasearch", "map")],
                 ratio(ma[key(s, c, id, "rasearch", "map")], mb[key(s, c, id, "rasearch", "map")]),
                 ratio(ma[key(s, c, id, "xapian", "map")], mb[key(s, c, id, "xapian", "map")]),
                 ratio(ma[key(s, c, id, "rasearch", "p@10")], mb[key(s, c, id, "rasearch", "p@10")]),
                 ratio(ma[key(s, c, id, "rasearch", "recall@100")], mb[key(s, c, id, "rasearch", "recall@100")]),
                 wlt(s, c, id, "rasearch", "ndcg@10"), pcell(s, c, id, "rasearch", "ndcg@10"),
                 wlt(s, c, id, "rasearch", "map"), pcell(s, c, id, "rasearch", "map")
        }
      }
    }

    if (loo && nv && nc >= 2) {
      printf "\n### Leave one collection out (%s)\n\n", tolower(set_title(s))
      printf "Chosen: on the other collections the mean of the per-collection ratios to the\n"
      printf "defaults is above 1 on nDCG@10 and on MAP.  Loses: below 1 on either measure on\n"
      printf "the collection held out.\n\n"
      printf "| variant | held out | others nDCG@10 ×def | others MAP ×def | chosen | held-out nDCG@10 ×def | held-out MAP ×def | verdict |\n"
      printf "| --- | --- | ---: | ---: | --- | ---: | ---: | --- |\n"
      for (v = 1; v <= nv; v++) {
        id = vid[v]
        nchosen = 0; nlost = 0
        for (h = 1; h <= nc; h++) {
          on = 0; om = 0; k = 0
          for (i = 1; i <= nc; i++) {
            if (i == h) continue
            on += r(s, C[i], id, "rasearch", "ndcg@10"); om += r(s, C[i], id, "rasearch", "map"); k++
          }
          on /= k; om /= k
          chosen = (on > 1 && om > 1)
          hn = r(s, C[h], id, "rasearch", "ndcg@10"); hm = r(s, C[h], id, "rasearch", "map")
          loses = (hn < 1 || hm < 1)
          sig = ""
          if (loses && ((hn < 1 && pp[key(s, C[h], id, "rasearch", "ndcg@10")] + 0 < 0.05) ||
                        (hm < 1 && pp[key(s, C[h], id, "rasearch", "map")] + 0 < 0.05)))
            sig = " (significant)"
          verdict = chosen ? (loses ? "chosen, **loses**" sig : "chosen, holds") : \
                             (loses ? "not chosen" : "not chosen (would not lose)")
          nchosen += chosen; nlost += chosen && loses
          printf "| %s | %s | %.3f | %.3f | %s | %.3f | %.3f | %s |\n", vlabel[id], C[h], on, om,
                 (chosen ? "yes" : "no"), hn, hm, verdict
        }
        summary[v] = sprintf("`%s`: chosen on %d of %d splits, loses on the held-out collection in %d of them",
                             vlabel[id], nchosen, nc, nlost)
      }
      printf "\n"
      for (v = 1; v <= nv; v++) printf "- %s\n", summary[v]
    }
  }
  printf "\nTime: %s.\n", times
}
