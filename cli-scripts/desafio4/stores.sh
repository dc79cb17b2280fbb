#!/usr/bin/env bash
# Challenge 4's checks that write, sourced by verify.sh. They run on verify's
# own pair: copies of the users and orders containers (same image, same
# memory, CPU and pids limits and flags as up.sh's, each published on a free
# loopback port) on a network of their own, desafio4-verify-net, where they
# carry the same aliases, users and orders: the copy of orders finds the copy
# of users by the name up.sh's orders uses, and the challenge's own containers
# never see them. So verify leaves the learner's stores as it found them (it
# only reads them, and sends them requests they refuse) and can run again.
# On the pair: an order embedding its user, orders failing fast with users
# stopped; then a small maximum raced by parallel POSTs; then the services'
# default maximum filled with the largest entries a client can send. Leaves
# nothing behind (stores_cleanup). The parallel POSTs are in stores-posts.sh,
# sourced below.

STORE_USERS=desafio4-users-copy
STORE_ORDERS=desafio4-orders-copy
STORE_NETWORK=desafio4-verify-net
# The services' defaults: UsersService.DEFAULT_MAX_USERS, OrdersService.DEFAULT_MAX_ORDERS.
DEFAULT_MAX_USERS=10000
DEFAULT_MAX_ORDERS=10000
SEED_USERS=3
# curl processes posting at once, each reusing one connection for its share.
POSTERS=16
STORE_TMP='' USERS_COPY='' ORDERS_COPY=''
# shellcheck source=stores-posts.sh
source "$(dirname "${BASH_SOURCE[0]}")/stores-posts.sh"

stores_cleanup() {
  remove_containers "$STORE_ORDERS" "$STORE_USERS"
  remove_networks "$STORE_NETWORK"
  [[ -z $STORE_TMP ]] || rm -rf "$STORE_TMP"
}

# Starts both copies afresh on verify's network, with the given maxima (empty:
# the default): `store_copies MAX_USERS MAX_ORDERS`.
store_copies() {
  local -a users_env=() orders_env=()
  [[ -n $STORE_TMP ]] || STORE_TMP=$(mktemp -d)
  [[ -z $1 ]] || users_env=(--env "MAX_USERS=$1")
  [[ -z $2 ]] || orders_env=(--env "MAX_ORDERS=$2")
  remove_containers "$STORE_ORDERS" "$STORE_USERS"
  ensure_network "$STORE_NETWORK"
  run_service "$STORE_USERS" "$IMAGE_PREFIX/svc-users" --network "$STORE_NETWORK" --network-alias users \
    --publish 127.0.0.1::8080 "${users_env[@]}"
  run_service "$STORE_ORDERS" "$IMAGE_PREFIX/svc-orders" --network "$STORE_NETWORK" --network-alias orders \
    --publish 127.0.0.1::8080 --env USERS_URL=http://users:8080 "${orders_env[@]}"
  wait_healthy "$STORE_USERS" "$STORE_ORDERS" || return 1
  USERS_COPY="http://$(docker port "$STORE_USERS" 8080/tcp | head -n 1)"
  ORDERS_COPY="http://$(docker port "$STORE_ORDERS" 8080/tcp | head -n 1)"
}

# On verify's pair: an order for user 1 is created, and orders embeds the user
# it fetched from http://users:8080 (the copy of users, by the same alias).
order_created() {
  post_json "$ORDERS_COPY/orders" '{"userId":1,"item":"keyboard","quantity":3,"unitPrice":"19.99"}'
  status_is 201 && body_has '"total":"59.97"' && header_has 'location: /orders/' || return 1
  ORDER_ID=$(json_number "$HTTP_BODY" id)
}

user_embedded() {
  http GET "$ORDERS_COPY/orders/$ORDER_ID" -H "X-Request-Id: $RUN_ID-pair"
  status_is 200 && body_has '"user":{' && body_has '"id":1' && logs_have "$STORE_USERS" "\"requestId\":\"$RUN_ID-pair\""
}

# The alias users names another container on each network: on verify's, the copy.
alias_per_network() {
  local own copy found
  own=$(container_ip desafio4-users desafio4-net) copy=$(container_ip "$STORE_USERS" "$STORE_NETWORK")
  found=$(lookup "$STORE_NETWORK" users) || return 1
  note "users on desafio4-net: $own; on $STORE_NETWORK: $copy; found there: $(grep -o 'Address: [0-9.]*$' <<<"$found" | xargs)"
  [[ $found == *"Address: $copy"* && $found != *"Address: $own"* ]]
}

# With the copy of users stopped, the copy of orders answers a 502/503/504
# problem within a second.
fails_fast_without_users() {
  local outcome=0
  dkq stop "$STORE_USERS"
  problem_within_a_second GET "$ORDERS_COPY/orders/$ORDER_ID" '50[234]' || outcome=1
  dkq start "$STORE_USERS"
  return "$outcome"
}

