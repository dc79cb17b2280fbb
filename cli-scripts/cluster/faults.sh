#!/usr/bin/env bash
# Faults of the cluster's nodes with challenges 3 and 5 deployed, measured
# under a loop of GETs through the entry (a user, through the gateway, users
# and its database), each in turn, the cluster whole again between them:
#   - node 2 drained: its tasks move; no GET fails;
#   - a manager that is neither the leader nor the stores' node killed
#     (`docker kill`), with POSTs of new users too: the time until another
#     manager sees it Down, until every service is at its full count again,
#     and, once started, until it is back; no GET fails, every 2xx POST is
#     read back, every other POST is settled as stored or not;
#   - the leader killed (only while the other two are up: two managers down
#     would lose the quorum; leadership is first moved off the stores' node):
#     the time until another manager names a new leader; no GET fails;
#   - the stores' node (1) stopped: users and the API answer 503 problems
#     within 8 s meanwhile; once it is started, everything serves again (a
#     503 or 504 problem within 8 s while it starts), the user and orders
#     made before are there, and visits equal accesses.
# `faults.sh [drain|member|leader|stores ...]` runs only those, in that order.
# Leaves the cluster as it found it: three Ready managers, every service full.
# Exits non-zero on any failure.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../verify-lib.sh
source "$CLI_DIR/verify-lib.sh"
# shellcheck source=cluster-lib.sh
source "$CLI_DIR/cluster/cluster-lib.sh"
# shellcheck source=nodes-lib.sh
source "$CLI_DIR/cluster/nodes-lib.sh"
# shellcheck source=formation-lib.sh
source "$CLI_DIR/cluster/formation-lib.sh"
# shellcheck source=checks-lib.sh
source "$CLI_DIR/cluster/checks-lib.sh"
# shellcheck source=fault-load-lib.sh
source "$CLI_DIR/cluster/fault-load-lib.sh"

# "Status ManagerStatus" of a node as manager M sees it: `node_seen M NAME`.
node_seen() {
  node_docker "$1" node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}' 2>/dev/null |
    awk -v h="$2" '$1 == h {print $2, $3}'
}
node_seen_down() { [[ $(node_seen "$1" "$2") == Down* ]]; }
node_seen_back() { [[ $(node_seen "$1" "$2") =~ ^Ready\ (Reachable|Leader)$ ]]; }
# True when manager M names a leader other than the given node.
new_leader_seen() {
  local leader
  leader=$(node_docker "$1" node ls --format '{{.Hostname}} {{.ManagerStatus}}' 2>/dev/null | awk '$2 == "Leader" {print $1}')
  [[ -n $leader && $leader != "$2" ]] && NEW_LEADER=$leader
}
node_index() { local n; for n in 1 2 3; do if [[ $(node_name "$n") == "$1" ]]; then echo "$n"; fi; done; }

# Times a wait by polling (every 0.2 s, up to LIMIT s) into MEASURED[KEY],
# counted from the last kill or start (SINCE, in ns): `measure KEY LIMIT cmd args...`.
# Fails when the limit passes.
measure() {
  local key=$1 limit=$2 start=$SINCE; shift 2
  retry "$((limit * 5))" 0.2 "$@" || return 1
  MEASURED[$key]=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
  note "$key: ${MEASURED[$key]} s"
}

