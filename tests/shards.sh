#!/bin/sh
# shards.sh - the index side of a cluster: `ra-index --shards 3` puts every
# article of a generated corpus in exactly one shard, the shards together
# hold what one index holds, each with the same near-duplicate group key
# as in the one index (a group split between shards included) and one
# group term per article; `--shard K/N` builds the same shard alone,
# rejects bad K/N and an index of another split, updates and counts its
# revision; the cluster file names the shards.  Group keys are carried
# over: a shard rebuilt alone keeps a group it shares with another shard,
# `--rebuild --shards 3` of an unchanged corpus publishes each shard once
# with the same keys, and a substantially edited article leaves its group.  Reads the indexes with
# xapian-delve (Debian xapian-tools, installed by scripts/deps.sh).
. "${RA_SRCDIR:-..}/tests/lib.sh"
GEN="$(dirname "$RA_INDEX")/../bench/gen_corpus"
if [ ! -x "$GEN" ]; then
  echo "1..0 # SKIP $GEN not built"
  exit 0
fi
if ! command -v xapian-delve >/dev/null 2>&1; then
  echo "1..0 # SKIP xapian-delve (xapian-tools) not installed"
  exit 0
fi

C="$T_TMP/corpus"; ONE="$T_TMP/one"; CL="$T_TMP/cluster"
stat_of() { sed -n "s/^ *\"$1\": \"*\\([0-9a-z]*\\).*/\\1/p" "$T_TMP/stats.json" | head -1; }
# values DB SLOT: "docid:value" lines of a value slot, sorted by docid
values() { xapian-delve -1 -V"$2" "$1" | sed 1d | LC_ALL=C sort -t: -k1,1; }
# pairs DB: "id key" for every article (RA_SLOT_ID 6, RA_SLOT_COLLAPSE 1)
pairs() {
  values "$1" 6 >"$T_TMP/v6"; values "$1" 1 >"$T_TMP/v1"
  LC_ALL=C join -t: "$T_TMP/v6" "$T_TMP/v1" | cut -d: -f2- | tr : ' '
}
# groups_ok DB: every article has exactly one group term, XG + its key
groups_ok() {
  values "$1" 1 | cut -d: -f2- | sed 's/^/XG/' | LC_ALL=C sort | uniq -c |
    awk '{print $2, $1}' >"$T_TMP/want"
  xapian-delve -1 -v -A XG "$1" | sed 1d | LC_ALL=C sort >"$T_TMP/have"
  cmp -s "$T_TMP/want" "$T_TMP/have"
}

run "$GEN" --count 300 --seed 3 --out "$C" -q
is "$RC" 0 "300 articles generated"

run "$RA_INDEX" -q --jobs 2 --db "$ONE" "$C"
is "$RC" 0 "one index of the whole corpus"
run "$RA_INDEX" -q --jobs 2 --shards 3 --db "$CL" --stats-json "$T_TMP/stats.json" "$C"
is "$RC" 0 "--shards 3 builds the cluster"
like "$(cat "$T_TMP/stats.json")" '"shards": [' "--stats-json lists the shards"
is "$(stat_of indexed)" 300 "--stats-json: 300 articles over the shards"
# shard 1's revision after the build and the grouping (1, or 2 when the
# grouping rewrote keys in it)
rev1=$(sed -n '/"shard": "1\/3"/,/"revision"/s/^ *"revision": \([0-9]*\).*/\1/p' "$T_TMP/stats.json")
ok $([ "$rev1" = 1 ] || [ "$rev1" = 2 ]; echo $?) "--stats-json gives each shard's revision ($rev1)"

abs=$(cd "$CL" && pwd -P)
want=$(printf 'shard 1/3 %s/shard-1\nshard 2/3 %s/shard-2\nshard 3/3 %s/shard-3' "$abs" "$abs" "$abs")
is "$(grep -v '^#' "$CL/cluster")" "$want" "the cluster file names each shard by absolute path"

pairs "$ONE" | LC_ALL=C sort >"$T_TMP/one.pairs"
: >"$T_TMP/cl.pairs"
for k in 1 2 3; do
  pairs "$CL/shard-$k" | sed "s/\$/ $k/" >>"$T_TMP/cl.pairs"
done
LC_ALL=C sort -o "$T_TMP/cl.pairs" "$T_TMP/cl.pairs"
is "$(wc -l <"$T_TMP/one.pairs" | tr -d ' ')" 300 "the one index holds 300 articles"
is "$(cut -d' ' -f1 "$T_TMP/cl.pairs" | LC_ALL=C sort | uniq -d | wc -l | tr -d ' ')" 0 \
  "no article is in two shards"
cut -d' ' -f1,2 "$T_TMP/cl.pairs" | cmp -s - "$T_TMP/one.pairs"
ok $? "the shards hold the one index's articles, each with the same group key"
for k in 1 2 3; do
  n=$(awk -v k=$k '$3 == k' "$T_TMP/cl.pairs" | wc -l | tr -d ' ')
  [ "$n" -ge 60 ] && [ "$n" -le 140 ]
  ok $? "shard $k holds about a third ($n)"
