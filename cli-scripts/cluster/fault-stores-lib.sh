#!/usr/bin/env bash
# The stores' node fault of faults.sh (node 1, which holds the databases,
# stopped and started again under GETs) and the reads that prove what was
# made before it is still there: a user and its orders, visits equal to
# accesses. Source it after fault-load-lib.sh and fault-watch-lib.sh; it
# defines functions (and KEPT_MISSING) and runs nothing.

# The stores' node stopped (its engine stops its containers, the databases
# shut down cleanly) and started again. Made before: a user with two orders,
# and visits counted.
# shellcheck disable=SC2034 # SINCE is read by measure (fault-watch-lib.sh)
fault_stores_node_stopped() {
  local name observer=2 user order1 order2 accesses_before
  name=$(node_name 1)
  say "The stores' node stopped: $name"
  post_json "$GATEWAY_ENTRY/api/users" "{\"name\":\"Kept\",\"email\":\"kept-$RUN_ID@example.com\"}"
  status_is 201 || { err "a user could not be made before the fault: $HTTP_STATUS"; return 1; }
  user=$(json_number "$HTTP_BODY" id)
  order1=$(order_for "$user") && order2=$(order_for "$user") || return 1
  http GET "$API_ENTRY/" || true
  http GET "$API_ENTRY/" || true
  retry 20 0.5 visits_settled || { err "visits and accesses disagree before the fault"; return 1; }
  accesses_before=$SETTLED
  note "made before: user $user, orders $order1 and $order2; $accesses_before accesses counted"
  gets_start users "$GATEWAY_ENTRY/api/users/$user"
  gets_start visits "$API_ENTRY/visits"
  SINCE=$(date +%s%N) && dkq stop --time 30 "$name"
  check "node 2 sees $name Down (within 60 s)" measure "stores: marked down" 60 node_seen_down "$observer" "$name"
  check "users answers a 503 problem through the entry (within 30 s)" measure "stores: users 503" 30 answered 503 users
  check "the API answers a 503 problem through the entry (within 30 s)" measure "stores: API 503" 30 answered 503 visits
  load_stop
  check "every GET of the user while the node was stopped: 200, or a 503 problem within 8 s" \
    gets_tally users "stores: user GETs, stopped" 8
  check "every GET of /visits while the node was stopped: 200, or a 503 problem within 8 s" \
    gets_tally visits "stores: /visits GETs, stopped" 8
  # A node that starts runs its databases' start and four JVMs at once: its own
  # gateway, starved of CPU, may give up on an upstream (504) for a moment.
  gets_start users-back "$GATEWAY_ENTRY/api/users/$user"
  gets_start visits-back "$API_ENTRY/visits"
  SINCE=$(date +%s%N) && dkq start "$name"
  check "$name rejoins by itself once started (within 120 s)" \
    measure "stores: back after start" 120 node_seen_back "$observer" "$name"
  check "users, orders and the API answer again (within 180 s of the start)" \
    measure "stores: serving again" 180 serving_again "$user"
  load_stop
  check "every GET of the user while the node came back: 200, or a 503 or 504 problem within 8 s" \
    gets_tally users-back "stores: user GETs, back" 8 '50[34]'
  check "every GET of /visits while the node came back: 200, or a 503 or 504 problem within 8 s" \
    gets_tally visits-back "stores: /visits GETs, back" 8 '50[34]'
  # A node that starts may run a database's task for a few seconds, then swarm
  # replaces it (measured: up 9 s, then down 19 s): its data is on the volume.
  check "the user and both orders made before are there (within 60 s)" kept_within 60 "$user" "$order1" "$order2"
  check "visits equal accesses, none lost ($accesses_before before)" retry 20 0.5 visits_settled "$accesses_before"
  check "every service at its full count again (within 120 s)" retry 240 0.5 services_full "$observer"
}

# Prints the id of a new order of USER.
order_for() {
  post_json "$GATEWAY_ENTRY/api/orders" "{\"userId\":$1,\"item\":\"keyboard\",\"quantity\":1,\"unitPrice\":\"20.00\"}"
  status_is 201 || { err "an order for user $1 could not be made: $HTTP_STATUS"; return 1; }
  json_number "$HTTP_BODY" id
}

# True once /visits answers with visits = accesses (at least AT_LEAST); SETTLED
# is the count.
visits_settled() {
  http GET "$API_ENTRY/visits" && status_is 200 || return 1
  local visits accesses
  visits=$(json_number "$HTTP_BODY" visits) accesses=$(json_number "$HTTP_BODY" accesses)
  [[ -n $visits && $visits == "$accesses" ]] && ((accesses >= ${1:-0})) && SETTLED=$accesses
}

# True when the newest GET of load NAME answered STATUS.
answered() { [[ $(tail -n 1 "$LOAD_DIR/$2" 2>/dev/null | cut -d' ' -f1) == "$1" ]]; }

serving_again() {
  http GET "$GATEWAY_ENTRY/api/users/$1" && status_is 200 && http GET "$GATEWAY_ENTRY/api/users/$1/orders" &&
    status_is 200 && http GET "$API_ENTRY/visits" && status_is 200
}

# True when the user and its two orders are read back; else KEPT_MISSING says what was not.
KEPT_MISSING=""
kept() {
  local user=$1 order
  http GET "$GATEWAY_ENTRY/api/users/$user" && status_is 200 || { KEPT_MISSING="user $user: $HTTP_STATUS $HTTP_BODY"; return 1; }
  for order in "$2" "$3"; do
    http GET "$GATEWAY_ENTRY/api/orders/$order" && status_is 200 && body_has "\"userId\":$user" ||
      { KEPT_MISSING="order $order: $HTTP_STATUS $HTTP_BODY"; return 1; }
  done
}

# kept, tried for up to SECONDS; the last thing missing is printed on failure.
kept_within() {
  local seconds=$1 start=$SECONDS; shift
  retry $((seconds * 2)) 0.5 kept "$@" || { err "after $seconds s, still $KEPT_MISSING"; return 1; }
  note "read back after $((SECONDS - start)) s"
}
