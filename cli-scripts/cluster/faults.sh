#!/usr/bin/env bash
# Faults of the cluster's nodes, measured: a manager that is not the leader
# nor the stores' node killed (`docker kill` of its container): the time until
# another manager's `docker node ls` shows it Down, and until it is Ready
# again once started; then the leader killed (only while the other two are
# up: two managers down would lose the quorum): the time until another
# manager names a new leader, and until the old one rejoins. Through both,
# GETs go through the entry in a loop: its passive failover must lose none.
# They go to the gateway's /health when a service publishes port 8090, else to
# a small global check service that this script adds and removes. Leaves the
# cluster as it found it: three Ready managers. Exits non-zero on any failure.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=cluster-lib.sh
source "$CLI_DIR/cluster/cluster-lib.sh"
# shellcheck source=nodes-lib.sh
source "$CLI_DIR/cluster/nodes-lib.sh"
# shellcheck source=formation-lib.sh
source "$CLI_DIR/cluster/formation-lib.sh"
# shellcheck source=checks-lib.sh
source "$CLI_DIR/cluster/checks-lib.sh"

ENTRY_CHECK="cluster-entry-check"
LOAD_FILE=''

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

# What the entry's load asks for: a user through the gateway (users and its
# database behind it) when the services are deployed, else a global busybox
# httpd on every node's 8090.
entry_target() {
  if node_docker 1 service inspect swarm-gateway >/dev/null 2>&1; then
    LOAD_URL="http://$BIND_ADDRESS:$CLUSTER_PORT/api/users/1"
    return 0
  fi
  LOAD_URL="http://$BIND_ADDRESS:$CLUSTER_PORT/"
  node_docker 1 service inspect "$ENTRY_CHECK" >/dev/null 2>&1 && return 0
  local n
  for n in 1 2 3; do node_has_image "$n" "$OVERLAY_IMAGE"; done
  node_dkq 1 service create --detach --name "$ENTRY_CHECK" --mode global --label desafios.challenge=cluster-check \
    --publish mode=host,target=8080,published=8090 --limit-memory 32m "$OVERLAY_IMAGE" \
    sh -c 'mkdir /tmp/www && hostname >/tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www' 2>/dev/null
  retry 60 0.5 curl -sf -o /dev/null -m 2 "$LOAD_URL" || { err "the entry check service does not answer"; return 1; }
}
entry_target_cleanup() {
  [[ -z $LOAD_FILE ]] || rm -f "$LOAD_FILE" "$LOAD_FILE.run"
  node_docker 1 service rm "$ENTRY_CHECK" >/dev/null 2>&1 || node_docker 2 service rm "$ENTRY_CHECK" >/dev/null 2>&1 || true
}

# GETs through the entry in a loop in the background, one "status seconds"
# line per request, until entry_load_stop; which prints and checks the tally.
entry_load_start() {
  LOAD_FILE=$(mktemp)
  : >"$LOAD_FILE.run"
  note "GETs through the entry in a loop: $LOAD_URL"
  while [[ -f $LOAD_FILE.run ]]; do
    curl -s -o /dev/null -m 10 -w '%{http_code} %{time_total}\n' "$LOAD_URL" >>"$LOAD_FILE" || true
    sleep 0.05
  done &
}
entry_load_stop() {
  rm -f "$LOAD_FILE.run"
  wait
  read -r ENTRY_TOTAL ENTRY_FAILED ENTRY_MAX < <(awk '{ n++; if ($1 != 200) f++; if ($2 > m) m = $2 }
    END { printf "%d %d %.2f\n", n, f, m }' "$LOAD_FILE")
  note "through the entry: $ENTRY_TOTAL GETs, $ENTRY_FAILED failed, the slowest $ENTRY_MAX s"
  MEASURED[$1]="$ENTRY_FAILED of $ENTRY_TOTAL failed, slowest $ENTRY_MAX s"
  rm -f "$LOAD_FILE"
  ((ENTRY_TOTAL > 0 && ENTRY_FAILED == 0))
}

# A manager that is neither the leader nor node 1 (the stores) killed.
fault_member_killed() {
  local leader victim observer
  leader=$(swarm_leader)
  victim=$(node_name 3)
  [[ $victim != "$leader" ]] || victim=$(node_name 2)
  observer=$(node_index "$leader")
  say "A manager killed: $victim (the leader is $leader)"
  entry_load_start
  SINCE=$(date +%s%N) && dkq kill "$victim"
  check "$leader sees $victim Down (within 60 s)" measure "member marked down" 60 node_seen_down "$observer" "$victim"
  SINCE=$(date +%s%N) && dkq start "$victim"
  check "$victim rejoins by itself once started: Ready and Reachable (within 120 s)" \
    measure "member back after start" 120 node_seen_back "$observer" "$victim"
  check "no GET through the entry failed while $victim was down and back" entry_load_stop "entry, member killed"
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
  entry_load_start
  SINCE=$(date +%s%N) && dkq kill "$leader"
  NEW_LEADER=''
  check "another manager names a new leader (within 60 s)" measure "new leader elected" 60 new_leader_seen "$observer" "$leader"
  note "new leader: ${NEW_LEADER:-none}"
  check "docker node ls answers on another manager, and shows $leader Down (within 60 s of the kill)" \
    measure "old leader marked down" 60 node_seen_down "$observer" "$leader"
  SINCE=$(date +%s%N) && dkq start "$leader"
  check "$leader rejoins by itself once started (within 120 s)" \
    measure "old leader back after start" 120 node_seen_back "$observer" "$leader"
  check "no GET through the entry failed while the leader was down and back" entry_load_stop "entry, leader killed"
}

main() {
  ((EUID == 0)) || die "the cluster's faults need root (its sockets are root-only)"
  swarm_formed 1 || die "the cluster is not three Ready managers; run cluster/up.sh first"
  trap entry_target_cleanup EXIT
  entry_target
  fault_member_killed
  retry 120 0.5 swarm_formed 1 || die "the swarm did not re-form after the first fault"
  fault_leader_killed
  check "three Ready managers and a leader again" retry 120 0.5 swarm_formed "$(node_index "$(swarm_leader)")"
  say "Measured (seconds after the kill or the start)"
  local key
  for key in "member marked down" "member back after start" "entry, member killed" "new leader elected" \
    "old leader marked down" "old leader back after start" "entry, leader killed"; do
    printf '  %-28s %s\n' "$key" "${MEASURED[$key]:--}"
  done
  checks_done "cluster faults"
}

main "$@"
