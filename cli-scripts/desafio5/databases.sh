#!/usr/bin/env bash
# Challenge 5's database checks (database per service), sourced by verify.sh
# after lib.sh, secrets-lib.sh and verify-lib.sh: replicas of users agree
# through their one database, orders for a new user are accepted, each
# database is reachable from its own service only (connection attempts from
# inside the containers), the data survives down.sh then up.sh (volumes
# kept), and no password shows.

D5_USER_ID='' D5_USER_EMAIL='' D5_ORDERS=0

# A user created through the gateway is read back ten times in a row (more, up
# to thirty, until every running replica has served it), each read a 200.
replicas_agree() {
  local replicas seen='' i served
  replicas=$(users_replicas | sort)
  (($(grep -c . <<<"$replicas") >= 2)) || { err "fewer than two users replicas run"; return 1; }
  D5_USER_EMAIL="shared-$RUN_ID@example.com"
  post_json "$GW/api/users" "{\"name\":\"Shared $RUN_ID\",\"email\":\"$D5_USER_EMAIL\"}"
  status_is 201 || return 1
  D5_USER_ID=$(json_number "$HTTP_BODY" id)
  for ((i = 1; i <= 30; i++)); do
    http GET "$GW/api/users/$D5_USER_ID"
    status_is 200 && body_has "\"email\":\"$D5_USER_EMAIL\"" || { note "read $i: $HTTP_STATUS"; return 1; }
    served=$(grep -i '^x-served-by:' <<<"$HTTP_HEADERS" | tr -d '\r' | awk '{print $2}')
    seen+="$served"$'\n'
    ((i >= 10)) && [[ $(grep . <<<"$seen" | sort -u) == "$replicas" ]] && break
  done
  note "user $D5_USER_ID read $i times in a row, all 200, served by: $(grep . <<<"$seen" | sort | uniq -c | awk '{printf "%s (%s) ", $2, $1}')"
  [[ $(grep . <<<"$seen" | sort -u) == "$replicas" ]]
}

# Orders for that user are accepted (users asked over HTTP), and listed with it.
orders_accepted() {
  local i
  for i in 1 2 3; do
    post_json "$GW/api/orders" "{\"userId\":$D5_USER_ID,\"item\":\"item $i $RUN_ID\",\"quantity\":$i,\"unitPrice\":\"2.50\"}"
    status_is 201 || { note "order $i: $HTTP_STATUS $HTTP_BODY"; return 1; }
  done
  D5_ORDERS=3
  user_and_orders_intact
}

user_and_orders_intact() {
  http GET "$GW/api/users/$D5_USER_ID/orders"
  status_is 200 && body_has "\"email\":\"$D5_USER_EMAIL\"" &&
    (($(grep -o "\"userId\":$D5_USER_ID[,}]" <<<"$HTTP_BODY" | grep -c .) == D5_ORDERS))
}

# Connection attempts from inside the containers to each database's address
# (db_reach): its own service reaches it (1: PostgreSQL answered and closed);
# the other service and the gateway get no answer (4: dropped); the gateway
# cannot even resolve a database by name (3).
databases_isolated() {
  local from db network want got outcome=0
  while read -r from db network want; do
    got=$(db_reach "$from" "$db" "$network")
    note "$from -> $db ($network): exit $got (want $want)"
    [[ $got == "$want" ]] || outcome=1
  done <<EOT
desafio5-users desafio5-users-db desafio5-users-data 1
desafio5-orders desafio5-orders-db desafio5-orders-data 1
desafio5-users desafio5-orders-db desafio5-orders-data 4
desafio5-orders desafio5-users-db desafio5-users-data 4
desafio5-gateway desafio5-users-db desafio5-users-data 4
desafio5-gateway desafio5-orders-db desafio5-orders-data 4
EOT
  got=$(URL_TO_PROBE=http://db:5432/ probe_exit docker exec desafio5-gateway)
  note "desafio5-gateway -> db (by name): exit $got (want 3: no such name)"
  [[ $got == 3 ]] && return "$outcome"
}

# How many users and orders the two databases hold.
row_counts() {
  printf 'users %s, orders %s' "$(db_sql desafio5-users-db 'SELECT count(*) FROM users')" \
    "$(db_sql desafio5-orders-db 'SELECT count(*) FROM orders')"
}

forget_verify_data() { forget_run desafio5-users-db desafio5-orders-db; }

# What verify wrote is gone, and both databases hold as many users and orders
# as when it started: `data_as_found COUNTS_AT_START`.
data_as_found() {
  local now
  note "removed what verify wrote: $(forget_verify_data)"
  now=$(row_counts) || return 1
  note "at the start: $1; now: $now"
  [[ $now == "$1" ]]
}

# down.sh (volumes kept), then up.sh with as many replicas: the user and its orders are back.
survives_down_up() {
  local replicas
  replicas=$(users_replicas | grep -c .)
  "$CLI_DIR/desafio5/down.sh" >/dev/null && USERS_REPLICAS=$replicas "$CLI_DIR/desafio5/up.sh" >/dev/null || return 1
  user_and_orders_intact
}

# Neither database password appears in docker inspect, the host's process list or the logs.
no_password_exposed() {
  local secrets
  secrets=$(secrets_dir 5)
  # shellcheck disable=SC2046 # one argument per container
  passwords_hidden "$secrets/users_db_password.service $secrets/orders_db_password.service" \
    $(docker ps --format '{{.Names}}' --filter label=desafios.challenge=5)
}

databases_checks() {
  say "Database per service: replicas agree, each database reached by its own service only"
  check "a user created through the gateway is read back ten times in a row through every users replica" replicas_agree
  check "orders for that user are accepted and listed with it" orders_accepted
  check "each database is reached by its own service only: not by the other, not by the gateway" databases_isolated
  check "no database password in docker inspect, ps or logs" no_password_exposed
  say "down.sh (volumes kept), then up.sh"
  check "after down.sh and up.sh the user and its orders are still there" survives_down_up
}
