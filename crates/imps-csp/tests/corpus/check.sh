#!/usr/bin/env bash
# Human-oriented interop check of the CSP corpus against libwbxml's command-line tools.
#
#   bash crates/imps-csp/tests/corpus/check.sh [FILE...]
#
# For every 1.1 / 1.2 file (or the files given): copy it to a temp dir with the DOCTYPE libwbxml
# needs for language detection, run `xml2wbxml` then `wbxml2xml`, and compare the decoded tree with
# the original (element names and text; whitespace-only text and xmlns attributes ignored, since
# libwbxml drops every xmlns). Prints one line per file:
#   OK    round trip preserved every element and text
#   DIFF  converted, but the decoded tree differs (first difference shown)
#   FAIL  xml2wbxml or wbxml2xml failed (its message shown)
# 1.3 files are only checked for well-formedness (libwbxml has no 1.3 tables): WF / BAD.
# Expected FAIL/DIFF files are listed in README.md ("libwbxml departures").
# Exit status: 0 if nothing was BAD and every FAIL/DIFF is in the README's list, 1 otherwise.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for t in xml2wbxml wbxml2xml python3; do
  command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 2; }
done
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT

DT11='<!DOCTYPE WV-CSP-Message PUBLIC "-//OMA//DTD WV-CSP 1.1//EN" "http://www.openmobilealliance.org/DTD/WV-CSP.XML">'
DT12='<!DOCTYPE WV-CSP-Message PUBLIC "-//OMA//DTD WV-CSP 1.2//EN" "http://www.openmobilealliance.org/DTD/WV-CSP.DTD">'

if [ $# -gt 0 ]; then FILES=("$@"); else FILES=("$HERE"/1.1/*.xml "$HERE"/1.2/*.xml "$HERE"/1.3/*.xml); fi

# compare.py ORIGINAL DECODED -> prints nothing if equal, else the first difference
cat > "$W/compare.py" <<'PY'
import sys, xml.dom.minidom as md
def tree(path):
    def rec(e):
        kids = [c for c in e.childNodes if c.nodeType == c.ELEMENT_NODE]
        txt = "".join(c.data for c in e.childNodes if c.nodeType in (c.TEXT_NODE, c.CDATA_SECTION_NODE))
        return (e.tagName.split(":")[-1], None if kids else txt, [rec(k) for k in kids])
    return rec(md.parse(path).documentElement)
def diff(a, b, path):
    if a[0] != b[0]:
        return "%s: element <%s> came back as <%s>" % (path, a[0], b[0])
    p = path + "/" + a[0]
    if a[1] != b[1]:
        return "%s: text %r came back as %r" % (p, a[1], b[1])
    for i, (x, y) in enumerate(zip(a[2], b[2])):
        d = diff(x, y, p)
        if d:
            return d
    if len(a[2]) != len(b[2]):
        return "%s: %d children came back as %d" % (p, len(a[2]), len(b[2]))
    return None
d = diff(tree(sys.argv[1]), tree(sys.argv[2]), "")
if d:
    print(d)
PY

# expected departures: file names listed in README.md between the departure markers
EXPECTED=$(sed -n '/<!-- departures:begin -->/,/<!-- departures:end -->/p' "$HERE/README.md" 2>/dev/null \
  | grep -o '1\.[12]/[0-9][0-9][0-9]-[A-Za-z0-9+-]*\.xml' | sort -u)

ok=0; diffs=0; fails=0; wf=0; bad=0; unexpected=0
for f in "${FILES[@]}"; do
  rel=${f#"$HERE"/}
  ver=${rel%%/*}
  case "$ver" in
    1.3)
      if python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' "$f" 2>"$W/err"; then
        echo "WF    $rel"; wf=$((wf+1))
      else echo "BAD   $rel: $(tail -n1 "$W/err")"; bad=$((bad+1)); fi
      continue ;;
    1.1) DT=$DT11 ;;
    1.2) DT=$DT12 ;;
    *) echo "SKIP  $rel"; continue ;;
  esac
  # insert the DOCTYPE after the XML declaration (line 1)
  { head -n1 "$f"; echo "$DT"; tail -n +2 "$f"; } > "$W/in.xml"
  rm -f "$W/out.wbxml" "$W/out.xml"
  if ! xml2wbxml -o "$W/out.wbxml" "$W/in.xml" >"$W/log" 2>&1 || [ ! -s "$W/out.wbxml" ]; then
    status=FAIL; msg="xml2wbxml: $(grep -i -m1 'fail' "$W/log")"
  elif ! wbxml2xml -o "$W/out.xml" "$W/out.wbxml" >"$W/log" 2>&1 || [ ! -s "$W/out.xml" ]; then
    status=FAIL; msg="wbxml2xml: $(grep -i -m1 'fail' "$W/log")"
  else
    msg=$(python3 "$W/compare.py" "$f" "$W/out.xml" 2>&1)
    if [ -z "$msg" ]; then status=OK; else status=DIFF; fi
  fi
  case $status in
    OK) ok=$((ok+1)); echo "OK    $rel" ;;
    DIFF) diffs=$((diffs+1)); echo "DIFF  $rel: $msg" ;;
    FAIL) fails=$((fails+1)); echo "FAIL  $rel: $msg" ;;
  esac
  if [ $status != OK ] && ! grep -qx "$rel" <<<"$EXPECTED"; then
    unexpected=$((unexpected+1)); echo "      ^ not listed in README.md libwbxml departures"
  fi
done
echo "1.1/1.2: $ok OK, $diffs DIFF, $fails FAIL ($unexpected not listed as known departures); 1.3: $wf well-formed, $bad BAD"
[ $bad -eq 0 ] && [ $unexpected -eq 0 ]
