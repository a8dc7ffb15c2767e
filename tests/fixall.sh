#!/bin/sh
# tests/fixall.sh - `--fix=all` only makes changes it has proven. Copies every
# config of the shared corpus (../shared/corpus, when present) and every
# rule's failing example (testdata/rules/*/bad.*, run with its `args`) into a
# scratch folder and, in three passes (no GPU, --gpu rtx-4090, --gpu t4),
# applies all fixes and checks that:
#  a. no file gains an error-severity finding (a rule id that was not an error
#     of that file before);
#  b. a second --fix=all changes nothing;
#  c. every applied fit fix ("...: peak N GiB", restated when a later fix
#     changed it) promised the peak `trainlint estimate` computes for the
#     fixed file.
# Prints one count line per pass and ends with "fixall: N passed, N failed".
# usage: sh tests/fixall.sh   (needs $TL; CORPUS overrides the corpus folder,
#        FIXALL_PASSES=one runs the rtx-4090 pass only)
set -u
LC_ALL=C
export LC_ALL
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TL=${TL:-$ROOT/build/trainlint}
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

if [ ! -d "$CORPUS" ]; then
    echo "fixall: $CORPUS not present; only the rules' examples are checked" >&2
fi

# Groups of files checked by one process: the corpus as a folder, the rule
# examples grouped by their extra arguments. groups/N.args, groups/N.files.
mkdir -p "$tmp/groups"
{
    [ -d "$CORPUS" ] && printf '|corpus\n'
    for dir in "$ROOT"/testdata/rules/*/; do
        id=$(basename "$dir")
        for bad in "$dir"/bad.*; do
            [ -f "$bad" ] || continue
            args=""
            [ -f "$dir/args" ] && args=$(cat "$dir/args")
            printf '%s|rules/%s/%s\n' "$args" "$id" "$(basename "$bad")"
            break
        done
    done
} | sort -t'|' -k1,1 -s | awk -F'|' -v d="$tmp/groups" '
    $1 != last || NR == 1 { n++; last = $1; printf "%s", $1 > (d "/" n ".args") }
    { print $2 > (d "/" n ".files") }
    END { print n > (d "/count") }'
ngroups=$(cat "$tmp/groups/count")

# A pristine copy, then per pass a copy of it made of hard links: --fix
# replaces a file by renaming a new one over it, so the pristine copy stays.
mkdir -p "$tmp/pristine"
[ -d "$CORPUS" ] && cp -R "$CORPUS" "$tmp/pristine/corpus"
cp -R "$ROOT/testdata/rules" "$tmp/pristine/rules"
# the shared corpus has no write bits, and --fix leaves read-only files alone
chmod -R u+w "$tmp/pristine"
setup() {
    rm -rf "$tmp/w"
    cp -al "$tmp/pristine" "$tmp/w" 2>/dev/null || cp -R "$tmp/pristine" "$tmp/w"
}

# each_group GPUARGS MODE: runs trainlint once per group from the scratch
# folder; MODE is the extra options (-q, --fix=all, --diff --fix=all).
each_group() {
    gpu=$1
    shift
    for g in $(seq 1 $ngroups); do
        # shellcheck disable=SC2046,SC2086
        (cd "$tmp/w" && "$TL" --isolated --color never "$@" $gpu $(cat "$tmp/groups/$g.args") \
            $(cat "$tmp/groups/$g.files"))
    done
}

errors() { # "path rule" for every error finding (paths relative to the scratch folder)
    sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .* \[\([a-z0-9-]*\)\]$/\1 \2/p' |
        sed "s|^$tmp/w/||" | sort -u
}

sums() { (cd "$tmp/w" && find . -type f | sort | xargs md5sum); }

check() { # name ok(0/1) detail
    if [ "$2" = 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: fixall $1: $3" >&2
    fi
}

# FIXALL_PASSES=one keeps only the pass with the most fit fixes (the
# sanitized run of the suite, where each pass costs several times more)
if [ "${FIXALL_PASSES:-all}" = one ]; then
    set -- "--gpu rtx-4090"
else
    set -- "" "--gpu rtx-4090" "--gpu t4"
fi
for gpu in "$@"; do
    label=${gpu:-no gpu}
    setup
    sums >"$tmp/sum.before"
    each_group "$gpu" -q 2>/dev/null | errors >"$tmp/err.before"
    each_group "$gpu" --fix=all >/dev/null 2>"$tmp/fixlog"
    sums >"$tmp/sum.after"
    changed=$(diff "$tmp/sum.before" "$tmp/sum.after" | grep -c '^>')
    each_group "$gpu" -q 2>/dev/null | errors >"$tmp/err.after"
    comm -13 "$tmp/err.before" "$tmp/err.after" >"$tmp/gained"
    ngained=$(cut -d' ' -f1 "$tmp/gained" | sort -u | wc -l)
    check "$label: errors gained" "$([ "$ngained" = 0 ] && echo 0 || echo 1)" \
        "$(sed 's/^/  /' "$tmp/gained" | head -20)"
    each_group "$gpu" --diff --fix=all 2>/dev/null >"$tmp/again"
    nagain=$(grep -c '^+++ ' "$tmp/again")
    check "$label: second --fix=all" "$([ "$nagain" = 0 ] && echo 0 || echo 1)" \
        "$(head -30 "$tmp/again")"
    # c. the promised peaks of the applied fit fixes
    # (the last peak a line states: a fix applied after a fit fix may restate it)
    sed -n 's/^\([^:]*\): applied: .*peak \([0-9.]*\) GiB)\{0,1\}$/\1 \2/p' "$tmp/fixlog" >"$tmp/fits"
    nfit=$(wc -l <"$tmp/fits")
    (
        cd "$tmp/w" || exit 2
        while read -r path promised; do
            # a rule example's own --gpu/--gpus apply to its estimate too
            est=""
            case "$path" in
            rules/*)
                a=""
                [ -f "${path%/*}/args" ] && read -r a <"${path%/*}/args"
                # shellcheck disable=SC2086
                set -- $a
                while [ $# -ge 2 ]; do
                    case "$1" in --gpu | --gpus) est="$est $1 $2" ;; esac
                    shift
                done
                ;;
            esac
            echo "@@ $path $promised"
            # shellcheck disable=SC2086
            "$TL" estimate --isolated --format json $gpu $est "$path" 2>/dev/null
        done <"$tmp/fits"
    ) | awk '
        function report() { if (path != "" && got != promised)
            printf "  %s: promised %s GiB, the fixed file estimates %s\n", path, promised, got == "" ? "nothing" : got " GiB" }
        /^@@ / { report(); path = $2; promised = $3; got = ""; next }
        /"peak_bytes":/ && got == "" { v = $0; sub(/.*"peak_bytes":[ \t]*/, "", v); sub(/,.*/, "", v)
                                       got = sprintf("%.1f", v / 1073741824) }
        END { report() }' >"$tmp/broken"
    bad=$(cat "$tmp/broken")
    check "$label: fit promises" "$([ -z "$bad" ] && echo 0 || echo 1)" "$bad"
    echo "fixall: $label: $changed files changed, $ngained gained an error, $nagain not idempotent, $nfit fit fixes checked" >&2
done
echo "fixall: $pass passed, $fail failed"
[ $fail = 0 ]
