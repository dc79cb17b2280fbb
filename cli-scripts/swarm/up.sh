#!/usr/bin/env bash
# Challenges 3 and 5 on Docker Swarm, by hand: a single-node swarm (initialised
# when none is active), overlay networks, docker secrets and docker service
# commands, no stack file.
#   swarm-edge     overlay: the gateway and the API, the published ones
#   swarm-backend  overlay --internal: users (3 replicas), orders (2), the gateway
#   swarm-stores   overlay --internal: PostgreSQL and Redis (1 each), the API
# Published: the gateway on $SWARM_PORT, the API on $SWARM_API_PORT. Where the
# kernel has no IPVS, virtual IPs cannot work: services use DNS round robin
# (dnsrr) and ports are published in host mode. Idempotent: a service that
# exists is left as it is. Leaves the swarm, networks, volumes, secrets and services.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=swarm-lib.sh
source "$CLI_DIR/swarm/swarm-lib.sh"
DB_UID=999      # postgres and redis in the official images (and the stand-ins)
API_UID=1000    # the services' user (Jib)

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

# Passwords generated once into files outside git (root only), from which the
# docker secrets are made: the data volumes outlive a swarm that down.sh leaves.
ensure_secrets() {
  if [[ ! -f $SWARM_SECRETS_DIR/db_password || ! -f $SWARM_SECRETS_DIR/redis_password ]]; then
    docker volume inspect swarm-pgdata >/dev/null 2>&1 &&
      die "the volume swarm-pgdata exists but its password is gone; remove it with swarm/down.sh --volumes"
    say "Generating passwords into $SWARM_SECRETS_DIR (mode 0400, root only)"
    new_password | write_secret "$SWARM_SECRETS_DIR/db_password" 0
    new_password | write_secret "$SWARM_SECRETS_DIR/redis_password" 0
  fi
  local redis_password
  redis_password=$(<"$SWARM_SECRETS_DIR/redis_password")
  ensure_secret swarm-db-password <"$SWARM_SECRETS_DIR/db_password"
  ensure_secret swarm-redis-password <"$SWARM_SECRETS_DIR/redis_password"
  # The official Redis image reads no *_FILE variable: the password goes in its config file.
  printf 'bind 0.0.0.0\nport 6379\nrequirepass %s\nappendonly yes\nappendfsync everysec\ndir /data\n' \
    "$redis_password" | ensure_secret swarm-redis-conf
}

# A docker secret from stdin, unless it exists (secrets cannot change).
ensure_secret() {
  if docker secret inspect "$1" >/dev/null 2>&1; then
    note "secret $1 exists"
  else
    dkq secret create --label desafios.challenge=swarm "$1" -
  fi
}

# What every service gets: DESIGN.md's hardening as far as services take it
# (read-only root, no capabilities, pids/CPU limits, bounded restarts and logs; swarm
# has no --security-opt, so no no-new-privileges), rolling updates that roll
# back on failure, and a hostname that names the replica.
service_flags() {
  SERVICE_FLAGS=(--detach --no-resolve-image --endpoint-mode "$ENDPOINT_MODE"
    --label desafios.challenge=swarm --container-label desafios.challenge=swarm
    --hostname '{{.Service.Name}}-{{.Task.Slot}}'
    --read-only --cap-drop ALL --limit-pids 128 --limit-cpu 1 --log-driver local
    --mount type=tmpfs,destination=/tmp,tmpfs-size=16777216
    --restart-condition on-failure --restart-delay 1s --restart-max-attempts 5 --restart-window 2m
    --update-parallelism 1 --update-delay 2s --update-monitor 5s --update-failure-action rollback
    --rollback-parallelism 1 --stop-grace-period 10s)
  JAVA_FLAGS=("${SERVICE_FLAGS[@]}" --limit-memory 256m
    --health-cmd /app/healthcheck --health-interval 3s --health-timeout 4s --health-retries 3
    --health-start-period 30s)
  # One writer per data directory: the old task stops before the new one starts.
  STORE_FLAGS=("${SERVICE_FLAGS[@]}" --user "$DB_UID:$DB_UID" --constraint node.labels.desafios.stores==true
    --update-order stop-first --rollback-order stop-first --network swarm-stores
    --health-interval 3s --health-timeout 3s --health-retries 5 --health-start-period 60s)
}

# create_service NAME [docker service create options...] IMAGE [COMMAND...]
create_service() {
  local name=$1; shift
  if service_exists "$name"; then
    note "service $name exists ($(service_replicas "$name") running); left as it is"
  else
    dkq service create --name "$name" "$@"
  fi
}

