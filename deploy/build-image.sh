#!/usr/bin/env bash
# Build the coprod-bot image with buildah (what `make image` runs).
#
# The base image, debian:bookworm-slim, is used from local storage when it is there,
# pulled when a registry answers, and otherwise made with debootstrap
# (deploy/debian-base.sh; root only). A CA bundle for a TLS-inspecting proxy in front of
# PyPI is passed to the build as a secret, never stored in the image.
#
# Usage: deploy/build-image.sh [IMAGE]      (default IMAGE: localhost/coprod-bot:latest)
#   BUILDAH=CMD         buildah with its storage flags, e.g. "buildah --storage-driver vfs"
#   BUILDAH_ISOLATION   how RUN steps are isolated (default here: chroot, which needs no
#                       user namespaces and works inside another container)
#   BASE_IMAGE          another base image with Debian's Python 3.11 (bookworm)
#   BUILD_CA_BUNDLE     the CA bundle pip should trust (default: $PIP_CERT, else the
#                       system bundle /etc/ssl/certs/ca-certificates.crt when present)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
IMAGE=${1:-localhost/coprod-bot:latest}
BASE=${BASE_IMAGE:-docker.io/library/debian:bookworm-slim}
read -r -a BUILDAH_CMD <<<"${BUILDAH:-buildah}"
export BUILDAH_ISOLATION=${BUILDAH_ISOLATION:-chroot}

fail() { printf 'make image: %s\n' "$*" >&2; exit 1; }
command -v "${BUILDAH_CMD[0]}" >/dev/null \
    || fail "buildah is not installed (Debian and Ubuntu: sudo apt install buildah). With docker or podman instead: docker build -f Containerfile -t coprod-bot ."
[ -f "$REPO/requirements.lock" ] || fail "requirements.lock is missing; make it with: make lock"

if ! "${BUILDAH_CMD[@]}" inspect --type image "$BASE" >/dev/null 2>&1; then
    echo "The base image $BASE is not here; pulling it..." >&2
    if ! timeout 600 "${BUILDAH_CMD[@]}" pull --quiet "$BASE" >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v debootstrap >/dev/null; then
            echo "No registry answered; making $BASE from Debian's packages instead." >&2
            BUILDAH="${BUILDAH_CMD[*]}" "$HERE/debian-base.sh" "$BASE"
        else
            fail "cannot pull $BASE and cannot make it here (that needs root and debootstrap: sudo apt install debootstrap, then sudo deploy/debian-base.sh)"
        fi
    fi
fi

secret=()
ca=${BUILD_CA_BUNDLE:-${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}}
if [ -f "$ca" ]; then secret=(--secret "id=pip_cert,src=$ca"); fi

# --format docker keeps HEALTHCHECK, which the OCI image format has no field for.
timeout 1800 "${BUILDAH_CMD[@]}" bud --quiet --format docker --pull=never --layers \
    --build-arg "BASE_IMAGE=$BASE" "${secret[@]}" \
    -f "$REPO/Containerfile" -t "$IMAGE" "$REPO" >/dev/null
echo "Built $IMAGE." >&2
