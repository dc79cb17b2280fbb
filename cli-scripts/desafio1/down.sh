#!/usr/bin/env bash
# Challenge 1: removes its containers and network (it has no volumes;
# --volumes is accepted for symmetry with the other challenges).
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

main() {
  say "Challenge 1: removing containers and network"
  remove_containers desafio1-poller desafio1-api
  remove_networks desafio1-net
}

main "$@"
