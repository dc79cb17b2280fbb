#!/usr/bin/env bash
# Builds desafios/airgap-nginx:1, a stand-in for nginx:1-bookworm when no
# registry is reachable: Debian bookworm's nginx-light in the foreground, the
# official image's nginx.conf (conf.d/*.conf included, logs to stdout and
# stderr) and default server on port 80 (files/nginx). Leaves the image
# behind, skipping the build when it is up to date; caches a Debian minbase
# under ${STATE_DIR}/airgap.
set -Eeuo pipefail

# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=airgap-lib.sh
source "$CLI_DIR/airgap/airgap-lib.sh"
# shellcheck source=image-lib.sh
source "$CLI_DIR/airgap/image-lib.sh"
# shellcheck source=rootfs-lib.sh
source "$CLI_DIR/airgap/rootfs-lib.sh"

NGINX_IMAGE=desafios/airgap-nginx:1
NGINX_PACKAGES=(nginx-light)

nginx_build() {
  local image=$2 hash=$3 root=$1/root dir
  airgap_rootfs "$root"
  airgap_apt_install "$root" "${NGINX_PACKAGES[@]}"
  rm -rf "$root"/etc/nginx/sites-* "$root"/var/www
  install -m 0644 "$AIRGAP_DIR/files/nginx/nginx.conf" "$root/etc/nginx/nginx.conf"
  install -D -m 0644 "$AIRGAP_DIR/files/nginx/default.conf" "$root/etc/nginx/conf.d/default.conf"
  ln -sf /dev/stdout "$root/var/log/nginx/access.log"
  ln -sf /dev/stderr "$root/var/log/nginx/error.log"
  # Made here (33 is www-data), so that nginx started as root need not write them.
  for dir in body proxy fastcgi uwsgi scgi; do
    install -d -o 33 -g 33 -m 0700 "$root/var/lib/nginx/$dir"
  done
  airgap_shrink "$root"
  airgap_import "$root" "$image" "$hash" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'CMD ["nginx","-g","daemon off;"]' 'STOPSIGNAL SIGQUIT' 'EXPOSE 80'
}

main() {
  airgap_require apt-get debootstrap chroot docker
  airgap_lock
  local hash
  hash=$(airgap_hash "$(airgap_pkg_versions --deps "${NGINX_PACKAGES[@]}")" "${BASH_SOURCE[0]}" \
    "$AIRGAP_DIR"/files/nginx/*)
  airgap_build "$NGINX_IMAGE" "$hash" nginx_build
}

main "$@"