# Every id a list holds, one per line, in pages of 100 (one curl, one
# connection): `listed_ids URL UP_TO`.
listed_ids() {
  curl -s --max-time 60 "$1?limit=100&offset=[0-$2:100]" | grep -o '"id":[0-9]*' | cut -d: -f2
}

# True when the list holds exactly ids 1..MAX and every id a 201 named:
# `nothing_lost URL MAX ANSWERS`.
nothing_lost() {
  local url=$1 max=$2 answers=$3 listed missing
  listed=$(listed_ids "$url" "$((max + 100))" | sort -n)
  missing=$(grep '^201 ' "$answers" | grep -o '/[0-9]*$' | tr -d / | sort |
    comm -13 <(sort <<<"$listed") - | grep -c . || true)
  note "$url lists $(grep -c . <<<"$listed") entries (maximum $max); acknowledged but not listed: $missing"
  [[ $listed == "$(seq 1 "$max")" && $missing == 0 ]]
}

# Answers of a fill: never more 201s than ROOM, some 507s, each a problem, and
# nothing else but (for orders) a 502-504 problem: `refused_past ANSWERS ROOM KIND`.
refused_past() {
  local answers=$1 room=$2 kind=$3 others allowed='201|507'
  [[ $kind == orders ]] && allowed='201|507|50[234]'
  others=$(grep -Evc "^($allowed) " "$answers" || true)
  (($(answers_with "$answers" 201) <= room && $(answers_with "$answers" 507) > 0 && others == 0)) &&
    [[ $(grep -E '^50[2347] ' "$answers" | grep -vc 'application/problem+json' || true) == 0 ]]
}

# Both copies healthy, never restarted, never killed for memory; prints their memory use.
copies_fine() {
  local name state ok=0
  for name in "$STORE_USERS" "$STORE_ORDERS"; do
    state=$(harm_state "$name")
    note "$name: restarts, OOM-killed, running = $state"
    [[ $state == "0 false true" ]] && container_healthy "$name" || ok=1
  done
  docker stats --no-stream --format '{{.Name}}: memory {{.MemUsage}}' "$STORE_USERS" "$STORE_ORDERS" | sed 's/^/    /'
  return "$ok"
}

# A small maximum raced by 40 POSTs at once: exactly the maximum is stored and
# acknowledged, the other POSTs are 507 problems (or, for orders, a 502-504
# problem when users is slow to answer: nothing stored), nothing is lost.
race_small_maximum() {
  local users orders
  store_copies 13 10 || return 1
  users=$STORE_TMP/race-users orders=$STORE_TMP/race-orders
  : >"$users"; : >"$orders"
  post_many "$USERS_COPY/users" users 0 40 "$users" & post_many "$ORDERS_COPY/orders" orders 0 40 "$orders" & wait
  [[ $(answers_with "$users" 201) == 10 && $(answers_with "$users" 507) == 30 && $(answers_with "$orders" 201) == 10 ]] &&
    refused_past "$users" 10 users && refused_past "$orders" 10 orders &&
    nothing_lost "$USERS_COPY/users" 13 "$users" && nothing_lost "$ORDERS_COPY/orders" 10 "$orders" && copies_fine
}

# The default maximum filled with the largest entries, both copies at once: the
# heap holds them, the POSTs past the maximum are 507 problems, every entry is listed.
fill_default_maximum() {
  local users orders
  store_copies '' '' || return 1
  users=$STORE_TMP/fill-users orders=$STORE_TMP/fill-orders
  fill "$USERS_COPY/users" users $((DEFAULT_MAX_USERS - SEED_USERS)) "$users" &
  fill "$ORDERS_COPY/orders" orders "$DEFAULT_MAX_ORDERS" "$orders" &
  wait
  refused_past "$users" $((DEFAULT_MAX_USERS - SEED_USERS)) users && refused_past "$orders" "$DEFAULT_MAX_ORDERS" orders &&
    nothing_lost "$USERS_COPY/users" "$DEFAULT_MAX_USERS" "$users" &&
    nothing_lost "$ORDERS_COPY/orders" "$DEFAULT_MAX_ORDERS" "$orders" && copies_fine
}

# Full stores still answer: a user's orders through the index, a page far past
# the end, the last user, and 507 for one more of each.
full_store_still_serves() {
  http GET "$ORDERS_COPY/orders?userId=1&limit=100&offset=3000"; status_is 200 && body_has '"userId":1' || return 1
  http GET "$ORDERS_COPY/orders?limit=100&offset=2147483647"; status_is 200 && body_has '"items":[]' || return 1
  http GET "$USERS_COPY/users/$DEFAULT_MAX_USERS"; status_is 200 || return 1
  post_json "$USERS_COPY/users" '{"name":"late","email":"late@example.org"}'; is_problem 507 || return 1
  post_json "$ORDERS_COPY/orders" '{"userId":1,"item":"late","quantity":1,"unitPrice":1}'; is_problem 507
}
