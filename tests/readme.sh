#!/bin/sh
# tests/readme.sh - the README's first two commands work as written.
#
# The first fenced sh block must be one line (what a newcomer copies); it is
# run exactly as written from the repository root, with apt-get replaced by a
# stub that records its arguments (the packages are already installed here)
# and everything else real: make, and the trainlint runs, and the whole line
# must exit 0. It runs twice: as root on a machine without sudo (skipped when
# this machine has a real sudo, which would run the real apt-get), and as a
# user with sudo (a stub sudo that records its use and runs the command).
# The second block must be `make test` (not run: that is this suite).
#
# usage: sh tests/readme.sh          ends with "N passed, N failed"

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PASS=0
FAIL=0
pass() { PASS=$((PASS + 1)); }
fail() {
    FAIL=$((FAIL + 1))
    echo "FAIL: readme: $*" >&2
}

# block N: the body of the README's Nth fenced sh block
block() {
    awk -v want="$1" '
        /^```sh$/ { n++; inside = (n == want); next }
        /^```/ { if (inside) exit; next }
        inside' "$ROOT/README.md"
}

first=$(block 1)
second=$(block 2)
if [ -z "$first" ] || [ "$(printf '%s\n' "$first" | wc -l)" -ne 1 ]; then
    fail "the first sh block is not one line: $first"
    first=""
fi
if [ "$second" = "make test" ]; then pass; else fail "the second sh block is '$second', not 'make test'"; fi

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir "$t/bin" "$t/sudo"
cat >"$t/bin/apt-get" <<EOF
#!/bin/sh
echo "\$(id -u) apt-get \$*" >>"$t/log"
EOF
cat >"$t/sudo/sudo" <<EOF
#!/bin/sh
echo "sudo \$*" >>"$t/log"
exec "\$@"
EOF
chmod +x "$t/bin/apt-get" "$t/sudo/sudo"

# run LABEL PATH: runs the first command with PATH as the search path, in a
# clean environment as a fresh login shell would have it (no make settings
# from the suite's own make)
run() {
    : >"$t/log"
    (cd "$ROOT" && env -u BUILD -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u TL -u TL_WRAP \
        PATH="$2" sh -c "$first") >"$t/out" 2>&1
    rc=$?
    if [ "$rc" != 0 ]; then
        fail "$1: the first command exited $rc"
        tail -20 "$t/out" | sed 's/^/  | /' >&2
        return 1
    fi
    # the examples ran for real: one clean, one with findings
    grep -q '^examples/trl-sft.yaml: ' "$t/out" && grep -q '^examples/axolotl-qlora.yaml:.*error' "$t/out" ||
        { fail "$1: the examples' output is not there"; tail -20 "$t/out" | sed 's/^/  | /' >&2; return 1; }
    return 0
}

if [ -n "$first" ]; then
    if command -v sudo >/dev/null 2>&1; then
        echo "readme: as root without sudo: skipped (this machine has sudo)" >&2
    elif [ "$(id -u)" != 0 ]; then
        echo "readme: as root without sudo: skipped (not root)" >&2
    elif run "as root without sudo" "$t/bin:$PATH"; then
        if grep -q '^0 apt-get update$' "$t/log" && grep -q '^0 apt-get install -y ' "$t/log" &&
            ! grep -q '^sudo' "$t/log"; then
            pass
        else
            fail "as root without sudo: apt-get was not run as expected:"
            sed 's/^/  | /' "$t/log" >&2
        fi
    fi
    if run "with sudo" "$t/sudo:$t/bin:$PATH"; then
        if grep -q '^sudo apt-get update$' "$t/log" && grep -q '^sudo apt-get install -y ' "$t/log"; then
            pass
        else
            fail "with sudo: apt-get was not run through sudo:"
            sed 's/^/  | /' "$t/log" >&2
        fi
    fi
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
