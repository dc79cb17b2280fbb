#!/usr/bin/env bash
# Challenge 4's store checks, sourced by verify.sh. They run on copies of the
# users and orders containers (same image, same memory, CPU and pids limits and
# flags as up.sh's, each published on a free loopback port, removed after):
# first with a small maximum, raced by parallel POSTs; then with the services'
# default maximum, filled with the largest entries a client can send. Copies,
# so that verify leaves the challenge's own stores as it found them and can
# run again. Leaves nothing behind (stores_cleanup). The parallel POSTs are in
# stores-posts.sh, sourced below.

STORE_USERS=desafio4-users-copy
STORE_ORDERS=desafio4-orders-copy
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
  [[ -z $STORE_TMP ]] || rm -rf "$STORE_TMP"
}

# Starts both copies afresh, with the given maxima (empty: the default):
# `store_copies MAX_USERS MAX_ORDERS`. The orders copy checks its users against
# the challenge's own users (reads only), so that both copies can fill at once.
store_copies() {
  local -a users_env=() orders_env=()
  [[ -n $STORE_TMP ]] || STORE_TMP=$(mktemp -d)
  [[ -z $1 ]] || users_env=(--env "MAX_USERS=$1")
  [[ -z $2 ]] || orders_env=(--env "MAX_ORDERS=$2")
  remove_containers "$STORE_ORDERS" "$STORE_USERS"
  run_service "$STORE_USERS" "$IMAGE_PREFIX/svc-users" --network desafio4-net \
    --publish 127.0.0.1::8080 "${users_env[@]}"
  run_service "$STORE_ORDERS" "$IMAGE_PREFIX/svc-orders" --network desafio4-net \
    --publish 127.0.0.1::8080 --env USERS_URL=http://users:8080 "${orders_env[@]}"
  wait_healthy "$STORE_USERS" "$STORE_ORDERS" || return 1
  USERS_COPY="http://$(docker port "$STORE_USERS" 8080/tcp | head -n 1)"
  ORDERS_COPY="http://$(docker port "$STORE_ORDERS" 8080/tcp | head -n 1)"
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
