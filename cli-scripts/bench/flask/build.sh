#!/usr/bin/env bash
# Builds desafios/bench-flask:1, the seed's own stack as a benchmark
# comparator: app.py (the users service, GET /users/<id>) on Flask's own
# server (werkzeug, app.run on 0.0.0.0:8080), from Debian bookworm's
# python3-flask, as nobody (65534). Built like the air-gapped images
# (cli-scripts/airgap's helpers, no registry) and labelled with what it was
# built from: skipped when that has not changed. Needs root, docker, apt and
# debootstrap. Leaves the image behind and a Debian minbase cached under
# ${STATE_DIR}/airgap.
set -Eeuo pipefail

# shellcheck source=../../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../lib.sh"
# shellcheck source=../../airgap/airgap-lib.sh
source "$CLI_DIR/airgap/airgap-lib.sh"
# shellcheck source=../../airgap/image-lib.sh
source "$CLI_DIR/airgap/image-lib.sh"
# shellcheck source=../../airgap/rootfs-lib.sh
source "$CLI_DIR/airgap/rootfs-lib.sh"

FLASK_IMAGE=desafios/bench-flask:1
FLASK_DIR="$CLI_DIR/bench/flask"
FLASK_PACKAGES=(python3-flask)

flask_build() {
  local image=$2 hash=$3 root=$1/root
  airgap_rootfs "$root"
  airgap_apt_install "$root" "${FLASK_PACKAGES[@]}"
  install -D -m 0644 "$FLASK_DIR/app.py" "$root/app/app.py"
  airgap_shrink "$root"
  # The root file system is read-only: Python writes no bytecode (Debian's
  # packages bring theirs, compiled at install) and its output is unbuffered.
  # SIGINT stops werkzeug at once; Python as pid 1 ignores SIGTERM.
  airgap_import "$root" "$image" "$hash" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV PYTHONDONTWRITEBYTECODE=1' 'ENV PYTHONUNBUFFERED=1' \
    'WORKDIR /app' 'USER 65534:65534' 'CMD ["python3","/app/app.py"]' \
    'STOPSIGNAL SIGINT' 'EXPOSE 8080'
}

main() {
  airgap_require apt-get debootstrap chroot docker
  airgap_lock
  local hash
  hash=$(airgap_hash "$(airgap_pkg_versions --deps "${FLASK_PACKAGES[@]}")" "${BASH_SOURCE[0]}" \
    "$FLASK_DIR/app.py")
  airgap_build "$FLASK_IMAGE" "$hash" flask_build
}

main "$@"
