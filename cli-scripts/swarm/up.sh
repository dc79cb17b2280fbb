#!/usr/bin/env bash
# Challenges 3 and 5 on Docker Swarm, by hand: a single-node swarm (initialised
# when none is active) or the swarm of DOCKER_HOST (the cluster's), overlay
# networks, docker secrets and docker service commands, no stack file.
#   swarm-edge        overlay: the gateway and the API, the published ones
#   swarm-backend     overlay --internal: users (3 replicas), orders (2), the gateway
#   swarm-stores      overlay --internal: PostgreSQL and Redis (1 each), the API
#   swarm-users-data  overlay --internal: users and its own PostgreSQL
#   swarm-orders-data overlay --internal: orders and its own PostgreSQL
# The settings (images from a registry, the gateway on every node, ...) are
# described in swarm-lib.sh.
# Published: the gateway on $SWARM_PORT, the API on $SWARM_API_PORT. Where the
# kernel has no IPVS, virtual IPs cannot work: services use DNS round robin
# (dnsrr) and ports are published in host mode. Idempotent: a service that
# exists is left as it is (one of the project's rolled to a new image, or made
# again when its settings changed). Leaves the swarm, networks, volumes,
# secrets and services.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=swarm-lib.sh
source "$CLI_DIR/swarm/swarm-lib.sh"
# shellcheck source=docker-secrets-lib.sh
source "$CLI_DIR/swarm/docker-secrets-lib.sh"
# shellcheck source=services-lib.sh
source "$CLI_DIR/swarm/services-lib.sh"

# A swarm to run on: the active one, or a new single-node one (remembered, so
# that down.sh leaves only a swarm that up.sh made).
ensure_swarm() {
  if swarm_active; then
    note "swarm is active (node $(docker info -f '{{.Swarm.NodeAddr}}')); using it"
    return 0
  fi
  local init=(swarm init)
  [[ -z ${SWARM_ADVERTISE_ADDR:-} ]] || init+=(--advertise-addr "$SWARM_ADVERTISE_ADDR")
  dkq "${init[@]}" || die "docker swarm init failed; on a host with several addresses set SWARM_ADVERTISE_ADDR"
  mkdir -p "$STATE_DIR" && touch "$SWARM_CREATED_MARK"
}

# VIP where the kernel has IPVS, else DNS round robin; SWARM_ENDPOINT_MODE=vip|dnsrr overrides.
choose_endpoint_mode() {
  case ${SWARM_ENDPOINT_MODE:-auto} in
    vip | dnsrr) ENDPOINT_MODE=$SWARM_ENDPOINT_MODE ;;
    auto) if ipvs_available; then ENDPOINT_MODE=vip; else ENDPOINT_MODE=dnsrr; fi ;;
    *) die "SWARM_ENDPOINT_MODE=$SWARM_ENDPOINT_MODE: expected vip, dnsrr or auto" ;;
  esac
  if [[ $ENDPOINT_MODE == vip ]]; then
    say "Endpoint mode: vip (one virtual IP per service; ports published on the routing mesh)"
    PUBLISH_MODE=ingress PUBLISHED_UPDATE_ORDER=start-first
  else
    say "Endpoint mode: dnsrr: this kernel has no IPVS, so a virtual IP would answer 'no route to host';"
    note "each service name resolves to all its tasks' addresses (the gateway balances over them),"
    note "and ports are published in host mode, on the node that runs the task"
    # A host-mode port is held by one task per node: a published service's
    # new task can only start once the old one has stopped.
    PUBLISH_MODE=host PUBLISHED_UPDATE_ORDER=stop-first
  fi
}

# The stateful services stay on the node with this label: their local volumes live there.
label_stores_node() {
  local node
  node=$(docker info -f '{{.Swarm.NodeID}}')
  if [[ $(docker node inspect -f '{{index .Spec.Labels "desafios.stores"}}' "$node") != true ]]; then
    dkq node update --label-add desafios.stores=true "$node"
  fi
}

