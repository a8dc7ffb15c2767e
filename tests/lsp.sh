#!/bin/sh
# tests/lsp.sh - scripted stdio sessions with the language server: each
# tests/lsp/*.session is run by the driver (tests/lsp/driver.c, built as
# $BUILD/tests/lsp_driver) against `trainlint lsp`, in a scratch folder of
# fixtures. A line "# args: ..." in a session adds arguments to the server.
#
# usage: sh tests/lsp.sh [NAME...]     (default: every session)
# env:   BUILD=build   LSP_WRAP="valgrind ..." (runs the server under a wrapper)
#        LSP_TIMEOUT=10 (seconds per wait)   LSP_VERBOSE=1 (print matched messages)
# Ends with the line "N passed, N failed"; exits non-zero on any failure.

set -u
LC_ALL=C
export LC_ALL
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
TL="$BUILD/trainlint"
DRIVER="$BUILD/tests/lsp_driver"
LSP_WRAP=${LSP_WRAP:-}
for f in "$TL" "$DRIVER"; do
    if [ ! -x "$f" ]; then
        echo "tests/lsp.sh: $f is missing (run: make BUILD=... lsp-script)" >&2
        exit 2
    fi
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
# the fixtures; the .trainlint.yaml files make the folders independent of
# whatever settings file lies above the scratch folder
mkdir -p "$WORK/plain" "$WORK/project" "$WORK/dir with spaces é"
printf 'rules: {}\n' >"$WORK/plain/.trainlint.yaml"
cp "$ROOT/tests/lsp/axolotl.yaml" "$ROOT/tests/lsp/related.yaml" "$ROOT/tests/lsp/utf16.yaml" \
    "$WORK/plain/"
sed 's/^save_strategy: no /save_strategy: "no"/' "$ROOT/tests/lsp/axolotl.yaml" \
    >"$WORK/plain/axolotl-fixed.yaml"
cp "$ROOT/testdata/fit-advice/train.yaml" "$WORK/project/train.yaml"
printf 'gpu: a100-sxm4-40gb\nrules:\n  logits-dominate-memory: off\n' >"$WORK/project/.trainlint.yaml"
printf 'rules: {}\n' >"$WORK/dir with spaces é/.trainlint.yaml"
cp "$ROOT/tests/lsp/utf16.yaml" "$WORK/dir with spaces é/utf16.yaml"
printf 'this: [is not closed\n' >"$WORK/plain/broken.yaml"
# referenced files: one through a symlink out of the project, one that is not JSON
mkdir -p "$WORK/refs"
printf 'rules: {}\n' >"$WORK/refs/.trainlint.yaml"
printf 'SECRET-MARKER-lsp root:x:0:0\n' >"$WORK/secret.json"
ln -s "$WORK/secret.json" "$WORK/refs/ds_link.json"
printf 'NOTES-MARKER-lsp this is prose\n' >"$WORK/refs/notes.json"
printf 'base_model: meta-llama/Llama-3.2-1B\nmicro_batch_size: 2\ngradient_accumulation_steps: 4\ndatasets:\n  - path: tatsu-lab/alpaca\n    type: alpaca\ndeepspeed: ds_link.json\n' >"$WORK/refs/link.yaml"
sed 's/ds_link.json/notes.json/' "$WORK/refs/link.yaml" >"$WORK/refs/notes.yaml"
cp "$ROOT/testdata/fixproof-rename-duplicate/config.yaml" "$WORK/plain/duplicate.yaml"
cp "$ROOT/testdata/rules/fsdp-activation-checkpointing-twice/bad.yaml" "$WORK/plain/fsdp-twice.yaml"

DIR="$WORK"
U="file://$WORK"
# the CLI's range of the finding in utf16.yaml: the server must give the same
UTF16_RANGE=$("$TL" -f json "$WORK/plain/utf16.yaml" |
    sed -n 's/.*\("range":{"start":{[^}]*},"end":{[^}]*}}\),"severity":"error","code":"yaml-bool-word".*/\1/p')
export DIR U UTF16_RANGE

PASS=0
FAIL=0
if [ $# -gt 0 ]; then
    SESSIONS=""
    for n in "$@"; do SESSIONS="$SESSIONS $ROOT/tests/lsp/$n.session"; done
else
    SESSIONS=$(ls "$ROOT"/tests/lsp/*.session)
fi
for s in $SESSIONS; do
    name=$(basename "$s" .session)
    args=$(sed -n 's/^# args: //p' "$s")
    # shellcheck disable=SC2086 # LSP_WRAP and args are word lists
    if (cd "$WORK" && "$DRIVER" "$s" -- $LSP_WRAP "$TL" lsp $args) 2>"$WORK/$name.err"; then
        PASS=$((PASS + 1))
    else
        FAIL=$((FAIL + 1))
        echo "FAIL: lsp/$name" >&2
        sed 's/^/  | /' "$WORK/$name.err" >&2
    fi
done
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
