#!/usr/bin/env bash
# Challenge 5: proves every route through the gateway, the aggregate, request
# id propagation (routes.sh), that users and orders are reachable only through
# the gateway (isolation.sh: no published port, not from the edge network, no
# route out of the internal one), balancing over two users replicas, failing
# fast without users, and a rate limit (recreated with RATE_LIMIT=1
# RATE_BURST=5: 429 past the burst);
# and, database per service (databases.sh): replicas agree through their one
# database, each database is reached by its own service only, and the data
# survives down.sh then up.sh. Observed (OBSERVE=1, or Prometheus running):
# every Prometheus target is up and it counts the gateway's requests. Over TLS
# (GATEWAY_TLS=1, or the gateway terminating it): every check goes over HTTPS,
# and the TLS checks of tls-lib.sh.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../secrets-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../secrets-lib.sh"
# shellcheck source=../verify-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../verify-lib.sh"
# shellcheck source=routes.sh
source "$(dirname "${BASH_SOURCE[0]}")/routes.sh"
# shellcheck source=isolation.sh
source "$(dirname "${BASH_SOURCE[0]}")/isolation.sh"
# shellcheck source=databases.sh
source "$(dirname "${BASH_SOURCE[0]}")/databases.sh"
# shellcheck source=observe-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/observe-lib.sh"
# shellcheck source=tls-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/tls-lib.sh"
# Observed, over TLS: when asked, or when up.sh made it so; the up.sh runs below keep it so.
OBSERVE=${OBSERVE:-$(running "$PROMETHEUS_NAME" && echo 1 || echo 0)}
GATEWAY_TLS=${GATEWAY_TLS:-$(gateway_tls_on && echo 1 || echo 0)}
export OBSERVE GATEWAY_TLS
if [[ $GATEWAY_TLS == 1 ]]; then
  # Every request of the checks over HTTPS, trusting the project's CA alone.
  HTTP_OPTIONS=(--resolve "localhost:$D5_TLS_PORT:$BIND_ADDRESS" --cacert "$PROJECT_CA_CERT")
fi

GW="http://$BIND_ADDRESS:$D5_PORT"
[[ $GATEWAY_TLS != 1 ]] || GW=$TLS_URL
RUN_ID="verify-$$-$RANDOM"

# The gateway recreated with a low rate limit (up.sh takes RATE_LIMIT and
# RATE_BURST from its environment): a burst past it is refused with 429
# problems carrying Retry-After, /health keeps answering meanwhile, and once the
# bucket refills the next GET succeeds. up.sh then recreates it as it was.
LOW_RATE=1
LOW_BURST=5
rate_limit_holds() {
  local i statuses='' retry_after
  for i in $(seq $((LOW_BURST + 5))); do
    http GET "$GW/api/users/1"
    statuses+="$HTTP_STATUS "
    [[ $HTTP_STATUS == 429 ]] && { is_problem 429 || return 1; retry_after=$(header_value retry-after); }
  done
  note "$((LOW_BURST + 5)) GETs at once: $statuses; Retry-After: ${retry_after:-none}"
  [[ $statuses == "$(printf '200 %.0s' $(seq "$LOW_BURST"))"* && $statuses == *429* && $retry_after =~ ^[1-9][0-9]*$ ]] ||
    return 1
  http GET "$GW/health"; note "GET /health with the bucket empty: $HTTP_STATUS"
  status_is 200 || return 1
  sleep "$retry_after"
  http GET "$GW/api/users/1"; note "after Retry-After ($retry_after s): $HTTP_STATUS"
  status_is 200
}

all_get_succeed() {
  local i
  for i in $(seq 30); do http GET "$GW/api/users/1"; status_is 200 || return 1; done
}

main() {
  local found replicas
  say "Challenge 5: verifying"
  found=$(row_counts) || die "cannot count the users and orders in desafio5-users-db and desafio5-orders-db"
  replicas=$(users_replicas --all | grep -c .)
  trap 'forget_verify_data >/dev/null 2>&1 || true' EXIT
  check "every route answers through the gateway" routes_work
  check "GET /api/users/1/orders aggregates the user and the orders" aggregate_works
  check "the request id reached the gateway, orders and users (in their logs)" request_id_propagated
  check "bodies users and orders cannot read (gzip, br, deflate; utf-16, ISO-8859-1) are 415 problems at the gateway and never reach them; a required null is refused saying null" \
    unreadable_stop_at_the_edge
  check "only the gateway publishes a port (and Prometheus its own, when observed)" only_gateway_published
  check "from the edge network users is unreachable; from the gateway it answers" edge_cannot_reach
  check "the internal network is --internal: traffic from users to another network is dropped" no_route_out
  check "metrics (port 9090) answer on the internal network only, not at the gateway's edge address" metrics_internal_only
  if (($(users_replicas | grep -c .) < 2)); then
    say "Adding a second users replica (USERS_REPLICAS=2)"
    USERS_REPLICAS=2 "$CLI_DIR/desafio5/up.sh" >/dev/null
  fi
  check "with two users replicas, answers come from both" served_by_several "$GW/api/users/1" 20
  databases_checks
  dkq stop desafio5-users-2
  check "with one replica stopped, 30 GETs in a row all succeed" all_get_succeed
  dkq stop desafio5-users
  check "with users stopped, the gateway answers a 502/503 problem within a second" \
    problem_within_a_second GET "$GW/api/users/1" '50[23]'
  dkq start desafio5-users
  wait_healthy desafio5-users >/dev/null
  check "with users back, the gateway serves again" retry 20 0.25 all_get_succeed
  say "The gateway recreated with RATE_LIMIT=$LOW_RATE RATE_BURST=$LOW_BURST"
  RATE_LIMIT=$LOW_RATE RATE_BURST=$LOW_BURST USERS_REPLICAS=$(users_replicas --all | grep -c .) \
    "$CLI_DIR/desafio5/up.sh" >/dev/null
  check "past the burst, 429 problems with Retry-After; /health answers; served again once it refills" rate_limit_holds
  say "The gateway recreated with its default limit, and as many users replicas as verify found"
  USERS_REPLICAS=$replicas "$CLI_DIR/desafio5/up.sh" >/dev/null
  if [[ $GATEWAY_TLS == 1 ]]; then
    check "HTTPS: curl trusts the gateway through the project's CA alone" tls_serves
    check "the plain port answers 308 to the same URL over https; its /health answers" tls_plain_redirects
    check "plain HTTP sent to the TLS port gets no HTTP answer; the gateway stays healthy" tls_port_refuses_plain
    check "a TLS 1.1 hello gets a protocol_version alert from the gateway" tls_old_protocols_refused
    check "the key and its password are in no image file, setting or log line" tls_key_unexposed
    check "$HELD_HANDSHAKES half-sent ClientHellos held, 200 HTTPS GETs all answered; threads bounded, /health within 2 s" \
      tls_survives_handshake_flood
  fi
  if [[ $OBSERVE == 1 ]]; then
    check "Prometheus scrapes every service: each target up in /api/v1/targets" retry 60 0.5 prometheus_targets_up
    check "Prometheus counts the gateway's requests just sent, and their rate" prometheus_counts_traffic
    check "Prometheus refuses a query past its bounds and keeps running" prometheus_bounds_queries
  fi
  check "the users and orders verify created are removed: both databases hold as many as it found" data_as_found "$found"
  checks_done "Challenge 5"
}

main "$@"
