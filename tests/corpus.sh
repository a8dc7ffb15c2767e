#!/bin/sh
# tests/corpus.sh - checks every config under the shared corpus:
#  1. each file gets the format it really is (testdata/corpus/formats.txt maps
#     path prefixes to formats; the first matching prefix wins);
#  2. the error-severity findings are exactly those listed, with the reason
#     each is genuine, in testdata/corpus/expected-errors.txt;
#  3. nothing crashes (exit status 0 or 1).
# usage: sh tests/corpus.sh CORPUS_DIR   (needs $TL)
set -u
CORPUS=$1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EXP="$ROOT/testdata/corpus"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$CORPUS" || exit 2
"$TL" --show-format -q --color never . >"$tmp/out" 2>"$tmp/err"
rc=$?
status=0
if [ $rc -gt 1 ]; then
    echo "corpus: trainlint exited $rc" >&2
    head -20 "$tmp/err" >&2
    status=1
fi
find . -name '*.yaml' -o -name '*.yml' -o -name '*.json' | sed 's|^\./||' | sort >"$tmp/files"
# detected formats: "path: fmt (... confidence)"
sed -n 's/^\(.*\): \([a-z0-9-]*\) ([a-z]* confidence)$/\1 \2/p' "$tmp/out" | sort >"$tmp/detected"
awk 'NR==FNR { if ($0 !~ /^#/ && NF >= 2) { pre[++n] = $1; fmt[n] = $2 } next }
     { want = "none"; for (i = 1; i <= n; i++) if (index($0, pre[i]) == 1) { want = fmt[i]; break }
       print $0, want }' "$EXP/formats.txt" "$tmp/files" | sort >"$tmp/want-formats"
awk 'NR==FNR { got[$1] = $2; next } { g = ($1 in got) ? got[$1] : "none"; print $1, g }' \
    "$tmp/detected" "$tmp/files" | sort >"$tmp/got-formats"
if ! diff "$tmp/want-formats" "$tmp/got-formats" >"$tmp/fdiff"; then
    echo "corpus: detected formats differ from testdata/corpus/formats.txt:" >&2
    grep '^[<>]' "$tmp/fdiff" | head -30 >&2
    status=1
fi
# error findings: "path:L:C: error: message [rule]"
sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .* \[\([a-z0-9-]*\)\]$/\1 \2/p' "$tmp/out" | sort -u >"$tmp/got-errors"
sed 's/#.*//; s/[[:space:]]*$//' "$EXP/expected-errors.txt" | awk 'NF >= 2 { print $1, $2 }' | sort -u >"$tmp/want-errors"
if ! diff "$tmp/want-errors" "$tmp/got-errors" >"$tmp/ediff"; then
    echo "corpus: error findings differ from testdata/corpus/expected-errors.txt" >&2
    echo "  (< listed but not found, > found but not listed):" >&2
    grep '^[<>]' "$tmp/ediff" | head -40 >&2
    status=1
fi
nfiles=$(wc -l <"$tmp/files")
nerr=$(wc -l <"$tmp/got-errors")
echo "corpus: $nfiles files checked, $nerr (file, rule) error pairs, all expected: $([ $status = 0 ] && echo yes || echo no)" >&2
exit $status