# Every service at its full count as manager M sees it: each task meant to
# run is running, as many as a replicated service asks for. (`service ls`
# still counts the tasks of a node that is down, as running.)
services_full() {
  local service mode states running wanted
  while read -r service mode; do
    states=$(node_docker "$1" service ps "$service" --filter desired-state=running --format '{{.CurrentState}}') || return 1
    running=$(grep -c '^Running' <<<"$states" || true)
    [[ -n $states && $running == $(wc -l <<<"$states") ]] || return 1
    [[ $mode == global ]] && continue
    wanted=$(node_docker "$1" service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$service") || return 1
    ((running == wanted)) || return 1
  done < <(node_docker "$1" service ls --format '{{.Name}} {{.Mode}}' 2>/dev/null)
}
# No container runs on node N's own engine.
node_runs_nothing() { [[ -z $(node_docker "$1" ps -q 2>/dev/null) ]]; }

# Node N drained from node 1 (a manager that stays), then made active again.
fault_node_drained() {
  local name
  name=$(node_name "$1")
  say "A node drained: $name"
  gets_start drain "$GATEWAY_ENTRY/api/users/1"
  SINCE=$(date +%s%N) && node_dkq 1 node update --availability drain "$name"
  check "$name runs no container any more (within 90 s)" measure "drain: node empty" 90 node_runs_nothing "$1"
  check "every service at its full count on the other nodes (within 120 s)" \
    measure "drain: services full" 120 services_full 1
  node_dkq 1 node update --availability active "$name"
  load_stop
  check "no GET through the entry failed while $name was drained" gets_tally drain "drain: GETs"
}

# A manager that is neither the leader nor node 1 (the stores) killed, under
# GETs and POSTs.
fault_member_killed() {
  local leader victim observer
  leader=$(swarm_leader)
  victim=$(node_name 3)
  [[ $victim != "$leader" ]] || victim=$(node_name 2)
  observer=$(node_index "$leader")
  say "A manager killed: $victim (the leader is $leader)"
  gets_start member "$GATEWAY_ENTRY/api/users/1"
  posts_start
  SINCE=$(date +%s%N) && dkq kill "$victim"
  check "$leader sees $victim Down (within 60 s)" measure "member: marked down" 60 node_seen_down "$observer" "$victim"
  check "every service at its full count on the other nodes (within 120 s of the kill)" \
    measure "member: services full" 120 services_full "$observer"
  SINCE=$(date +%s%N) && dkq start "$victim"
  check "$victim rejoins by itself once started: Ready and Reachable (within 120 s)" \
    measure "member: back after start" 120 node_seen_back "$observer" "$victim"
  load_stop
  check "no GET through the entry failed while $victim was down and back" gets_tally member "member: GETs"
  check "every POST answered 2xx is read back, every other one settled as stored or not" \
    posts_accounted "member: POSTs"
}

# The leader killed while both other managers are up. The stores live on
# node 1 (its loss is a fault of its own): when node 1 leads, leadership is
# moved first, by demoting node 1 from another manager and promoting it again.
fault_leader_killed() {
  local leader observer
  leader=$(swarm_leader)
  if [[ $leader == "$(node_name 1)" ]] && node_docker 1 service inspect swarm-db >/dev/null 2>&1; then
    say "Moving leadership off node 1, which holds the stores"
    retry 10 1 node_dkq 2 node demote "$(node_name 1)" || { err "node 1 could not be demoted"; return 1; }
    retry 120 0.5 new_leader_seen 2 "$(node_name 1)" || { err "no new leader after demoting node 1"; return 1; }
    retry 10 1 node_dkq 2 node promote "$(node_name 1)" || { err "node 1 could not be promoted"; return 1; }
    retry 240 0.5 swarm_formed 2 || { err "node 1 is not a Reachable manager again"; return 1; }
    leader=$(swarm_leader)
  fi
  observer=$(( $(node_index "$leader") % 3 + 1 ))
  say "The leader killed: $leader (watched from $(node_name "$observer"))"
  gets_start leader "$GATEWAY_ENTRY/api/users/1"
  SINCE=$(date +%s%N) && dkq kill "$leader"
  NEW_LEADER=''
  check "another manager names a new leader (within 60 s)" measure "leader: new one named" 60 new_leader_seen "$observer" "$leader"
  note "new leader: ${NEW_LEADER:-none}"
  check "docker node ls answers on another manager, and shows $leader Down (within 60 s of the kill)" \
    measure "leader: marked down" 60 node_seen_down "$observer" "$leader"
  SINCE=$(date +%s%N) && dkq start "$leader"
  check "$leader rejoins by itself once started (within 120 s)" \
    measure "leader: back after start" 120 node_seen_back "$observer" "$leader"
  load_stop
  check "no GET through the entry failed while the leader was down and back" gets_tally leader "leader: GETs"
}

# The stores' node stopped (its engine stops its containers, the databases
# shut down cleanly) and started again. Made before: a user with two orders,
# and visits counted.
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

main() {
  ((EUID == 0)) || die "the cluster's faults need root (its sockets are root-only)"
  swarm_formed 1 || die "the cluster is not three Ready managers; run cluster/up.sh first"
  node_docker 1 service inspect swarm-gateway swarm-api >/dev/null 2>&1 ||
    die "challenges 3 and 5 are not deployed on the cluster; run cluster/up.sh first"
  trap load_cleanup EXIT
  retry 240 0.5 services_full 1 || die "not every service is at its full count; see docker service ls on node 1"
  local faults=("$@") fault
  ((${#faults[@]})) || faults=(drain member leader stores)
  for fault in "${faults[@]}"; do
    case $fault in
      drain) fault_node_drained 2 ;;
      member) fault_member_killed ;;
      leader) fault_leader_killed ;;
      stores) fault_stores_node_stopped ;;
      *) die "no fault called $fault (drain, member, leader, stores)" ;;
    esac
    [[ $fault == stores ]] || whole_again
  done
  check "three Ready managers and a leader again, every service full" whole_again
  say "Measured (seconds after the drain, kill, stop or start)"
  local key
  for key in "drain: node empty" "drain: services full" "drain: GETs" \
    "member: marked down" "member: services full" "member: back after start" "member: GETs" "member: POSTs" \
    "leader: new one named" "leader: marked down" "leader: back after start" "leader: GETs" \
    "stores: marked down" "stores: users 503" "stores: API 503" "stores: back after start" "stores: serving again" \
    "stores: user GETs, stopped" "stores: /visits GETs, stopped" "stores: user GETs, back" \
    "stores: /visits GETs, back"; do
    printf '  %-26s %s\n' "$key" "${MEASURED[$key]:--}"
  done
  checks_done "cluster faults"
}

# Three Ready managers and every service at its full count, as the leader sees it.
whole_again() {
  retry 240 0.5 swarm_formed 2 && retry 240 0.5 services_full 2 ||
    { err "the cluster is not whole again: three Ready managers, every service full"; return 1; }
}

main "$@"
