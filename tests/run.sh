#!/bin/sh
# tests/run.sh - the trainlint test suite: unit tests (cmocka), golden CLI
# tests (testdata/*/cmd), and the corpus check (../shared/corpus, when present).
#
# usage: sh tests/run.sh [unit|golden|rules|upstream|corpus|fixall|sarif|docs|install|lsp|readme]...
#        (default: all)
# env:   BUILD=build  UPDATE=1 (rewrite golden expectations; review the diff)
#        TL_WRAP="valgrind ..." (run every trainlint invocation under a wrapper)
# Ends with the line "N passed, N failed"; exits non-zero on any failure.

set -u
LC_ALL=C
export LC_ALL
unset GITHUB_ACTIONS
NO_COLOR=1
export NO_COLOR
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
TL="$BUILD/trainlint"
export TL
TL_WRAP=${TL_WRAP:-}
if [ -n "$TL_WRAP" ]; then
    # every invocation of $TL goes through the wrapper (valgrind, ...)
    printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$TL_WRAP" "$TL" >"$BUILD/tl-wrapped"
    chmod +x "$BUILD/tl-wrapped"
    TL="$BUILD/tl-wrapped"
fi
PASS=0
FAIL=0
FAILED_NAMES=""

pass() { PASS=$((PASS + 1)); }
fail() {
    FAIL=$((FAIL + 1))
    FAILED_NAMES="$FAILED_NAMES $1"
    echo "FAIL: $1" >&2
}

run_unit() {
    for t in "$BUILD"/tests/test_*; do
        [ -x "$t" ] || continue
        name=$(basename "$t")
        out=$("$t" 2>&1)
        rc=$?
        passed=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
        failed=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
        PASS=$((PASS + passed))
        if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ]; then
            [ "$failed" -eq 0 ] && failed=1
            FAIL=$((FAIL + failed))
            FAILED_NAMES="$FAILED_NAMES $name"
            printf '%s\n' "$out" | grep -E 'FAILED|ERROR|error|Assert' >&2
            echo "FAIL: $name" >&2
        fi
    done
}