done
# A group whose members are in different shards: its key is the smallest
# id over the whole group, in every shard.
split=$(awk '{ k[$2] = k[$2] " " $3 } END { for (g in k) { n = split(k[g], a, " ");
  for (i = 2; i <= n; i++) if (a[i] != a[1]) { print g; break } } }' "$T_TMP/cl.pairs" | wc -l | tr -d ' ')
ok $([ "$split" -ge 1 ] && echo 0 || echo 1) "a near-duplicate group spans shards ($split)"
ok $([ "$(awk '$1 != $2' "$T_TMP/one.pairs" | wc -l)" -ge 2 ] && echo 0 || echo 1) \
  "the corpus has near-duplicates"
for k in 1 2 3; do
  groups_ok "$CL/shard-$k"
  ok $? "shard $k: one group term per article, XG + its key"
done
groups_ok "$ONE"
ok $? "one index: one group term per article, XG + its key"

# --shard K/N alone builds the same shard.
run "$RA_INDEX" -q --jobs 1 --shard 2/3 --db "$T_TMP/s2" --stats-json "$T_TMP/stats.json" "$C"
is "$RC" 0 "--shard 2/3 builds"
values "$T_TMP/s2" 6 | cut -d: -f2- | LC_ALL=C sort >"$T_TMP/a"
awk '$3 == 2 {print $1}' "$T_TMP/cl.pairs" >"$T_TMP/b"
cmp -s "$T_TMP/a" "$T_TMP/b"
ok $? "--shard 2/3 holds the articles of --shards 3's shard-2"
n2=$(wc -l <"$T_TMP/b" | tr -d ' ')
is "$(stat_of skipped)" $((300 - n2)) "--stats-json counts the other shards' articles as skipped"
like "$(cat "$T_TMP/stats.json")" '"shard": "2/3"' "--stats-json names the shard"
is "$(stat_of revision)" 1 "a first build is revision 1"

# Bad K/N.
for bad in 0/3 4/3 3 a/b 1/1025 1/0 1/3x -1/3 /3 ""; do
  run "$RA_INDEX" --shard "$bad" --db "$T_TMP/bad" "$C"
  is "$RC" 2 "--shard '$bad' is a usage error"
  like "$ERR" "--shard" "... naming --shard"
done
run "$RA_INDEX" --shards 0 --db "$T_TMP/bad" "$C"
is "$RC" 2 "--shards 0 is a usage error"
run "$RA_INDEX" --shards 2 --shard 1/2 --db "$T_TMP/bad" "$C"
is "$RC" 2 "--shards with --shard is a usage error"
[ ! -e "$T_TMP/bad/XAPIANDB" ]
ok $? "no index written by a usage error"

# Another split than the index has: refused unless --rebuild.
run "$RA_INDEX" --shard 2/4 --db "$T_TMP/s2" "$C"
is "$RC" 2 "a shard of 3 asked to be one of 4 is refused"
like "$ERR" "--rebuild" "... saying --rebuild changes it"
run "$RA_INDEX" --db "$T_TMP/s2" "$C"
is "$RC" 2 "a shard asked to be the whole index is refused"
run "$RA_INDEX" --shard 1/3 --db "$ONE" "$C"
is "$RC" 2 "the whole index asked to be a shard is refused"
run "$RA_INDEX" --shards 3 --db "$ONE" "$C"
is "$RC" 2 "--shards into an index of the whole collection is refused"
run "$RA_INDEX" -q --jobs 1 --rebuild --shard 2/4 --db "$T_TMP/s2" --stats-json "$T_TMP/stats.json" "$C"
is "$RC" 0 "--rebuild makes it shard 2/4"
is "$(stat_of revision)" 2 "the rebuild carries the revision on (2)"

# Edit one article of shard 1; update that shard alone, then the cluster.
id=$(awk '$3 == 1 {print $1; exit}' "$T_TMP/cl.pairs")
f="$C/$id.txt"
sed 's/\. /. Indeed, /' "$f" >"$T_TMP/edit" && cat "$T_TMP/edit" >"$f"
run "$RA_INDEX" -q --shard 1/3 --db "$CL/shard-1" --stats-json "$T_TMP/stats.json" "$C"
is "$RC" 0 "shard 1/3 updates after an edit"
is "$(stat_of mode)" update "... as an update"
is "$(stat_of updated)" 1 "... of the one article"
is "$(stat_of revision)" $((rev1 + 1)) "... publishing the next revision"
run "$RA_INDEX" -q --shards 3 --db "$CL" --stats-json "$T_TMP/stats.json" "$C"
is "$RC" 0 "--shards 3 again updates the cluster"
is "$(stat_of mode)" update "... each shard by an update"
run "$RA_INDEX" -q --db "$ONE" "$C"
is "$RC" 0 "the one index updates too"
pairs "$ONE" | LC_ALL=C sort >"$T_TMP/one.pairs"
for k in 1 2 3; do pairs "$CL/shard-$k"; done | LC_ALL=C sort >"$T_TMP/cl2.pairs"
cmp -s "$T_TMP/cl2.pairs" "$T_TMP/one.pairs"
ok $? "after the updates, the shards' group keys still equal the one index's"

