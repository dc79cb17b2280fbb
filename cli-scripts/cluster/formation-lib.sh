#!/usr/bin/env bash
# The swarm of the cluster's nodes: node 1 starts it, nodes 2 and 3 join as
# managers (all three: the quorum survives the loss of any one), node 1 holds
# the stores. Source it after lib.sh, setup.sh, verify-lib.sh (json_string
# reads a refused join), cluster-lib.sh and nodes-lib.sh; it defines functions
# and runs nothing. What others call:
# nodes_up, swarm_formed [N], swarm_leader.

# Makes node 1 the first manager of a new swarm, unless it is in one already.
swarm_init() {
  local ip state
  ip=$(node_ip 1)
  read -r state _ <<<"$(node_swarm_state 1)"
  if [[ $state == active ]]; then note "$(node_name 1) is in its swarm already"; return 0; fi
  node_dkq 1 swarm init --advertise-addr "$ip" --listen-addr "$ip:2377" ||
    { err "$(node_name 1) could not start a swarm (above); run cluster/down.sh, then cluster/up.sh"; return 1; }
}

# Joins node N to node 1's swarm as a manager, unless it is a member already
# (one of another swarm leaves it first). The manager token is never printed
# nor put on a command line.
swarm_join() {
  local n=$1 state cluster want token
  want=$(node_docker 1 info -f '{{.Swarm.Cluster.ID}}')
  read -r state cluster <<<"$(node_swarm_state "$n")"
  if [[ $state == active && $cluster == "$want" ]]; then note "$(node_name "$n") is a manager of the swarm already"; return 0; fi
  [[ $state == inactive ]] || node_dkq "$n" swarm leave --force || true
  token=$(node_docker 1 swarm join-token -q manager) || { err "$(node_name 1) gave no manager token; is its engine up?"; return 1; }
  show "DOCKER_HOST=$(node_docker_host "$n")" docker swarm join --token '<manager token>' "$(node_ip 1):2377"
  note "(the token from node 1's \`docker swarm join-token -q manager\` goes to the engine's API on stdin)"
  join_with_token "$n" "$token" && swarm_forget_stale "$n"
}

# Node N's engine asked to join node 1's swarm as a manager with TOKEN, given
# on curl's stdin (printf is a builtin: the token shows in no process's
# arguments); one line naming the fix when the join is refused.
join_with_token() {
  local n=$1 ip answer code
  ip=$(node_ip "$n")
  answer=$(printf '{"ListenAddr":"%s:2377","AdvertiseAddr":"%s","RemoteAddrs":["%s:2377"],"JoinToken":"%s"}' \
    "$ip" "$ip" "$(node_ip 1)" "$2" |
    curl -s --max-time 60 --unix-socket "$(node_socket_dir "$n")/docker.sock" -H 'Content-Type: application/json' \
      --data-binary @- -w '\n%{http_code}' http://localhost/v1.41/swarm/join) || true
  code=${answer##*$'\n'}
  [[ $code == 200 ]] && return 0
  err "$(node_name "$n") could not join the swarm as a manager (HTTP ${code:-none}: $(json_string "${answer%$'\n'*}" message)); a refused token means node 1's swarm was made anew or its token rotated: run cluster/down.sh, then cluster/up.sh"
  return 1
}

# Removes what the swarm remembers of node N's earlier membership (a node
# that left and joined anew is a new member; the old one would stay a Down
# manager and count against the quorum).
swarm_forget_stale() {
  local id own
  own=$(node_docker "$1" info -f '{{.Swarm.NodeID}}')
  for id in $(node_docker 1 node ls --format '{{.ID}} {{.Hostname}}' | awk -v h="$(node_name "$1")" -v own="$own" '$2 == h && $1 != own {print $1}'); do
    node_dkq 1 node demote "$id" || true
    node_dkq 1 node rm --force "$id"
  done
}

# True when node N's engine sees three nodes, all Ready managers, one the leader.
swarm_formed() {
  local states
  states=$(node_docker "${1:-1}" node ls --format '{{.Status}} {{.ManagerStatus}}' 2>/dev/null) || return 1
  [[ $(grep -c . <<<"$states") == 3 && $(grep -cE '^Ready (Leader|Reachable)$' <<<"$states") == 3 ]] &&
    grep -q Leader <<<"$states"
}

# The hostname of the leader, as the first node that answers sees it.
swarm_leader() {
  local n
  for n in 1 2 3; do
    node_docker "$n" node ls --format '{{.Hostname}} {{.ManagerStatus}}' 2>/dev/null | awk '$2 == "Leader" {print $1; f = 1} END {exit !f}' &&
      return 0
  done
  return 1
}

# Node 1 holds the stores (the swarm scripts place them by this label).
swarm_label_stores() {
  local node
  node=$(node_name 1)
  if [[ $(node_docker 1 node inspect -f '{{index .Spec.Labels "desafios.stores"}}' "$node") == true ]]; then
    note "$node is labelled desafios.stores=true"
  else
    node_dkq 1 node update --label-add desafios.stores=true "$node"
  fi
}

# The three nodes, started and formed into a swarm of three managers.
nodes_up() {
  local n
  nodes_image
  cluster_network
  node_trust
  for n in 1 2 3; do node_start "$n"; done
  for n in 1 2 3; do node_wait "$n"; done
  swarm_init
  for n in 2 3; do swarm_join "$n"; done
  if ! retry 60 1 swarm_formed 1; then
    node_docker 1 node ls >&2 || true
    err "the swarm did not reach three Ready managers within 60 s (above); run cluster/down.sh, then cluster/up.sh"
    return 1
  fi
  swarm_label_stores
  node_dk 1 node ls
}
