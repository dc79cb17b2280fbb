#!/usr/bin/env bash
# Challenge 5: users and orders on the internal network desafio5-internal
# (created --internal: no route out, nothing published); the gateway on it and
# on desafio5-edge, published on $BIND_ADDRESS:$D5_PORT, is the only way in.
# Each service owns its data (database per service): desafio5-users-db on the
# internal network desafio5-users-data (volume desafio5-users-pgdata), reached
# by users only; desafio5-orders-db on desafio5-orders-data (volume
# desafio5-orders-pgdata), reached by orders only. USERS_REPLICAS=N (default 2)
# starts N users containers under the one alias users, all on the one users
# database. RATE_LIMIT and RATE_BURST, when set, go to the gateway (its
# requests a second per client address, and the burst; docs/gateway.md).
# GATEWAY_TLS=1 makes the gateway terminate TLS on $BIND_ADDRESS:$D5_TLS_PORT
# (8443) with a certificate of the project's CA, its plain port a redirect
# (tls-lib.sh, docs/gateway.md).
# OBSERVE=1 adds desafio5-prometheus, which scrapes every service's metrics on
# the internal network; its UI on $BIND_ADDRESS:$D5_PROMETHEUS_PORT (9090;
# observe-lib.sh, docs/metrics.md); without it, a Prometheus left running goes.
# Passwords are generated on the first run into files outside git.
# Idempotent. Leaves the networks, volumes, secrets and containers.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=../verify-lib.sh
source "$CLI_DIR/verify-lib.sh"
# shellcheck source=observe-lib.sh
source "$CLI_DIR/desafio5/observe-lib.sh"
# shellcheck source=tls-lib.sh
source "$CLI_DIR/desafio5/tls-lib.sh"
CHALLENGE=5
USERS_REPLICAS=${USERS_REPLICAS:-2}
SECRETS=$(secrets_dir 5)

# desafio5-users, desafio5-users-2, ... desafio5-users-N.
users_name() { if (($1 == 1)); then echo desafio5-users; else echo "desafio5-users-$1"; fi; }

# The service's database settings (common's DatabaseSettings): its own db, its own password file.
db_env() {
  printf '%s\n' --env DB_URL=jdbc:postgresql://db:5432/app --env DB_USER=app \
    --env DB_PASSWORD_FILE=/run/secrets/db_password --volume "$SECRETS/$1_db_password.service:/run/secrets/db_password:ro"
}

# Each database on its own --internal network, with its own volume and password.
databases_up() {
  local service
  for service in users orders; do
    ensure_network "desafio5-$service-data" --internal
    ensure_db_password "$SECRETS" "${service}_db_password" "desafio5-$service-pgdata"
    ensure_volume "desafio5-$service-pgdata"
    run_postgres "desafio5-$service-db" "desafio5-$service-data" "desafio5-$service-pgdata" \
      "$SECRETS/${service}_db_password.postgres"
  done
  wait_healthy desafio5-users-db desafio5-orders-db
}

# A service starts on its data network (its database is there from the first
# try) and joins the internal one, under its alias, right after.
run_backend() {
  local name=$1 service=$2 image=$3 alias=$4 env; shift 4
  mapfile -t env < <(db_env "$service")
  run_service "$name" "$IMAGE_PREFIX/$image" --network "desafio5-$service-data" "${env[@]}" "$@"
  join_network desafio5-internal "$name" "$alias"
}

main() {
  [[ $USERS_REPLICAS =~ ^[1-9]$ ]] || die "USERS_REPLICAS=$USERS_REPLICAS: expected 1 to 9"
  setup_all
  ensure_images svc-users svc-orders svc-gateway
  say "Challenge 5: users ($USERS_REPLICAS) and orders, each with its own PostgreSQL, behind the gateway"
  port_free "$D5_PORT" D5_PORT desafio5-gateway
  local tls=()
  if [[ ${GATEWAY_TLS:-0} == 1 ]]; then
    port_free "$D5_TLS_PORT" D5_TLS_PORT desafio5-gateway
    mapfile -t tls < <(gateway_tls_options)
  fi
  ensure_network desafio5-edge
  ensure_network desafio5-internal --internal
  databases_up
  # Metrics (ADMIN_PORT) only on the internal network, where a scraper would sit.
  local admin=(--env "ADMIN_SUBNET=$(network_subnet desafio5-internal)")
  local i names=()
  for ((i = 1; i <= USERS_REPLICAS; i++)); do
    names+=("$(users_name "$i")")
    run_backend "$(users_name "$i")" users svc-users users "${admin[@]}"
  done
  # Replicas beyond USERS_REPLICAS from an earlier run are removed.
  for ((i = USERS_REPLICAS + 1; i <= 9; i++)); do remove_containers "$(users_name "$i")"; done
  run_backend desafio5-orders orders svc-orders orders --env USERS_URL=http://users:8080 "${admin[@]}"
  run_service desafio5-gateway "$IMAGE_PREFIX/svc-gateway" --network desafio5-edge \
    --publish "$BIND_ADDRESS:$D5_PORT:8080" --env USERS_URL=http://users:8080 --env ORDERS_URL=http://orders:8080 "${admin[@]}" \
    ${RATE_LIMIT:+--env "RATE_LIMIT=$RATE_LIMIT"} ${RATE_BURST:+--env "RATE_BURST=$RATE_BURST"} "${tls[@]}"
  join_network desafio5-internal desafio5-gateway
  wait_healthy "${names[@]}" desafio5-orders desafio5-gateway
  if [[ ${OBSERVE:-0} == 1 ]]; then
    prometheus_up
    say "Prometheus: $PROMETHEUS_URL/graph (OBSERVE=1)"
  elif running "$PROMETHEUS_NAME"; then
    prometheus_down
  fi
  if ((${#tls[@]})); then
    say "Challenge 5 is up over HTTPS: curl --cacert $PROJECT_CA_CERT $TLS_URL/api/users/1/orders" \
      "(localhost is $BIND_ADDRESS here; plain http://$BIND_ADDRESS:$D5_PORT/ redirects there)"
  else
    say "Challenge 5 is up: curl http://$BIND_ADDRESS:$D5_PORT/api/users/1/orders"
  fi
}

main "$@"
