#!/usr/bin/env bash
# Make the base image the Containerfile starts from, debian:bookworm-slim, on a machine
# that can reach Debian's packages but no registry of container images.
#
# debootstrap --variant=minbase makes a minimal Debian bookworm in a folder, trimmed as
# the official slim image is (no manuals, documentation or translations, no apt caches),
# and buildah commits it under the name the Containerfile uses, so `FROM` finds it in
# local storage and nothing is pulled. Where a registry is reachable this script is not
# needed: buildah, podman and docker pull the official image by the same name.
#
# Needs root, debootstrap and buildah; about 2 minutes.
# Usage: sudo deploy/debian-base.sh [IMAGE]
#   IMAGE           the name to commit (default docker.io/library/debian:bookworm-slim)
#   BUILDAH=CMD     buildah with its storage flags (default: buildah)
#   DEBIAN_MIRROR   another Debian mirror (default http://deb.debian.org/debian)
set -euo pipefail

IMAGE=${1:-docker.io/library/debian:bookworm-slim}
read -r -a BUILDAH_CMD <<<"${BUILDAH:-buildah}"
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

fail() { printf 'deploy/debian-base.sh: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (debootstrap); run it with sudo"
command -v debootstrap >/dev/null || fail "needs debootstrap: apt-get install debootstrap"
command -v "${BUILDAH_CMD[0]}" >/dev/null || fail "needs buildah: apt-get install buildah"

WORK=$(mktemp -d /var/tmp/coprod-base.XXXXXX)
ctr=""
cleanup() {
    if [ -n "$ctr" ]; then "${BUILDAH_CMD[@]}" rm "$ctr" >/dev/null 2>&1 || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
ROOT=$WORK/root

echo "Making a minimal Debian bookworm with debootstrap (about 2 minutes)..." >&2
timeout 900 debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$WORK/log" 2>&1 \
    || { tail -20 "$WORK/log" >&2; fail "debootstrap failed (log above)"; }

# As the official slim image: later installs leave out manuals, docs (but the copyright
# files) and translations, and apt keeps no downloaded packages or lists.
cat >"$ROOT/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
cat >"$ROOT/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
cat >"$ROOT/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
find "$ROOT/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$ROOT/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* "$ROOT"/usr/share/locale/* \
    "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/log/*.log \
    "$ROOT"/var/cache/debconf/*-old "$ROOT"/etc/resolv.conf "$ROOT"/etc/hostname
: >"$ROOT/etc/machine-id"

ctr=$("${BUILDAH_CMD[@]}" from scratch)
"${BUILDAH_CMD[@]}" copy "$ctr" "$ROOT" / >/dev/null
"${BUILDAH_CMD[@]}" config --cmd '["bash"]' \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --label "org.opencontainers.image.description=Debian bookworm minbase made by debootstrap (deploy/debian-base.sh)" \
    "$ctr"
"${BUILDAH_CMD[@]}" commit --rm --quiet "$ctr" "$IMAGE" >/dev/null
ctr=""
echo "Made $IMAGE." >&2
