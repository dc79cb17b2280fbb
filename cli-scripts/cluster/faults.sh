#!/usr/bin/env bash
# Faults of the cluster's nodes, measured: a manager that is not the leader
# nor the stores' node killed (`docker kill` of its container): the time until
# another manager's `docker node ls` shows it Down, and until it is Ready
# again once started; then the leader killed (only while the other two are
# up: two managers down would lose the quorum): the time until another
# manager names a new leader, and until the old one rejoins. Leaves the
# cluster as it found it: three Ready managers. Exits non-zero on any failure.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=cluster-lib.sh
source "$CLI_DIR/cluster/cluster-lib.sh"
# shellcheck source=nodes-lib.sh
source "$CLI_DIR/cluster/nodes-lib.sh"

declare -A MEASURED=()

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

# A manager that is neither the leader nor node 1 (the stores) killed.
fault_member_killed() {
  local leader victim observer
  leader=$(swarm_leader)
  victim=$(node_name 3)
  [[ $victim != "$leader" ]] || victim=$(node_name 2)
  observer=$(node_index "$leader")
  say "A manager killed: $victim (the leader is $leader)"
  SINCE=$(date +%s%N) && dkq kill "$victim"
  check "$leader sees $victim Down (within 60 s)" measure "member marked down" 60 node_seen_down "$observer" "$victim"
  SINCE=$(date +%s%N) && dkq start "$victim"
  check "$victim rejoins by itself once started: Ready and Reachable (within 120 s)" \
    measure "member back after start" 120 node_seen_back "$observer" "$victim"
}

# The leader killed while both other managers are up.
fault_leader_killed() {
  local leader observer
  leader=$(swarm_leader)
  observer=$(( $(node_index "$leader") % 3 + 1 ))
  say "The leader killed: $leader (watched from $(node_name "$observer"))"
  SINCE=$(date +%s%N) && dkq kill "$leader"
  NEW_LEADER=''
  check "another manager names a new leader (within 60 s)" measure "new leader elected" 60 new_leader_seen "$observer" "$leader"
  note "new leader: ${NEW_LEADER:-none}"
  check "docker node ls answers on another manager, and shows $leader Down (within 60 s of the kill)" \
    measure "old leader marked down" 60 node_seen_down "$observer" "$leader"
  SINCE=$(date +%s%N) && dkq start "$leader"
  check "$leader rejoins by itself once started (within 120 s)" \
    measure "old leader back after start" 120 node_seen_back "$observer" "$leader"
}

main() {
  ((EUID == 0)) || die "the cluster's faults need root (its sockets are root-only)"
  swarm_formed 1 || die "the cluster is not three Ready managers; run cluster/up.sh first"
  fault_member_killed
  retry 120 0.5 swarm_formed 1 || die "the swarm did not re-form after the first fault"
  fault_leader_killed
  check "three Ready managers and a leader again" retry 120 0.5 swarm_formed "$(node_index "$(swarm_leader)")"
  say "Measured (seconds)"
  local key
  for key in "member marked down" "member back after start" "new leader elected" "old leader marked down" \
    "old leader back after start"; do
    printf '  %-28s %s\n' "$key" "${MEASURED[$key]:--}"
  done
  checks_done "cluster faults"
}

main "$@"
