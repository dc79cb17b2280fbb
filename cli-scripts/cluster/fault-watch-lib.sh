#!/usr/bin/env bash
# How faults.sh watches the cluster through its managers' engines while a
# fault runs: a node's state and the leader as a manager sees them, every
# service at its full count, the cluster whole again, and `measure`, which
# times a wait into MEASURED (fault-load-lib.sh). Source it after
# nodes-lib.sh, formation-lib.sh and fault-load-lib.sh; it defines functions
# and runs nothing.

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
  # shellcheck disable=SC2034 # faults.sh reports it
  [[ -n $leader && $leader != "$2" ]] && NEW_LEADER=$leader
}
node_index() { local n; for n in 1 2 3; do if [[ $(node_name "$n") == "$1" ]]; then echo "$n"; fi; done; }

# Times a wait by polling (every 0.2 s, up to LIMIT s) into MEASURED[KEY],
# counted from the last kill or start (SINCE, in ns): `measure KEY LIMIT cmd args...`.
# Fails when the limit passes.
measure() {
  local key=$1 limit=$2 start=$SINCE; shift 2
  retry "$((limit * 5))" 0.2 "$@" || return 1
  # shellcheck disable=SC2004 # MEASURED is associative (fault-load-lib.sh): $key is a name
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

# Three Ready managers and every service at its full count, as the leader sees it.
whole_again() {
  retry 240 0.5 swarm_formed 2 && retry 240 0.5 services_full 2 ||
    { err "the cluster is not whole again: three Ready managers, every service full"; return 1; }
}