# A golden case is a folder testdata/NAME with:
#   cmd        shell commands run in a scratch copy of the folder; $TL is trainlint
#   expected   the expected stdout+stderr (stderr lines are prefixed "stderr: ")
#   exit       the expected exit status of the last command (default 0)
run_golden() {
    for dir in "$ROOT"/testdata/*/; do
        [ -f "$dir/cmd" ] || continue
        name=$(basename "$dir")
        work=$(mktemp -d)
        cp -R "$dir/." "$work/"
        (
            cd "$work" || exit 99
            timeout 60 sh -c ". ./cmd" >"$work/.out" 2>"$work/.err"
            echo $? >"$work/.rc"
        ) </dev/null
        sed 's/^/stderr: /' "$work/.err" >>"$work/.out"
        rc=$(cat "$work/.rc")
        want_rc=0
        [ -f "$dir/exit" ] && want_rc=$(cat "$dir/exit")
        if [ "${UPDATE:-}" = 1 ]; then
            cp "$work/.out" "$dir/expected"
            echo "$rc" >"$dir/exit"
            pass
        elif [ "$rc" = 124 ]; then
            fail "golden/$name (timed out)"
        elif [ "$rc" != "$want_rc" ]; then
            fail "golden/$name (exit $rc, expected $want_rc)"
            sed 's/^/  | /' "$work/.out" | head -20 >&2
        elif ! diff -u "$dir/expected" "$work/.out" >"$work/.diff" 2>&1; then
            fail "golden/$name (output differs)"
            head -40 "$work/.diff" >&2
        else
            pass
        fi
        rm -rf "$work"
    done
}

run_rules() {
    out=$(sh "$ROOT/tests/rules.sh" 2>&1)
    rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^rules: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(printf '%s\n' "$out" | sed -n 's/^rules: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    PASS=$((PASS + ${p:-0}))
    FAIL=$((FAIL + ${f:-0}))
    if [ $rc -ne 0 ]; then
        printf '%s\n' "$out" | grep -v '^rules:' >&2
        [ "${f:-0}" -eq 0 ] && FAIL=$((FAIL + 1))
        FAILED_NAMES="$FAILED_NAMES rules"
    fi
}

# A script tests/NAME.sh that ends with "NAME: N passed, N failed" and prints
# its other lines as they are: upstream (cases translated from the trainers'
# own validation tests) and fixall (--fix=all over the corpus and the rule
# examples: proven fixes only; its corpus part is skipped when absent).
run_counted() {
    name=$1
    out=$(TL="$TL" sh "$ROOT/tests/$name.sh" 2>&1)
    rc=$?
    p=$(printf '%s\n' "$out" | sed -n "s/^$name: \([0-9]*\) passed, \([0-9]*\) failed\$/\1/p")
    f=$(printf '%s\n' "$out" | sed -n "s/^$name: \([0-9]*\) passed, \([0-9]*\) failed\$/\2/p")
    PASS=$((PASS + ${p:-0}))
    FAIL=$((FAIL + ${f:-0}))
    printf '%s\n' "$out" | grep -v 'passed, .* failed$' >&2
    if [ $rc -ne 0 ]; then
        [ "${f:-0}" -eq 0 ] && FAIL=$((FAIL + 1))
        FAILED_NAMES="$FAILED_NAMES $name"
    fi
}

run_corpus() {
    CORPUS="$ROOT/../shared/corpus"
    if [ ! -d "$CORPUS" ]; then
        echo "corpus: $CORPUS not present, skipped" >&2
        return
    fi
    sh "$ROOT/tests/corpus.sh" "$CORPUS"
    rc=$?
    if [ $rc -ne 0 ]; then
        fail "corpus"
    else
        pass
    fi
}

# Output a real validator must accept: SARIF against the official schema.
run_sarif() {
    out=$(BUILD="$BUILD" TL="$TL" sh "$ROOT/tests/sarif.sh" 2>&1)
    rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^sarif: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
    f=$(printf '%s\n' "$out" | sed -n 's/^sarif: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
    PASS=$((PASS + ${p:-0}))
    FAIL=$((FAIL + ${f:-0}))
    printf '%s\n' "$out" | grep -E '^(FAIL|  |sarif: skipped)' >&2
    if [ $rc -ne 0 ]; then
        [ "${f:-0}" -eq 0 ] && FAIL=$((FAIL + 1))
        FAILED_NAMES="$FAILED_NAMES sarif"
    fi
}

# Generated documentation is up to date: docs/rules.md is what
# `trainlint rules --format markdown` prints.
run_docs() {
    if [ "${UPDATE:-}" = 1 ]; then
        "$TL" rules --format markdown >"$ROOT/docs/rules.md"
    fi
    if "$TL" rules --format markdown | diff -u "$ROOT/docs/rules.md" - >/tmp/trainlint-docs.$$ 2>&1; then
        pass
    else
        fail "docs/rules.md is out of date (UPDATE=1 sh tests/run.sh docs)"
        head -20 /tmp/trainlint-docs.$$ >&2
    fi
    rm -f /tmp/trainlint-docs.$$
}

# The language server: scripted stdio sessions (tests/lsp.sh, a C driver) and
# neovim as a real client (tests/lsp_e2e.sh; skipped outside CI without nvim).
run_sub() { # name command...
    name=$1
    shift
    out=$("$@" 2>&1)
    rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' | tail -1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' | tail -1)
    PASS=$((PASS + ${p:-0}))
    FAIL=$((FAIL + ${f:-0}))
    if [ $rc -ne 0 ]; then
        printf '%s\n' "$out" | grep -v 'passed, .* failed$' | tail -30 >&2
        [ "${f:-0}" -eq 0 ] && FAIL=$((FAIL + 1))
        FAILED_NAMES="$FAILED_NAMES $name"
    fi
}

run_lsp() {
    run_sub lsp env BUILD="$BUILD" sh "$ROOT/tests/lsp.sh"
    if command -v "${NVIM:-nvim}" >/dev/null 2>&1 || [ -n "${CI:-}" ]; then
        run_sub lsp-neovim env BUILD="$BUILD" sh "$ROOT/tests/lsp_e2e.sh"
    else
        echo "lsp-neovim: skipped (no nvim; apt-get install neovim)" >&2
    fi
}

# make install into a staging directory: the binary, the man page (rendered
# without warnings when groff is there), the bash completion (which must
# complete a GPU name and a rule id).
run_install() {
    dest=$(mktemp -d)
    if ! make -s -C "$ROOT" install BUILD="$BUILD" DESTDIR="$dest" PREFIX=/usr >/dev/null 2>&1; then
        fail "install (make install failed)"
        rm -rf "$dest"
        return
    fi
    ok=1
    for f in usr/bin/trainlint usr/share/man/man1/trainlint.1 \
        usr/share/bash-completion/completions/trainlint; do
        [ -f "$dest/$f" ] || { echo "install: $f missing" >&2; ok=0; }
    done
    "$dest/usr/bin/trainlint" --version | grep -q '^trainlint ' || ok=0
    if command -v groff >/dev/null 2>&1; then
        warn=$(groff -man -Tutf8 -ww -z "$dest/usr/share/man/man1/trainlint.1" 2>&1)
        [ -z "$warn" ] || { echo "install: man page warnings: $warn" >&2; ok=0; }
    fi
    if command -v bash >/dev/null 2>&1; then
        got=$(PATH="$dest/usr/bin:$PATH" bash -c '
            . "$1"
            COMP_WORDS=(trainlint estimate --gpu rtx-409); COMP_CWORD=3; _trainlint
            echo "${COMPREPLY[*]}"
            COMP_WORDS=(trainlint explain yaml-oct); COMP_CWORD=2; _trainlint
            echo "${COMPREPLY[*]}"' _ "$dest/usr/share/bash-completion/completions/trainlint")
        [ "$got" = "rtx-4090
yaml-octal" ] || { echo "install: bash completion gave: $got" >&2; ok=0; }
    fi
    # the pre-commit framework's hooks run their `entry` on the staged files
    for entry in $(sed -n 's/^  entry: //p' "$ROOT/.pre-commit-hooks.yaml" | tr ' ' '@'); do
        cmd=$(printf '%s' "$entry" | tr '@' ' ' | sed "s|^trainlint|$dest/usr/bin/trainlint|")
        w=$(mktemp -d)
        cp "$ROOT/testdata/rules/yaml-bool-word/bad.yaml" "$w/bad.yaml"
        printf 'jobs: {build: {runs-on: x}}\n' >"$w/workflow.yml"
        # shellcheck disable=SC2086
        (cd "$w" && $cmd --isolated -q workflow.yml bad.yaml >/dev/null 2>&1)
        rc=$?
        case "$cmd" in
        *--fix*) grep -q 'save_strategy: "no"' "$w/bad.yaml" || { echo "install: pre-commit fix hook did not fix" >&2; ok=0; } ;;
        *) [ $rc = 1 ] || { echo "install: pre-commit hook '$cmd' exited $rc, expected 1" >&2; ok=0; } ;;
        esac
        # and fails closed: a file it cannot read, or (fix hook) cannot rewrite,
        # exits 2, which the framework reports as a failed hook
        cp "$ROOT/testdata/rules/yaml-bool-word/bad.yaml" "$w/ro.yaml" && chmod 444 "$w/ro.yaml"
        for f in missing.yaml ro.yaml; do
            # shellcheck disable=SC2086
            (cd "$w" && $cmd --isolated -q "$f" >/dev/null 2>&1)
            rc=$?
            want=2
            # the check hook reads a read-only file fine: findings, 1
            [ "$f" = ro.yaml ] && case "$cmd" in *--fix*) ;; *) want=1 ;; esac
            [ $rc = $want ] || { echo "install: pre-commit hook '$cmd' on $f exited $rc, expected $want" >&2; ok=0; }
        done
        rm -rf "$w"
    done
    if [ $ok = 1 ]; then pass; else fail "install"; fi
    rm -rf "$dest"
}

# The README's first command, run as written (tests/readme.sh: apt-get stubbed,
# make and trainlint for real), and its second is `make test`.
run_readme() {
    run_sub readme sh "$ROOT/tests/readme.sh"
}

if [ ! -x "$TL" ]; then
    echo "trainlint binary $TL not found; run make first" >&2
    exit 2
fi
[ $# -eq 0 ] && set -- unit golden rules upstream corpus fixall sarif docs install lsp readme
for part in "$@"; do
    case "$part" in
    unit) run_unit ;;
    golden) run_golden ;;
    rules) run_rules ;;
    upstream) run_counted upstream ;;
    corpus) run_corpus ;;
    fixall) run_counted fixall ;;
    sarif) run_sarif ;;
    docs) run_docs ;;
    install) run_install ;;
    lsp) run_lsp ;;
    readme) run_readme ;;
    *) echo "unknown part: $part" >&2; exit 2 ;;
    esac
done
[ -n "$FAILED_NAMES" ] && echo "failed:$FAILED_NAMES" >&2
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
