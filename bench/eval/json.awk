# json.awk - the JSON string writer the collection converters share
# (cranfield.awk, smart.awk): load it first, `awk -f json.awk -f X.awk`.

# Replace every sep in s by rep with split/concatenation: gsub's
# treatment of backslashes in the replacement differs between awks.
function replace_all(s, sep, rep,    n, i, p, r) {
  n = split(s, p, sep)
  r = p[1]
  for (i = 2; i <= n; i++) r = r rep p[i]
  return r
}
# s as a JSON string: backslashes and quotes escaped; tabs, CR and any
# other control byte (CACM has a 0x19) become spaces.
function jstr(s) {
  s = replace_all(s, "\\", "\\\\")
  s = replace_all(s, "\"", "\\\"")
  gsub(/[[:cntrl:]]/, " ", s)
  return "\"" s "\""
}
