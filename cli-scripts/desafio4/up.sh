#!/usr/bin/env bash
# Challenge 4: two independent microservices, each from its own image, on the
# network desafio4-net. svc-orders calls svc-users by its hostname (users).
# Both are published for the exercise: users on $BIND_ADDRESS:$D4_PORT,
# orders on $BIND_ADDRESS:$D4_ORDERS_PORT. Each keeps its data in memory, at
# most D4_MAX_USERS users and D4_MAX_ORDERS orders (unset: the services' own
# defaults, docs/stores.md); past that a POST gets 507. Idempotent. Leaves the
# network and both containers running (down.sh removes them).
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
CHALLENGE=4
D4_MAX_USERS=${D4_MAX_USERS:-}
D4_MAX_ORDERS=${D4_MAX_ORDERS:-}

# A store's maximum as a docker run option, or nothing for the service's default.
max_env() { [[ -z $2 ]] || printf '%s\n' --env "$1=$2"; }

# A running container started with another maximum is removed, so that
# run_service starts it with this one (its data in memory goes with it).
same_max_or_remove() {
  local name=$1 variable=$2 wanted=$3 current
  docker container inspect "$name" >/dev/null 2>&1 || return 0
  current=$(docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$name" | sed -n "s/^$variable=//p")
  [[ $current == "$wanted" ]] && return 0
  note "$name runs with $variable=${current:-default}; starting it again with $variable=${wanted:-default}"
  remove_containers "$name"
}

main() {
  local users_max orders_max
  setup_all
  ensure_images svc-users svc-orders
  say "Challenge 4: users and orders on the network desafio4-net"
  port_free "$D4_PORT" D4_PORT desafio4-users
  port_free "$D4_ORDERS_PORT" D4_ORDERS_PORT desafio4-orders
  ensure_network desafio4-net
  same_max_or_remove desafio4-users MAX_USERS "$D4_MAX_USERS"
  same_max_or_remove desafio4-orders MAX_ORDERS "$D4_MAX_ORDERS"
  mapfile -t users_max < <(max_env MAX_USERS "$D4_MAX_USERS")
  mapfile -t orders_max < <(max_env MAX_ORDERS "$D4_MAX_ORDERS")
  run_service desafio4-users "$IMAGE_PREFIX/svc-users" \
    --network desafio4-net --network-alias users --publish "$BIND_ADDRESS:$D4_PORT:8080" "${users_max[@]}"
  run_service desafio4-orders "$IMAGE_PREFIX/svc-orders" \
    --network desafio4-net --network-alias orders --publish "$BIND_ADDRESS:$D4_ORDERS_PORT:8080" \
    --env USERS_URL=http://users:8080 "${orders_max[@]}"
  wait_healthy desafio4-users desafio4-orders
  say "Challenge 4 is up: curl http://$BIND_ADDRESS:$D4_PORT/users ; curl http://$BIND_ADDRESS:$D4_ORDERS_PORT/orders"
}

main "$@"
