#!/usr/bin/env bash
# Challenge 5: removes the gateway, orders, every users replica and both
# networks (it has no volumes; --volumes is accepted for symmetry).
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

main() {
  say "Challenge 5: removing containers and networks"
  local replicas
  replicas=$(docker ps --all --format '{{.Names}}' --filter label=desafios.challenge=5 | grep '^desafio5-users' || true)
  # shellcheck disable=SC2086 # one name per replica
  remove_containers desafio5-gateway desafio5-orders $replicas
  remove_networks desafio5-edge desafio5-internal
}

main "$@"
