#!/usr/bin/env bash
# Builds desafios/airgap-redis:7, a stand-in for redis:7-bookworm when no
# registry is reachable: Debian bookworm's redis-server 7, user redis 999:999,
# WORKDIR and VOLUME /data, the official image's entrypoint (files/redis).
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

REDIS_IMAGE=desafios/airgap-redis:7
REDIS_PACKAGES=(redis-server redis-tools)

redis_build() {
  local image=$2 hash=$3 root=$1/root
  airgap_rootfs "$root"
  airgap_add_user "$root" redis 999 /var/lib/redis
  airgap_apt_install "$root" "${REDIS_PACKAGES[@]}"
  install -d -o 999 -g 999 -m 0755 "$root/data"
  install -d -m 0755 "$root/usr/local/etc/redis"
  install -m 0755 "$AIRGAP_DIR/files/redis/docker-entrypoint.sh" "$root/usr/local/bin/"
  airgap_shrink "$root"
  airgap_import "$root" "$image" "$hash" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'VOLUME /data' 'WORKDIR /data' 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["redis-server"]' \
    'EXPOSE 6379'
}

main() {
  airgap_require apt-get debootstrap chroot docker
  airgap_lock
  local hash
  hash=$(airgap_hash "$(airgap_pkg_versions --deps "${REDIS_PACKAGES[@]}")" "${BASH_SOURCE[0]}" \
    "$AIRGAP_DIR"/files/redis/*)
  airgap_build "$REDIS_IMAGE" "$hash" redis_build
}

main "$@"