# --publish for a published service, in the chosen mode.
publish() { printf -- '--publish=mode=%s,published=%s,target=8080' "$PUBLISH_MODE" "$1"; }

main() {
  [[ $USERS_REPLICAS =~ ^[1-9]$ && $ORDERS_REPLICAS =~ ^[1-9]$ ]] ||
    die "USERS_REPLICAS=$USERS_REPLICAS ORDERS_REPLICAS=$ORDERS_REPLICAS: expected 1 to 9 each"
  setup_all
  ensure_images svc-api svc-users svc-orders svc-gateway
  say "Challenges 3 and 5 on Docker Swarm"
  ensure_swarm
  choose_endpoint_mode
  service_flags
  label_stores_node
  ensure_network swarm-edge --driver overlay
  ensure_network swarm-backend --driver overlay --internal
  ensure_network swarm-stores --driver overlay --internal
  ensure_secrets
  ensure_volume swarm-pgdata
  ensure_volume swarm-redisdata

  create_service swarm-db "${STORE_FLAGS[@]}" --network name=swarm-stores,alias=db --limit-memory 512m \
    --mount type=tmpfs,destination=/var/run/postgresql,tmpfs-size=1048576,tmpfs-mode=1777 \
    --mount type=volume,source=swarm-pgdata,destination=/var/lib/postgresql/data \
    --secret "source=swarm-db-password,target=db_password,uid=$DB_UID,gid=$DB_UID,mode=0400" \
    --env POSTGRES_USER=app --env POSTGRES_DB=app --env POSTGRES_PASSWORD_FILE=/run/secrets/db_password \
    --health-cmd "$PG_HEALTH_CMD" "$POSTGRES_IMAGE"
  create_service swarm-cache "${STORE_FLAGS[@]}" --network name=swarm-stores,alias=cache --limit-memory 128m \
    --mount type=volume,source=swarm-redisdata,destination=/data \
    --secret "source=swarm-redis-conf,target=/usr/local/etc/redis/redis.conf,uid=$DB_UID,gid=$DB_UID,mode=0400" \
    --health-cmd "$REDIS_HEALTH_CMD" "$REDIS_IMAGE" redis-server /usr/local/etc/redis/redis.conf
  # The API waits for its stores itself (bounded), so it can start alongside them.
  create_service swarm-api "${JAVA_FLAGS[@]}" --network swarm-edge --network swarm-stores \
    "$(publish "$SWARM_API_PORT")" --update-order "$PUBLISHED_UPDATE_ORDER" --rollback-order "$PUBLISHED_UPDATE_ORDER" \
    --secret "source=swarm-db-password,target=db_password,uid=$API_UID,gid=$API_UID,mode=0400" \
    --secret "source=swarm-redis-password,target=redis_password,uid=$API_UID,gid=$API_UID,mode=0400" \
    --env DB_URL=jdbc:postgresql://db:5432/app --env DB_USER=app --env DB_PASSWORD_FILE=/run/secrets/db_password \
    --env REDIS_URL=redis://cache:6379 --env REDIS_PASSWORD_FILE=/run/secrets/redis_password \
    "$IMAGE_PREFIX/svc-api"

  create_service swarm-users "${JAVA_FLAGS[@]}" --replicas "$USERS_REPLICAS" \
    --network name=swarm-backend,alias=users --update-order start-first --rollback-order start-first \
    "$IMAGE_PREFIX/svc-users"
  create_service swarm-orders "${JAVA_FLAGS[@]}" --replicas "$ORDERS_REPLICAS" \
    --network name=swarm-backend,alias=orders --update-order start-first --rollback-order start-first \
    --env USERS_URL=http://users:8080 "$IMAGE_PREFIX/svc-orders"
  create_service swarm-gateway "${JAVA_FLAGS[@]}" --network swarm-edge --network swarm-backend \
    "$(publish "$SWARM_PORT")" --update-order "$PUBLISHED_UPDATE_ORDER" --rollback-order "$PUBLISHED_UPDATE_ORDER" \
    --env USERS_URL=http://users:8080 --env ORDERS_URL=http://orders:8080 "$IMAGE_PREFIX/svc-gateway"

  wait_converged "${SWARM_SERVICES[@]}"
  say "Swarm is up: curl http://127.0.0.1:$SWARM_PORT/api/users/1/orders ; curl http://127.0.0.1:$SWARM_API_PORT/visits"
}

main "$@"
