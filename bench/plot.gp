# plot.gp - growth curves of bench/run: rebuild time, index size
# and query p95 against corpus size, as SVG, from figures.tsv (columns
# named in its header).  Run as: gnuplot -e "tsv='figures.tsv'" plot.gp
if (!exists("tsv")) tsv = 'figures.tsv'
set datafile separator "\t"
set datafile missing ""
set key autotitle columnhead
set key top left
set grid
set xlabel "articles"
set format x "%.0f"
set terminal svg size 800,500 dynamic enhanced font "sans,11"

set output 'rebuild.svg'
set title "Full rebuild time"
set ylabel "seconds"
plot tsv using "articles":"ra1_s" with linespoints title "ra-index --jobs 1", \
     ''  using "articles":"raN_s" with linespoints title "ra-index --jobs all", \
     ''  using "articles":"om_s" with linespoints title "omindex", \
     ''  using "articles":"fts_s" with linespoints title "SQLite FTS5 load"

set output 'size.svg'
set title "Index size on disk"
set ylabel "MB"
plot tsv using "articles":"size_ra_mb" with linespoints title "rasearch", \
     ''  using "articles":"size_om_mb" with linespoints title "omindex", \
     ''  using "articles":"size_fts_mb" with linespoints title "SQLite FTS5"

set output 'query.svg'
set title "Query latency p95"
set ylabel "ms"
set logscale y
plot tsv using "articles":"qra_p95" with linespoints title "rasearch in-process", \
     ''  using "articles":"qfts_p95" with linespoints title "FTS5 in-process", \
     ''  using "articles":"cgira_p95" with linespoints title "ra-cgi (CGI process)", \
     ''  using "articles":"om_p95" with linespoints title "omega CGI"