main() {
  [[ $USERS_REPLICAS =~ ^[1-9]$ && $ORDERS_REPLICAS =~ ^[1-9]$ ]] ||
    die "USERS_REPLICAS=$USERS_REPLICAS ORDERS_REPLICAS=$ORDERS_REPLICAS: expected 1 to 9 each"
  [[ $SWARM_PUBLISHED_MODE =~ ^(replicated|global)$ ]] ||
    die "SWARM_PUBLISHED_MODE=$SWARM_PUBLISHED_MODE: expected replicated or global"
  if [[ -z $SWARM_IMAGES ]]; then
    setup_all
    ensure_images svc-api svc-users svc-orders svc-gateway
  fi
  say "Challenges 3 and 5 on Docker Swarm"
  ensure_swarm
  choose_endpoint_mode
  service_flags
  label_stores_node
  ensure_network swarm-edge --driver overlay
  ensure_network swarm-backend --driver overlay --internal
  ensure_network swarm-stores --driver overlay --internal
  ensure_network swarm-users-data --driver overlay --internal
  ensure_network swarm-orders-data --driver overlay --internal
  ensure_secrets
  local volume
  for volume in "${SWARM_VOLUMES[@]}"; do ensure_volume "$volume"; done

  create_postgres swarm-db swarm-stores db swarm-pgdata swarm-db-password 512m
  create_service swarm-cache "${STORE_FLAGS[@]}" --network name=swarm-stores,alias=cache --limit-memory 128m \
    --mount type=volume,source=swarm-redisdata,destination=/data \
    --secret "source=swarm-redis-conf,target=/usr/local/etc/redis/redis.conf,uid=$STORE_UID,gid=$STORE_UID,mode=0400" \
    --health-cmd "$REDIS_HEALTH_CMD" "$(swarm_image redis)" redis-server /usr/local/etc/redis/redis.conf
  # Database per service: users and orders each own one, on a network of its own.
  create_postgres swarm-users-db swarm-users-data users-db swarm-users-data swarm-users-db-password 256m
  create_postgres swarm-orders-db swarm-orders-data orders-db swarm-orders-data swarm-orders-db-password 256m
  local api_db users_db orders_db
  database_flags api_db swarm-db-password db
  database_flags users_db swarm-users-db-password users-db
  database_flags orders_db swarm-orders-db-password orders-db
  # The API waits for its stores itself (bounded), so it can start alongside them.
  # Replicated stateless services spread over the nodes (one node: all on it).
  # The published ones run once, or on every node where an entry in front of
  # the nodes sends to any of them.
  local spread=(--placement-pref spread=node.id) published_mode=(--mode global)
  [[ $SWARM_PUBLISHED_MODE == global ]] || published_mode=(--replicas 1 --placement-pref spread=node.id)
  create_app_service swarm-api "${JAVA_FLAGS[@]}" "${published_mode[@]}" --network swarm-edge --network swarm-stores \
    "$(publish "$SWARM_API_PORT")" --update-order "$PUBLISHED_UPDATE_ORDER" --rollback-order "$PUBLISHED_UPDATE_ORDER" \
    "${api_db[@]}" \
    --secret "source=swarm-redis-password,target=redis_password,uid=$SERVICE_UID,gid=$SERVICE_UID,mode=0400" \
    --env REDIS_URL=redis://cache:6379 --env REDIS_PASSWORD_FILE=/run/secrets/redis_password \
    "$(swarm_image svc-api)"

  create_app_service swarm-users "${JAVA_FLAGS[@]}" "${spread[@]}" --replicas "$USERS_REPLICAS" \
    --network name=swarm-backend,alias=users --network swarm-users-data \
    --update-order start-first --rollback-order start-first \
    "${users_db[@]}" "$(swarm_image svc-users)"
  create_app_service swarm-orders "${JAVA_FLAGS[@]}" "${spread[@]}" --replicas "$ORDERS_REPLICAS" \
    --network name=swarm-backend,alias=orders --network swarm-orders-data \
    --update-order start-first --rollback-order start-first \
    "${orders_db[@]}" --env USERS_URL=http://users:8080 "$(swarm_image svc-orders)"
  create_app_service swarm-gateway "${JAVA_FLAGS[@]}" "${published_mode[@]}" --network swarm-edge --network swarm-backend \
    "$(publish "$SWARM_PORT")" --update-order "$PUBLISHED_UPDATE_ORDER" --rollback-order "$PUBLISHED_UPDATE_ORDER" \
    --env USERS_URL=http://users:8080 --env ORDERS_URL=http://orders:8080 \
    ${SWARM_TRUSTED_PROXIES:+--env "TRUSTED_PROXIES=$SWARM_TRUSTED_PROXIES"} "$(swarm_image svc-gateway)"

  wait_converged "${SWARM_SERVICES[@]}"
  say "Swarm is up: curl $SWARM_URL/api/users/1/orders ; curl $SWARM_API_URL/visits"
}

main "$@"
