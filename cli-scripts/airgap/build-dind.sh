#!/usr/bin/env bash
# Builds desafios/airgap-dind:20, a stand-in for docker:dind when no registry
# is reachable: Debian bookworm's docker.io (Engine 20.10, containerd, runc),
# iptables and iproute2 for its networks, ca-certificates, VOLUME
# /var/lib/docker and the official image's entrypoint contract
# (files/dind). It is the image of the cluster's nodes (cli-scripts/cluster).
# Leaves the image behind, skipping the build when it is up to date; caches a
# Debian minbase under ${STATE_DIR}/airgap.
set -Eeuo pipefail

# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=airgap-lib.sh
source "$CLI_DIR/airgap/airgap-lib.sh"
# shellcheck source=image-lib.sh
source "$CLI_DIR/airgap/image-lib.sh"
# shellcheck source=rootfs-lib.sh
source "$CLI_DIR/airgap/rootfs-lib.sh"

DIND_IMAGE=desafios/airgap-dind:20
# xz-utils unpacks some image layers; kmod lets dockerd ask for modules (the
# host's, mounted read-only); iproute2 gives `ip` and `ss` to look inside.
DIND_PACKAGES=(docker.io iptables iproute2 ca-certificates xz-utils kmod)

dind_build() {
  local image=$2 hash=$3 root=$1/root
  airgap_rootfs "$root"
  airgap_apt_install "$root" "${DIND_PACKAGES[@]}"
  install -m 0755 "$AIRGAP_DIR/files/dind/dockerd-entrypoint.sh" "$root/usr/local/bin/"
  install -d -m 0700 "$root/var/lib/docker"
  airgap_shrink "$root"
  airgap_import "$root" "$image" "$hash" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'VOLUME /var/lib/docker' 'ENTRYPOINT ["dockerd-entrypoint.sh"]' 'CMD []'
}

main() {
  airgap_require apt-get debootstrap chroot docker
  airgap_lock
  local hash
  hash=$(airgap_hash "$(airgap_pkg_versions --deps "${DIND_PACKAGES[@]}")" "${BASH_SOURCE[0]}" \
    "$AIRGAP_DIR"/files/dind/*)
  airgap_build "$DIND_IMAGE" "$hash" dind_build
}

main "$@"
