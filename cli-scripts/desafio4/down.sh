#!/usr/bin/env bash
# Challenge 4: removes its containers and network (it has no volumes;
# --volumes is accepted for symmetry with the other challenges).
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

main() {
  say "Challenge 4: removing containers and network"
  remove_containers desafio4-orders desafio4-users desafio4-orders-copy desafio4-users-copy
  remove_networks desafio4-net desafio4-verify-net
}

main "$@"
