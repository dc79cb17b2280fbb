#!/usr/bin/env bash
# Builds the air-gapped images that are missing or stale (their sources, JDK
# or Debian packages changed): desafios/airgap-jre:25, airgap-postgres:15,
# airgap-redis:7 and airgap-nginx:1, or only those named (jre postgres redis
# nginx; and dind, the cluster's node, when named). Needs root, docker, apt and
# debootstrap, and no image registry.
# Leaves the images and a cached Debian minbase under ${STATE_DIR}/airgap.
set -Eeuo pipefail

# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=airgap-lib.sh
source "$CLI_DIR/airgap/airgap-lib.sh"

main() {
  timed "Air-gapped images" airgap_build_all "$@"
}

main "$@"
