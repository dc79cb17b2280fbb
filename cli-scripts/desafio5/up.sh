#!/usr/bin/env bash
# Challenge 5: users and orders on the internal network desafio5-internal
# (created --internal: no route out, nothing published); the gateway on it and
# on desafio5-edge, published on $BIND_ADDRESS:$D5_PORT, is the only way in.
# USERS_REPLICAS=N starts N users containers under the one alias users.
# Idempotent. Leaves both networks and the containers running.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
CHALLENGE=5
USERS_REPLICAS=${USERS_REPLICAS:-1}

# desafio5-users, desafio5-users-2, ... desafio5-users-N.
users_name() { if (($1 == 1)); then echo desafio5-users; else echo "desafio5-users-$1"; fi; }

main() {
  [[ $USERS_REPLICAS =~ ^[1-9]$ ]] || die "USERS_REPLICAS=$USERS_REPLICAS: expected 1 to 9"
  setup_all
  ensure_images svc-users svc-orders svc-gateway
  say "Challenge 5: users ($USERS_REPLICAS) and orders behind the gateway"
  port_free "$D5_PORT" D5_PORT desafio5-gateway
  ensure_network desafio5-edge
  ensure_network desafio5-internal --internal
  local i names=()
  for ((i = 1; i <= USERS_REPLICAS; i++)); do
    names+=("$(users_name "$i")")
    run_service "$(users_name "$i")" "$IMAGE_PREFIX/svc-users" --network desafio5-internal --network-alias users
  done
  # Replicas beyond USERS_REPLICAS from an earlier run are removed.
  for ((i = USERS_REPLICAS + 1; i <= 9; i++)); do remove_containers "$(users_name "$i")"; done
  run_service desafio5-orders "$IMAGE_PREFIX/svc-orders" --network desafio5-internal --network-alias orders \
    --env USERS_URL=http://users:8080
  run_service desafio5-gateway "$IMAGE_PREFIX/svc-gateway" --network desafio5-edge \
    --publish "$BIND_ADDRESS:$D5_PORT:8080" --env USERS_URL=http://users:8080 --env ORDERS_URL=http://orders:8080
  # docker run joins one network; the second is connected afterwards.
  if ! docker inspect -f '{{json .NetworkSettings.Networks}}' desafio5-gateway | grep -q '"desafio5-internal"'; then
    dkq network connect desafio5-internal desafio5-gateway
  fi
  wait_healthy "${names[@]}" desafio5-orders desafio5-gateway
  say "Challenge 5 is up: curl http://$BIND_ADDRESS:$D5_PORT/api/users/1/orders"
}

main "$@"
