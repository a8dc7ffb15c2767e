#!/bin/sh
# tests/upstream.sh - cases translated from the trainers' own validation tests
# and start-up checks (testdata/upstream/<trainer>/*.yaml), run the way a user
# runs trainlint: the format is detected, never forced with --as.
#
# Each case starts with comment lines that say where it comes from and what the
# trainer does with it:
#   # upstream: <repo> <path>@<commit> <test or check name>
#   # expect: reject|warn|accept
#   # rule: <rule id>            (optional: the finding must carry this id)
#   # args: <extra arguments>    (optional, e.g. --gpu v100-32gb)
#   # known-miss: <why>          (optional: trainlint does not catch it yet)
# reject: the trainer raises at start-up  -> trainlint reports an error
# warn:   the trainer warns or ignores     -> trainlint reports a finding
#                                             (info or above)
# accept: the trainer runs it              -> trainlint reports no error
# A known miss is counted against the rates but does not fail the suite; a
# known miss that starts passing does (drop the mark).
# Prints the three rates and ends with "upstream: N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR="$ROOT/testdata/upstream"
pass=0
fail=0
for kind in reject warn accept; do
    eval "n_$kind=0 ok_$kind=0"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in $(find "$DIR" -name '*.yaml' -o -name '*.yml' | sort); do
    hdr=$(sed -n '1,12{/^#/p}' "$f")
    expect=$(printf '%s\n' "$hdr" | sed -n 's/^# expect: *\([a-z]*\).*/\1/p' | head -1)
    rule=$(printf '%s\n' "$hdr" | sed -n 's/^# rule: *\([a-z0-9-]*\).*/\1/p' | head -1)
    args=$(printf '%s\n' "$hdr" | sed -n 's/^# args: *//p' | head -1)
    miss=$(printf '%s\n' "$hdr" | grep -c '^# known-miss:')
    src=$(printf '%s\n' "$hdr" | grep -c '^# upstream: [^ ]* [^ ]*@[0-9a-f]\{7,\}')
    name=${f#"$DIR/"}
    case "$expect" in reject | warn | accept) ;; *)
        echo "FAIL: upstream/$name: no '# expect: reject|warn|accept' line" >&2
        fail=$((fail + 1))
        continue
        ;;
    esac
    if [ "$src" -eq 0 ]; then
        echo "FAIL: upstream/$name: no '# upstream: REPO PATH@COMMIT CHECK' line" >&2
        fail=$((fail + 1))
        continue
    fi
    eval "n_$expect=\$((n_$expect + 1))"
    # shellcheck disable=SC2086
    (cd "$(dirname "$f")" && "$TL" --isolated -q --color never $args "$(basename "$f")") \
        >"$tmp/out" 2>&1
    rc=$?
    if [ $rc -gt 1 ]; then
        echo "FAIL: upstream/$name: trainlint exited $rc" >&2
        sed 's/^/  | /' "$tmp/out" | head -5 >&2
        fail=$((fail + 1))
        continue
    fi
    errors=$(grep -c ': error: ' "$tmp/out")
    findings=$(grep -c ': \(error\|warning\|info\): ' "$tmp/out")
    hit=0
    case "$expect" in
    reject) [ "$errors" -gt 0 ] && hit=1 ;;
    warn) [ "$findings" -gt 0 ] && hit=1 ;;
    accept) [ "$errors" -eq 0 ] && hit=1 ;;
    esac
    if [ $hit = 1 ] && [ -n "$rule" ] && [ "$expect" != accept ]; then
        grep -q "\[$rule\]\$" "$tmp/out" || hit=0
    fi
    [ $hit = 1 ] && eval "ok_$expect=\$((ok_$expect + 1))"
    if [ $hit = 1 ] && [ "$miss" -gt 0 ]; then
        echo "FAIL: upstream/$name: marked known-miss but now passes (drop the mark)" >&2
        fail=$((fail + 1))
    elif [ $hit = 0 ] && [ "$miss" -eq 0 ]; then
        echo "FAIL: upstream/$name: expected $expect${rule:+ [$rule]}, got:" >&2
        sed 's/^/  | /' "$tmp/out" | head -6 >&2
        fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
done
rate() { # ok n
    if [ "$2" -eq 0 ]; then echo "-"; else echo "$(($1 * 1000 / $2 / 10)).$(($1 * 1000 / $2 % 10))%"; fi
}
# shellcheck disable=SC2154
echo "upstream: reject -> error $ok_reject/$n_reject ($(rate "$ok_reject" "$n_reject")), warn -> finding $ok_warn/$n_warn ($(rate "$ok_warn" "$n_warn")), accept -> no error $ok_accept/$n_accept ($(rate "$ok_accept" "$n_accept"))" >&2
echo "upstream: $pass passed, $fail failed"
[ $fail -eq 0 ]
