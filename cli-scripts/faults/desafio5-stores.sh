#!/usr/bin/env bash
# Challenge 5's database faults, sourced by desafio5.sh after lib.sh,
# verify-lib.sh and faults-lib.sh: each service's database stopped. Its service answers 503
# problems within its bounds (a refused connection is found at once; the
# bound is the pool's borrow wait) and its /health is not 200; the other
# service keeps serving; with the database started again, everything serves
# with no data lost, and a write refused meanwhile was not stored.

STORES_USER='' STORES_EMAIL='' STORES_ORDER=''

# The service's own /health from inside its container: 0 answered 200, 1 another answer (503 DOWN).
own_health() { URL_TO_PROBE=http://127.0.0.1:8080/health probe_exit docker exec "$1"; }

health_up() { [[ $(own_health "$1") == 0 ]]; }

# A 503 problem within 3 s: `unavailable_within METHOD URL [json]`.
unavailable_within() {
  if [[ -n ${3:-} ]]; then post_json "$2" "$3"; else http "$1" "$2"; fi
  note "$1 ${2#"$GW"}: $HTTP_STATUS in $HTTP_SECONDS s"
  is_problem 503 && faults_lt "$HTTP_SECONDS" 3 && [[ $HTTP_BODY != *jdbc* && $HTTP_BODY != *SQL* ]]
}

stored_user_and_order_back() {
  http GET "$GW/api/users/$STORES_USER"
  status_is 200 && body_has "\"email\":\"$STORES_EMAIL\"" || return 1
  http GET "$GW/api/orders/$STORES_ORDER"
  status_is 200 && body_has "\"userId\":$STORES_USER"
}

# The user's orders: exactly the one stored before the faults (the refused POST is not there).
only_the_stored_order() {
  http GET "$GW/api/orders?userId=$STORES_USER"
  status_is 200 && (($(grep -o '"userId":' <<<"$HTTP_BODY" | grep -c .) == 1))
}

database_stopped() {
  local service=$1 db=desafio5-$1-db
  say "The $service database stopped"
  dkq stop "$db"
  if [[ $service == users ]]; then
    check "users database stopped: GET a user is a 503 problem within 3 s, naming no internals" \
      unavailable_within GET "$GW/api/users/$STORES_USER"
    check "users database stopped: POST a user is a 503 problem within 3 s" \
      unavailable_within POST "$GW/api/users" "{\"name\":\"Refused\",\"email\":\"refused-$$@example.com\"}"
    http GET "$GW/api/orders/$STORES_ORDER"
    note "meanwhile orders: GET /api/orders/$STORES_ORDER -> $HTTP_STATUS (its user embedded from users)"
  else
    check "orders database stopped: GET an order is a 503 problem within 3 s, naming no internals" \
      unavailable_within GET "$GW/api/orders/$STORES_ORDER"
    check "orders database stopped: POST an order is a 503 problem within 3 s" unavailable_within POST \
      "$GW/api/orders" "{\"userId\":$STORES_USER,\"item\":\"refused\",\"quantity\":1,\"unitPrice\":\"1.00\"}"
    check "orders database stopped: users still serves" eval 'http GET "$GW/api/users/$STORES_USER"; status_is 200'
  fi
  check "$service database stopped: desafio5-$service's /health is not 200 (DOWN)" test "$(own_health "desafio5-$service")" = 1
  dkq start "$db"
  wait_healthy "$db"
  check "$service database back: desafio5-$service's /health is 200 again" retry 40 0.25 health_up "desafio5-$service"
  check "$service database back: the user and the order are served again, unchanged" \
    retry 60 0.25 stored_user_and_order_back
  note "last answer: $HTTP_STATUS in $HTTP_SECONDS s"
}

stores_faults() {
  STORES_EMAIL="stores-$$-$RANDOM@example.com"
  post_json "$GW/api/users" "{\"name\":\"Stores fault\",\"email\":\"$STORES_EMAIL\"}"
  STORES_USER=$(json_number "$HTTP_BODY" id)
  post_json "$GW/api/orders" "{\"userId\":${STORES_USER:-0},\"item\":\"kept\",\"quantity\":2,\"unitPrice\":\"3.00\"}"
  STORES_ORDER=$(json_number "$HTTP_BODY" id)
  [[ -n $STORES_USER && -n $STORES_ORDER ]] || { check "a user and an order stored before the database faults" false; return; }
  database_stopped users
  database_stopped orders
  check "after both database faults: no data lost, and the order refused meanwhile was not stored" only_the_stored_order
}
