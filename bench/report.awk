# report.awk - the Markdown tables and target checks of bench/run's report
# from its figures.tsv (one row per corpus size; header names
# the columns).  Run as: awk -F'\t' -v cores=N -f report.awk figures.tsv
function v(name) { return $(col[name]) }
function num(x) { return x != "" }
function f1(x) { return num(x) ? sprintf("%.1f", x) : "n/a" }
function f2(x) { return num(x) ? sprintf("%.2f", x) : "n/a" }
function ratio(x) { return num(x) ? sprintf("%.2fx", x) : "n/a" }
function mbs(mb, s) { return num(s) && s > 0 ? sprintf("%.1f", mb / s) : "n/a" }
function verdict(ok) { return ok ? "**met**" : "**missed**" }
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
  n++; N[n] = v("articles"); MB[n] = v("mb")
  for (k in col) F[n, k] = $(col[k])
}
END {
  if (n == 0) { print "No figures."; exit }
  print "## Rebuild (wall seconds, MB/s of page text, peak RSS MB)\n"
  print "| articles | MB | analysis MB/s | ra-index -j1 | ra-index -j" cores " | omindex | FTS5 load | omindex / ra -j1 | omindex / ra -j" cores " | FTS5 / ra -j1 |"
  print "|---:|---:|---:|---|---|---|---|---:|---:|---:|"
  for (i = 1; i <= n; i++) {
    printf "| %d | %.1f | %s |", N[i], MB[i], f1(F[i, "analysis_mbs"])
    split("ra1 raN om fts", sy, " ")
    for (j = 1; j <= 4; j++) {
      s = F[i, sy[j] "_s"]
      printf " %s |", num(s) ? sprintf("%.2f s, %s MB/s, %s MB", s, mbs(MB[i], s), f1(F[i, sy[j] "_mb"])) : "n/a"
    }
    printf " %s | %s | %s |\n", ratio(F[i, "r_om_ra1"]), ratio(F[i, "r_om_raN"]), ratio(F[i, "r_fts_ra1"])
  }
  print "\n## Incremental reruns (ra-index on the -j" cores " index)\n"
  print "| articles | nothing changed | 1% changed | pages updated |"
  print "|---:|---:|---:|---:|"
  for (i = 1; i <= n; i++)
    printf "| %d | %s s | %s s | %s |\n", N[i], f2(F[i, "nochg_s"]), f2(F[i, "chg_s"]), F[i, "chg_updated"]
  print "\n## Index size on disk (MB)\n"
  print "| articles | rasearch | omindex | FTS5 | rasearch / omindex |"
  print "|---:|---:|---:|---:|---:|"
  for (i = 1; i <= n; i++)
    printf "| %d | %s | %s | %s | %s |\n", N[i], f1(F[i, "size_ra_mb"]), f1(F[i, "size_om_mb"]),
      f1(F[i, "size_fts_mb"]), num(F[i, "size_om_mb"]) ? sprintf("%.2f", F[i, "size_ra_mb"] / F[i, "size_om_mb"]) : "n/a"
  print "\n## Query latency, ms (p50 / p95 / p99)\n"
  print "In-process: bench_query (ra_search_run, searcher opened once) and fts5bench (one connection, prepared statement, bm25 + snippet, top 10). Endpoint: one CGI process per query, started by bench_query --cgi: ra-cgi (format=html) and Xapian Omega's omega (template query with wildcards, DEFAULTOP=and).\n"
  print "| articles | rasearch in-process | FTS5 in-process | FTS5 / rasearch p95 | ra-cgi | omega CGI | omega / ra-cgi p95 | hits ra / FTS5 |"
  print "|---:|---|---|---:|---|---|---:|---:|"
  for (i = 1; i <= n; i++) {
    printf "| %d", N[i]
    split("qra qfts", sy, " ")
    for (j = 1; j <= 2; j++)
      printf " | %s / %s / %s", f2(F[i, sy[j] "_p50"]), f2(F[i, sy[j] "_p95"]), f2(F[i, sy[j] "_p99"])
    printf " | %s", ratio(F[i, "r_qfts"])
    split("cgira om", sy, " ")
    for (j = 1; j <= 2; j++)
      printf " | %s / %s / %s", f1(F[i, sy[j] "_p50"]), f1(F[i, sy[j] "_p95"]), f1(F[i, sy[j] "_p99"])
    printf " | %s | %s / %s |\n", ratio(F[i, "r_qom"]), F[i, "qra_hits"], F[i, "qfts_hits"]
  }
  # Targets (bench/README.md); the largest size is the one judged.
  L = n
  print "\n## Targets (largest size, " N[L] " articles)\n"
  r = F[L, "r_om_ra1"]
  if (num(r)) printf "* Full rebuild at least 3x omindex's throughput: -j1 %s, -j%d %s: %s\n", ratio(r), cores, ratio(F[L, "r_om_raN"]), verdict(F[L, "r_om_raN"] >= 3)
  a = F[L, "analysis_mbs"]; t = F[L, "ra1_s"]
  if (num(a) && num(t)) printf "* Rebuild (-j1) within 2x of analysis-only throughput: %.1f MB/s vs %.1f MB/s analysis (%.2fx slower): %s\n", MB[L] / t, a, a / (MB[L] / t), verdict(a / (MB[L] / t) <= 2)
  if (num(F[L, "size_om_mb"])) printf "* Index no larger than omindex's: %.1f MB vs %.1f MB: %s\n", F[L, "size_ra_mb"], F[L, "size_om_mb"], verdict(F[L, "size_ra_mb"] <= F[L, "size_om_mb"])
  p = F[L, "qra_p95"]
  printf "* Query p95 in-process under 5 ms%s: %.2f ms: %s\n", N[L] == 50000 ? "" : " (the target is for 50,000 articles)", p, verdict(p < 5)
  if (num(F[L, "qfts_p95"])) printf "* Query p95 in-process below FTS5's: %.2f ms vs %.2f ms (FTS5 / rasearch %s): %s\n", p, F[L, "qfts_p95"], ratio(F[L, "r_qfts"]), verdict(F[L, "r_qfts"] > 1)
  if (n >= 2) {
    # Linear growth: seconds and MB per 1000 articles should stay flat.
    lo_t = hi_t = lo_s = hi_s = ""
    line_t = line_s = ""
    for (i = 1; i <= n; i++) {
      pt = F[i, "raN_s"] / N[i] * 1000; ps = F[i, "size_ra_mb"] / N[i] * 1000
      line_t = line_t sprintf("%s%d: %.2f s", i > 1 ? ", " : "", N[i], pt)
      line_s = line_s sprintf("%s%d: %.1f MB", i > 1 ? ", " : "", N[i], ps)
      if (lo_t == "" || pt < lo_t) lo_t = pt; if (hi_t == "" || pt > hi_t) hi_t = pt
      if (lo_s == "" || ps < lo_s) lo_s = ps; if (hi_s == "" || ps > hi_s) hi_s = ps
    }
    printf "* Build time linear in corpus size (-j%d seconds per 1000 articles: %s; spread %.2fx, linear if <= 1.5x): %s\n", cores, line_t, hi_t / lo_t, verdict(hi_t / lo_t <= 1.5)
    printf "* Index size linear in corpus size (MB per 1000 articles: %s; spread %.2fx): %s\n", line_s, hi_s / lo_s, verdict(hi_s / lo_s <= 1.5)
  }
  print "\nPlots: rebuild.svg (rebuild time), size.svg (index size), query.svg (query p95) against corpus size."
}
