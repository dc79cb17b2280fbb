#!/usr/bin/env bash
# Builds desafios/airgap-postgres:15, a stand-in for postgres:15-bookworm when
# no registry is reachable: Debian bookworm's PostgreSQL 15, user postgres
# 999:999, the official image's entrypoint contract (files/postgres), data in
# /var/lib/postgresql/data, locale en_US.utf8 so that a volume moves between
# this image and the official one. Leaves the image behind, skipping the build
# when it is up to date; caches a Debian minbase under ${STATE_DIR}/airgap.
set -Eeuo pipefail

# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=airgap-lib.sh
source "$CLI_DIR/airgap/airgap-lib.sh"
# shellcheck source=image-lib.sh
source "$CLI_DIR/airgap/image-lib.sh"
# shellcheck source=rootfs-lib.sh
source "$CLI_DIR/airgap/rootfs-lib.sh"

PG_IMAGE=desafios/airgap-postgres:15
PG_PACKAGES=(postgresql-15 locales)

pg_build() {
  local image=$2 hash=$3 root=$1/root
  airgap_rootfs "$root"
  airgap_add_user "$root" postgres 999 /var/lib/postgresql /bin/bash
  # As in the official image: no cluster of Debian's own, listen on every address.
  mkdir -p "$root/etc/postgresql-common/createcluster.d"
  echo 'create_main_cluster = false' >"$root/etc/postgresql-common/createcluster.d/docker.conf"
  airgap_apt_install "$root" "${PG_PACKAGES[@]}"
  sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" \
    "$root/usr/share/postgresql/15/postgresql.conf.sample"
  airgap_chroot "$root" localedef -i en_US -c -f UTF-8 en_US.UTF-8
  # JIT (LLVM, 150 MB) pays off only for long analytical queries; without its
  # library PostgreSQL simply runs without JIT.
  rm -rf "$root"/usr/lib/postgresql/15/lib/{llvmjit.so,llvmjit_types.bc,bitcode}
  airgap_logged "$root.apt.log" airgap_chroot "$root" dpkg --purge --force-depends libllvm14 libz3-4
  rm -rf "$root/usr/share/i18n"
  install -d -o 999 -g 999 -m 0755 "$root/var/lib/postgresql" "$root/docker-entrypoint-initdb.d"
  install -d -o 999 -g 999 -m 0700 "$root/var/lib/postgresql/data"
  install -d -o 999 -g 999 -m 3777 "$root/run/postgresql"
  install -m 0755 "$AIRGAP_DIR/files/postgres/docker-entrypoint.sh" "$root/usr/local/bin/"
  airgap_shrink "$root"
  airgap_import "$root" "$image" "$hash" \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/lib/postgresql/15/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    'ENV PG_MAJOR=15' 'ENV LANG=en_US.utf8' 'ENV PGDATA=/var/lib/postgresql/data' \
    'VOLUME /var/lib/postgresql/data' 'ENTRYPOINT ["docker-entrypoint.sh"]' 'CMD ["postgres"]' \
    'STOPSIGNAL SIGINT' 'EXPOSE 5432'
}

main() {
  airgap_require apt-get debootstrap chroot docker
  airgap_lock
  local hash
  hash=$(airgap_hash "$(airgap_pkg_versions --deps "${PG_PACKAGES[@]}")" "${BASH_SOURCE[0]}" \
    "$AIRGAP_DIR"/files/postgres/*)
  airgap_build "$PG_IMAGE" "$hash" pg_build
}

main "$@"
