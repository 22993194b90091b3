#!/usr/bin/env bash
# The Quick start on a fresh, minimal Debian bookworm, as a newcomer meets it.
#
# Makes a minimal Debian (debootstrap --variant=minbase), installs only python3, make
# and git, copies this working tree in, and checks that:
#   1. `make run` without python3-venv stops with one line naming the package, leaving
#      no .venv behind;
#   2. a half-made .venv (what `python3 -m venv` leaves when ensurepip is missing, as the
#      Makefile of earlier versions kept) is noticed and made again once python3-venv is
#      installed, and `printf '/help\n' | make run` then answers /help;
#   3. a second `make run` reuses the .venv as it is.
#
# Needs root, debootstrap and the network (deb.debian.org and PyPI); about 3 minutes.
# Usage: sudo tests/system/fresh_debian.sh [WORK_DIR]
#   KEEP=1             keep WORK_DIR (the Debian tree) afterwards
#   DEBIAN_MIRROR=URL  another Debian mirror
#   EXTRA_CA_BUNDLE=F  a CA bundle the Debian tree should trust for PyPI (a machine
#                      whose traffic goes through a TLS-inspecting proxy needs its CA)
# Exit code 0 when every check holds; each step prints what it saw.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${1:-$(mktemp -d /tmp/coprod-debian.XXXXXX)}
ROOT=$WORK/root
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

say() { printf '== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "needs root (debootstrap and chroot)"
command -v debootstrap >/dev/null || fail "needs debootstrap (apt-get install debootstrap)"

cleanup() {
    for mount in "$ROOT/proc" "$ROOT/dev"; do
        if mountpoint -q "$mount" 2>/dev/null; then umount -l "$mount" || true; fi
    done
    if [ "${KEEP:-}" != 1 ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

say "debootstrap --variant=minbase bookworm $ROOT"
mkdir -p "$ROOT"
debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; fail "debootstrap"; }
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
mount -t proc proc "$ROOT/proc"
mount --bind /dev "$ROOT/dev"

PIP_CERT_ENV=()
if [ -n "${EXTRA_CA_BUNDLE:-}" ]; then
    mkdir -p "$ROOT/etc/ssl/certs"
    cp "$EXTRA_CA_BUNDLE" "$ROOT/etc/ssl/certs/extra-ca.crt"
    PIP_CERT_ENV=(PIP_CERT=/etc/ssl/certs/extra-ca.crt)
fi

# A clean environment inside, as on a fresh machine: nothing of this machine's leaks in.
inside() {
    chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "${PIP_CERT_ENV[@]}" \
        /bin/bash -c "$1"
}

say "apt-get install python3 make git (not python3-venv)"
inside 'apt-get update -qq && apt-get install -y -qq python3 make git' >"$WORK/apt.log" 2>&1 \
    || { tail -20 "$WORK/apt.log" >&2; fail "apt-get install python3 make git"; }
inside 'python3 --version'

say "copy the working tree in (its files, less what .gitignore leaves out)"
mkdir -p "$ROOT/root/coprod"
git -C "$REPO" ls-files -z --cached --others --exclude-standard \
    | tar -C "$REPO" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$ROOT/root/coprod" -xf -

say "1. make run without python3-venv"
set +e
inside "cd /root/coprod && printf '/help\n' | make run" >"$WORK/1.out" 2>"$WORK/1.err"
code=$?
set -e
cat "$WORK/1.err"
[ "$code" != 0 ] || fail "make run succeeded without python3-venv"
grep -q "sudo apt install python3-venv" "$WORK/1.err" || fail "no line naming python3-venv"
[ "$(grep -vc '^make: \*\*\*' "$WORK/1.err")" = 1 ] || fail "more than one line besides make's own"
[ ! -e "$ROOT/root/coprod/.venv" ] || fail ".venv was left behind"

say "2. a half-made .venv, then apt-get install python3-venv, then make run"
inside 'cd /root/coprod && python3 -m venv .venv >/dev/null 2>&1; test -x .venv/bin/python && ! .venv/bin/python -c "import pip" 2>/dev/null' \
    || fail "could not make a half-made .venv to start from"
inside 'apt-get install -y -qq python3-venv' >>"$WORK/apt.log" 2>&1 \
    || { tail -20 "$WORK/apt.log" >&2; fail "apt-get install python3-venv"; }
set +e
inside "cd /root/coprod && printf '/help\n' | make run" >"$WORK/2.out" 2>"$WORK/2.err"
code=$?
set -e
cat "$WORK/2.err"
[ "$code" = 0 ] || { tail -20 "$WORK/2.out"; fail "make run after installing python3-venv (exit $code)"; }
grep -q "making it again" "$WORK/2.err" || fail "the half-made .venv was not noticed"
grep -q "Here is what you can do" "$WORK/2.out" || fail "/help was not answered"
head -5 "$WORK/2.out"

say "3. make run again"
inside "cd /root/coprod && printf '/help\n' | make run" >"$WORK/3.out" 2>"$WORK/3.err"
cat "$WORK/3.err"
if grep -q "Setting up\|making it again" "$WORK/3.err"; then fail ".venv was set up again"; fi
grep -q "Here is what you can do" "$WORK/3.out" || fail "/help was not answered the second time"

say "PASS: the Quick start survives a first failure on a fresh Debian bookworm"
