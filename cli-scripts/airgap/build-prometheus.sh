#!/usr/bin/env bash
# Builds desafios/airgap-prometheus:2, a stand-in for prom/prometheus when no
# image registry is reachable: Debian bookworm's prometheus (2.42) behind the
# official image's contract: `prometheus --config.file=/etc/prometheus/prometheus.yml
# --storage.tsdb.path=/prometheus`, port 9090, data in the volume /prometheus,
# user nobody 65534. Debian's build serves the classic UI from
# /usr/share/prometheus/web, whose scripts and styles are the libjs-* packages
# it depends on (apt installs them). busybox gives the health check its wget,
# as the official busybox-based image has. Leaves the image behind, skipping
# the build when it is up to date.
set -Eeuo pipefail

# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=airgap-lib.sh
source "$CLI_DIR/airgap/airgap-lib.sh"
# shellcheck source=image-lib.sh
source "$CLI_DIR/airgap/image-lib.sh"
# shellcheck source=rootfs-lib.sh
source "$CLI_DIR/airgap/rootfs-lib.sh"

PROMETHEUS_AIRGAP_IMAGE=desafios/airgap-prometheus:2
PROMETHEUS_PACKAGES=(prometheus busybox)

prometheus_build() {
  local image=$2 hash=$3 root=$1/root
  airgap_rootfs "$root"
  airgap_apt_install "$root" "${PROMETHEUS_PACKAGES[@]}"
  # Debian's service files and data directory are not the official image's.
  rm -rf "$root/etc/init.d/prometheus" "$root/lib/systemd/system/prometheus.service" "$root/var/lib/prometheus"
  ln -s /usr/bin/prometheus "$root/bin/prometheus"
  ln -s /bin/busybox "$root/usr/local/bin/wget"
  install -m 0644 "$AIRGAP_DIR/files/prometheus/prometheus.yml" "$root/etc/prometheus/prometheus.yml"
  install -d -o 65534 -g 65534 -m 0755 "$root/prometheus"
  airgap_shrink "$root"
  airgap_import "$root" "$image" "$hash" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'USER 65534:65534' 'VOLUME /prometheus' 'WORKDIR /prometheus' 'EXPOSE 9090' \
    'ENTRYPOINT ["/bin/prometheus"]' \
    'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]'
}

main() {
  airgap_require apt-get debootstrap chroot docker
  airgap_lock
  local hash
  hash=$(airgap_hash "$(airgap_pkg_versions --deps "${PROMETHEUS_PACKAGES[@]}")" "${BASH_SOURCE[0]}" \
    "$AIRGAP_DIR"/files/prometheus/*)
  airgap_build "$PROMETHEUS_AIRGAP_IMAGE" "$hash" prometheus_build
}

main "$@"
