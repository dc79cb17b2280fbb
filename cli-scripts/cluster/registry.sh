#!/usr/bin/env bash
# The cluster's image registry, on its own (cluster/up.sh calls the same
# functions):
#   registry.sh up                 starts desafios-registry:5000 (TLS, htpasswd),
#                                  makes the host trust it and log in; idempotent
#   registry.sh push [module...]   builds the service images, has Jib push them
#                                  (jib:build) and the engine push the base
#                                  images; records every digest
#   registry.sh rolled-users       pushes svc-users again with a label naming
#                                  the time (a new digest) and prints its
#                                  reference, for a rolling update
#   registry.sh down [--volumes]   removes what up made; --volumes also the
#                                  images pushed, the CA, the password, the digests
# What it leaves behind is listed in registry-lib.sh's header.
set -Eeuo pipefail

# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=cluster-lib.sh
source "$CLI_DIR/cluster/cluster-lib.sh"
# shellcheck source=registry-lib.sh
source "$CLI_DIR/cluster/registry-lib.sh"

main() {
  local command=${1:-}
  (($#)) && shift
  case $command in
    up) setup_engine && timed "Starting the registry" registry_up ;;
    push) setup_all && registry_push_all "$@" ;;
    rolled-users) setup_all >&2 && registry_push_rolled_users ;;
    down) setup_engine && registry_down "$@" ;;
    *) die "usage: registry.sh up | push [module...] | rolled-users | down [--volumes]" ;;
  esac
}

main "$@"