# Carried group keys.  A member of a group split between shards whose key
# (the group's smallest id) lives in another shard: rebuilt alone, its
# shard cannot see the group, and keeps the key it had.
rev_of() { xapian-metadata get "$1" ra:revision; }
shard_of() { awk -v id="$1" '$1 == id {print $3}' "$T_TMP/cl.pairs"; }
for k in 1 2 3; do pairs "$CL/shard-$k" | sed "s/\$/ $k/"; done | LC_ALL=C sort >"$T_TMP/cl.pairs"
m=$(awk '{ s[$1] = $3; k[$1] = $2 } END { for (a in k) if (k[a] != a && s[k[a]] != "" &&
  s[k[a]] != s[a]) print a }' "$T_TMP/cl.pairs" | LC_ALL=C sort | head -1)
ok $([ -n "$m" ]; echo $?) "a member of a group whose key is in another shard ($m)"
km=$(shard_of "$m")
key=$(awk -v id="$m" '$1 == id {print $2}' "$T_TMP/cl.pairs")
pairs "$CL/shard-$km" | LC_ALL=C sort >"$T_TMP/before"
rev=$(rev_of "$CL/shard-$km")
run "$RA_INDEX" -q --jobs 2 --rebuild --shard "$km/3" --db "$CL/shard-$km" "$C"
is "$RC" 0 "--rebuild --shard $km/3 alone"
pairs "$CL/shard-$km" | LC_ALL=C sort | cmp -s - "$T_TMP/before"
ok $? "... keeps every key of the shard, the cross-shard one included ($m: $key)"
is "$(rev_of "$CL/shard-$km")" $((rev + 1)) "... publishing once"
groups_ok "$CL/shard-$km"
ok $? "... one group term per article, XG + its key"

# An unchanged corpus rebuilt as a cluster: each shard is published once,
# with the keys it had (readers see no change), and the grouping across
# shards finds nothing to rewrite.
for k in 1 2 3; do eval "r$k=\$(rev_of \"\$CL/shard-\$k\")"; done
run "$RA_INDEX" -q --jobs 2 --rebuild --shards 3 --db "$CL" "$C"
is "$RC" 0 "--rebuild --shards 3 of the unchanged corpus"
for k in 1 2 3; do pairs "$CL/shard-$k"; done | LC_ALL=C sort | cmp -s - "$T_TMP/one.pairs"
ok $? "... every key equals the one index's"
for k in 1 2 3; do
  eval "want=\$((r$k + 1))"
  is "$(rev_of "$CL/shard-$k")" "$want" "... shard $k published exactly once (revision $want)"
done

# A substantially edited article (every line's words reversed, the tag
# line too) is a near-duplicate of nothing: its shard's update gives it
# its own group, and the cluster regroups like the one index.
f=$(ls "$C"/*/"$m.txt" "$C/$m.txt" 2>/dev/null | head -1)
awk '{ for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : ""); print "" }' "$f" >"$T_TMP/edit" &&
  cat "$T_TMP/edit" >"$f"
run "$RA_INDEX" -q --shard "$km/3" --db "$CL/shard-$km" --stats-json "$T_TMP/stats.json" "$C"
is "$RC" 0 "shard $km/3 updates after the edit of $m"
is "$(stat_of updated)" 1 "... of the one article"
is "$(pairs "$CL/shard-$km" | awk -v id="$m" '$1 == id {print $2}')" "$m" \
  "... which is now its own group"
run "$RA_INDEX" -q --shards 3 --db "$CL" "$C"
is "$RC" 0 "--shards 3 updates the cluster"
run "$RA_INDEX" -q --db "$ONE" "$C"
is "$RC" 0 "the one index updates"
pairs "$ONE" | LC_ALL=C sort >"$T_TMP/one.pairs"
is "$(awk -v id="$m" '$1 == id {print $2}' "$T_TMP/one.pairs")" "$m" \
  "the one index gives the edited article its own group"
for k in 1 2 3; do pairs "$CL/shard-$k"; done | LC_ALL=C sort | cmp -s - "$T_TMP/one.pairs"
ok $? "the shards' keys equal the one index's"

# An index of the whole collection regroups from scratch: carried keys
# change nothing, a rebuild's keys are a fresh build's.
run "$RA_INDEX" -q --jobs 2 --rebuild --db "$ONE" "$C"
is "$RC" 0 "the one index rebuilds"
run "$RA_INDEX" -q --jobs 2 --db "$T_TMP/fresh" "$C"
is "$RC" 0 "a fresh index of the same corpus"
pairs "$T_TMP/fresh" | LC_ALL=C sort >"$T_TMP/fresh.pairs"
pairs "$ONE" | LC_ALL=C sort | cmp -s - "$T_TMP/fresh.pairs"
ok $? "the rebuilt index's keys equal the fresh one's"
cmp -s "$T_TMP/fresh.pairs" "$T_TMP/one.pairs"
ok $? "... and the updated one's"

done_testing
