#!/usr/bin/env bash
# Builds desafios/airgap-registry:2, a stand-in for registry:2 when no image
# registry is reachable: Debian bookworm's docker-registry (Distribution
# 2.8.2) behind the official image's contract: `registry serve
# /etc/docker/registry/config.yml` by its entrypoint (files/registry), port
# 5000, data in the volume /var/lib/registry. What differs from the official
# image: Debian instead of Alpine, the binary is /usr/bin/docker-registry
# (linked as registry), and it runs as docker-registry 999:999 where the
# official one runs as root. Debian's own config (data in
# /var/lib/docker-registry, an htpasswd path that is a directory) is replaced
# by the official one. busybox gives the health check its wget, as Alpine's
# does. Leaves the image behind, skipping the build when it is up to date.
set -Eeuo pipefail

# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=airgap-lib.sh
source "$CLI_DIR/airgap/airgap-lib.sh"
# shellcheck source=image-lib.sh
source "$CLI_DIR/airgap/image-lib.sh"
# shellcheck source=rootfs-lib.sh
source "$CLI_DIR/airgap/rootfs-lib.sh"

REGISTRY_AIRGAP_IMAGE=desafios/airgap-registry:2
REGISTRY_PACKAGES=(docker-registry busybox ca-certificates)

registry_build() {
  local image=$2 hash=$3 root=$1/root files=$AIRGAP_DIR/files/registry
  airgap_rootfs "$root"
  airgap_add_user "$root" docker-registry 999 /var/lib/registry
  airgap_apt_install "$root" "${REGISTRY_PACKAGES[@]}"
  rm -rf "$root/var/lib/docker-registry" "$root/etc/init.d/docker-registry" "$root/lib/systemd/system/docker-registry.service"
  ln -s docker-registry "$root/usr/bin/registry"
  ln -s /bin/busybox "$root/usr/local/bin/wget"
  install -m 0644 "$files/config.yml" "$root/etc/docker/registry/config.yml"
  install -m 0755 "$files/entrypoint.sh" "$root/entrypoint.sh"
  install -d -o 999 -g 999 -m 0755 "$root/var/lib/registry"
  airgap_shrink "$root"
  airgap_import "$root" "$image" "$hash" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'USER 999:999' 'VOLUME /var/lib/registry' 'EXPOSE 5000' \
    'ENTRYPOINT ["/entrypoint.sh"]' 'CMD ["/etc/docker/registry/config.yml"]'
}

main() {
  airgap_require apt-get debootstrap chroot docker
  airgap_lock
  local hash
  hash=$(airgap_hash "$(airgap_pkg_versions --deps "${REGISTRY_PACKAGES[@]}")" "${BASH_SOURCE[0]}" \
    "$AIRGAP_DIR"/files/registry/*)
  airgap_build "$REGISTRY_AIRGAP_IMAGE" "$hash" registry_build
}

main "$@"
