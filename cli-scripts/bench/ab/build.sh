#!/usr/bin/env bash
# Builds desafios/bench-ab:1, a load client for the benchmarks that run it
# beside the service it loads: ApacheBench (ab) from Debian bookworm's
# apache2-utils, as nobody (65534), idle until ab is run in it with docker
# exec. Built like the air-gapped images (cli-scripts/airgap's helpers, no
# registry) and labelled with what it was built from: skipped when that has
# not changed. Needs root, docker, apt and debootstrap. Leaves the image
# behind and a Debian minbase cached under ${STATE_DIR}/airgap.
set -Eeuo pipefail

# shellcheck source=../../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../lib.sh"
# shellcheck source=../../airgap/airgap-lib.sh
source "$CLI_DIR/airgap/airgap-lib.sh"
# shellcheck source=../../airgap/image-lib.sh
source "$CLI_DIR/airgap/image-lib.sh"
# shellcheck source=../../airgap/rootfs-lib.sh
source "$CLI_DIR/airgap/rootfs-lib.sh"

AB_IMAGE=desafios/bench-ab:1
AB_PACKAGES=(apache2-utils)

ab_build() {
  local image=$2 hash=$3 root=$1/root
  airgap_rootfs "$root"
  airgap_apt_install "$root" "${AB_PACKAGES[@]}"
  airgap_shrink "$root"
  # sleep as pid 1 exits on SIGTERM at once.
  airgap_import "$root" "$image" "$hash" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'USER 65534:65534' 'CMD ["sleep","infinity"]'
}

main() {
  airgap_require apt-get debootstrap chroot docker
  airgap_lock
  local hash
  hash=$(airgap_hash "$(airgap_pkg_versions --deps "${AB_PACKAGES[@]}")" "${BASH_SOURCE[0]}")
  airgap_build "$AB_IMAGE" "$hash" ab_build
}

main "$@"
