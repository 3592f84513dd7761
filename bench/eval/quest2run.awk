# quest2run.awk - quest's answer (Xapian's command line search tool) ->
# TREC run lines, for the stock-Xapian baseline of bench/eval/run.
#
#   quest -d DB -m 100 QUERY | awk -v qid=Q -v tag=T -f quest2run.awk
#
# quest prints "DOCID: [WEIGHT]" then the document data, whose "id=" line
# (set by baseline.si) is the collection's document id.
/^[0-9]+: \[[-0-9.e+]+\]$/ { w = $2; gsub(/[][]/, "", w); next }
/^id=/ && w != "" { rank++; printf "%s Q0 %s %d %s %s\n", qid, substr($0, 4), rank, w, tag; w = "" }
