#!/usr/bin/env bash
# Challenge 3: svc-api, PostgreSQL and Redis on the network desafio3-net.
# Every GET / is logged as a row in PostgreSQL and counted in Redis. Only the
# API is published ($BIND_ADDRESS:$D3_PORT). Passwords are generated on the
# first run into files outside git, owned by the uid that reads each one, and
# mounted read-only. Idempotent. Leaves the network, the volumes
# desafio3-pgdata and desafio3-redisdata, the secrets and three containers.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
CHALLENGE=3
SECRETS=$(secrets_dir 3)

# One password per store, written once; each reader gets its own copy.
ensure_secrets() {
  if [[ -f $SECRETS/db_password.postgres && -f $SECRETS/redis.conf ]]; then
    note "secrets exist in $SECRETS (kept until down.sh --volumes)"
    return 0
  fi
  if docker volume inspect desafio3-pgdata >/dev/null 2>&1; then
    die "the volume desafio3-pgdata exists but its password is gone; remove it with desafio3/down.sh --volumes"
  fi
  say "Generating passwords into $SECRETS (mode 0400, owned by the reading uid)"
  local db_password redis_password
  db_password=$(new_password) redis_password=$(new_password)
  printf '%s' "$db_password" | write_secret "$SECRETS/db_password.postgres" "$STORE_UID"
  printf '%s' "$db_password" | write_secret "$SECRETS/db_password.api" "$SERVICE_UID"
  printf '%s' "$redis_password" | write_secret "$SECRETS/redis_password.api" "$SERVICE_UID"
  redis_config "$redis_password" | write_secret "$SECRETS/redis.conf" "$STORE_UID"
}

# The database: lib.sh's hardened PostgreSQL, on this challenge's network.
run_db() {
  run_postgres desafio3-db desafio3-net desafio3-pgdata "$SECRETS/db_password.postgres"
}

run_cache() {
  container_current desafio3-cache "$REDIS_IMAGE" && { note "desafio3-cache is already running"; return 0; }
  remove_containers desafio3-cache
  dkq run --detach --name desafio3-cache --hostname desafio3-cache --network desafio3-net --network-alias cache \
    --label desafios.challenge=3 "${STORE_RUN_FLAGS[@]}" \
    --memory 128m --volume desafio3-redisdata:/data \
    --volume "$SECRETS/redis.conf:/usr/local/etc/redis/redis.conf:ro" \
    --health-cmd "$REDIS_HEALTH_CMD" \
    "$REDIS_IMAGE" redis-server /usr/local/etc/redis/redis.conf
}

run_api() {
  run_service desafio3-api "$IMAGE_PREFIX/svc-api" --network desafio3-net --network-alias api \
    --publish "$BIND_ADDRESS:$D3_PORT:8080" \
    --env DB_URL=jdbc:postgresql://db:5432/app --env DB_USER=app --env DB_PASSWORD_FILE=/run/secrets/db_password \
    --env REDIS_URL=redis://cache:6379 --env REDIS_PASSWORD_FILE=/run/secrets/redis_password \
    --volume "$SECRETS/db_password.api:/run/secrets/db_password:ro" \
    --volume "$SECRETS/redis_password.api:/run/secrets/redis_password:ro"
}

main() {
  setup_all
  ensure_images svc-api
  say "Challenge 3: svc-api, PostgreSQL and Redis on the network desafio3-net"
  port_free "$D3_PORT" D3_PORT desafio3-api
  ensure_secrets
  ensure_network desafio3-net
  ensure_volume desafio3-pgdata
  ensure_volume desafio3-redisdata
  run_db
  run_cache
  wait_healthy desafio3-db desafio3-cache
  run_api
  wait_healthy desafio3-api
  say "Challenge 3 is up: curl http://$BIND_ADDRESS:$D3_PORT/ ; curl http://$BIND_ADDRESS:$D3_PORT/visits"
}

main "$@"
