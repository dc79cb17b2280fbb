#!/usr/bin/env bash
# Challenge 5: removes the gateway, orders, every users replica, both
# databases, Prometheus when it runs, and the networks; keeps the volumes
# (desafio5-users-pgdata, desafio5-orders-pgdata, desafio5-prometheus-data) and
# the passwords unless --volumes is given (then they go, together).
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../secrets-lib.sh
source "$CLI_DIR/secrets-lib.sh"
# shellcheck source=../verify-lib.sh
source "$CLI_DIR/verify-lib.sh"
# shellcheck source=observe-lib.sh
source "$CLI_DIR/desafio5/observe-lib.sh"

main() {
  say "Challenge 5: removing containers and networks"
  local replicas
  mapfile -t replicas < <(users_replicas --all)
  prometheus_down
  remove_containers desafio5-gateway desafio5-orders "${replicas[@]}"
  # The databases stop first (a clean shutdown, within docker's 10 s), then go: a forced
  # removal would be a crash, recovered from at the next start.
  local db
  for db in desafio5-users-db desafio5-orders-db; do
    ! running "$db" || dkq stop "$db"
  done
  remove_containers desafio5-users-db desafio5-orders-db
  remove_networks desafio5-edge desafio5-internal desafio5-users-data desafio5-orders-data
  if [[ ${1:-} == --volumes ]]; then
    say "Challenge 5: removing the volumes and their passwords (the data is gone)"
    remove_volumes desafio5-users-pgdata desafio5-orders-pgdata "$PROMETHEUS_VOLUME"
    show rm -rf "$(secrets_dir 5)"
    rm -rf "$(secrets_dir 5)"
  else
    note "volumes desafio5-users-pgdata, desafio5-orders-pgdata, $PROMETHEUS_VOLUME and the passwords kept; down.sh --volumes removes them"
  fi
}

main "$@"
