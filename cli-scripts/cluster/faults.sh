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
# shellcheck source=fault-watch-lib.sh
source "$CLI_DIR/cluster/fault-watch-lib.sh"
# shellcheck source=fault-stores-lib.sh
source "$CLI_DIR/cluster/fault-stores-lib.sh"

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

main "$@"
