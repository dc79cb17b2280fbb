#!/usr/bin/env bash
# Challenge 4: two independent microservices, each from its own image, on the
# network desafio4-net. svc-orders calls svc-users by its hostname (users).
# Both are published for the exercise: users on $BIND_ADDRESS:$D4_PORT,
# orders on $BIND_ADDRESS:$D4_ORDERS_PORT. Idempotent. Leaves the network and
# both containers running (down.sh removes them).
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
CHALLENGE=4

main() {
  setup_all
  ensure_images svc-users svc-orders
  say "Challenge 4: users and orders on the network desafio4-net"
  port_free "$D4_PORT" D4_PORT desafio4-users
  port_free "$D4_ORDERS_PORT" D4_ORDERS_PORT desafio4-orders
  ensure_network desafio4-net
  run_service desafio4-users "$IMAGE_PREFIX/svc-users" \
    --network desafio4-net --network-alias users --publish "$BIND_ADDRESS:$D4_PORT:8080"
  run_service desafio4-orders "$IMAGE_PREFIX/svc-orders" \
    --network desafio4-net --network-alias orders --publish "$BIND_ADDRESS:$D4_ORDERS_PORT:8080" \
    --env USERS_URL=http://users:8080
  wait_healthy desafio4-users desafio4-orders
  say "Challenge 4 is up: curl http://$BIND_ADDRESS:$D4_PORT/users ; curl http://$BIND_ADDRESS:$D4_ORDERS_PORT/orders"
}

main "$@"
