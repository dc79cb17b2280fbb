#!/usr/bin/env bash
# The checks of cluster/verify.sh, each a predicate for verify-lib.sh's check.
# Source it after lib.sh, setup.sh, verify-lib.sh, cluster-lib.sh and nodes-lib.sh.

OVERLAY_CHECK=cluster-check
OVERLAY_SERVER=cluster-check-server
# Busybox's httpd and wget are in the project's air-gapped Java base.
OVERLAY_IMAGE=${JAVA_BASE_IMAGE:-desafios/airgap-jre:25}
OVERLAY_IMAGE=${OVERLAY_IMAGE#docker://}
OVERLAY_FLAGS=(--label desafios.challenge=cluster-check --read-only --cap-drop ALL
  --security-opt no-new-privileges --memory 32m --pids-limit 32 --tmpfs /tmp:size=1m)

every_node_sees_the_swarm() {
  local n
  for n in 1 2 3; do
    swarm_formed "$n" || { note "node $n sees:"; node_docker "$n" node ls >&2 || true; return 1; }
  done
}

stores_label_on_node_1() {
  [[ $(node_docker 1 node inspect -f '{{index .Spec.Labels "desafios.stores"}}' "$(node_name 1)") == true ]]
}

# Every node logs in to the registry (its CA from the trust folder) and pulls
# the Java base by digest, when the registry and its list of digests exist.
# The pull reads the login from the registry's client config, where
# node_login put it (never ~/.docker, which may hold another registry's).
nodes_use_registry() {
  local n image
  image=$(awk '$1 == "jre" {print $2}' "$CLUSTER_STATE/digests" 2>/dev/null)
  for n in 1 2 3; do
    node_login "$n" || return 1
    [[ -z $image ]] || DOCKER_CONFIG=$REGISTRY_DOCKER_CONFIG node_dkq "$n" pull --quiet "$image" || return 1
  done
}

# Loads an image from the host's engine into node N's unless it is there
# (until the registry serves the cluster, this is how an image reaches a node).
node_has_image() {
  local n=$1 image=$2
  node_docker "$n" image inspect "$image" >/dev/null 2>&1 && return 0
  [[ ${QUIET:-0} == 1 ]] || printf '$ docker save %s | DOCKER_HOST=%s docker load\n' "$image" "$(node_docker_host "$n")"
  docker save "$image" | node_docker "$n" load -q >/dev/null
}

# An attachable overlay network made on node 1 (a manager), a busybox httpd
# on node 2, and wget from node 3 by the server's name on that network.
overlay_between_nodes() {
  local answer
  node_has_image 2 "$OVERLAY_IMAGE" && node_has_image 3 "$OVERLAY_IMAGE" || return 1
  overlay_check_cleanup
  node_dkq 1 network create --driver overlay --attachable --label desafios.challenge=cluster-check "$OVERLAY_CHECK"
  node_dkq 2 run --detach --name "$OVERLAY_SERVER" --network "$OVERLAY_CHECK" "${OVERLAY_FLAGS[@]}" "$OVERLAY_IMAGE" \
    sh -c 'mkdir /tmp/www && hostname >/tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www'
  show "DOCKER_HOST=$(node_docker_host 3)" docker run --rm --network "$OVERLAY_CHECK" "$OVERLAY_IMAGE" wget -qO- "http://$OVERLAY_SERVER:8080/"
  answer=$(retry 20 0.5 node_docker 3 run --rm --network "$OVERLAY_CHECK" "${OVERLAY_FLAGS[@]}" "$OVERLAY_IMAGE" \
    timeout 5 wget -qO- "http://$OVERLAY_SERVER:8080/" 2>&1) || { note "no answer: $answer"; return 1; }
  note "from node 3, the server on node 2 answered: $answer"
  [[ $answer == "$(node_docker 2 inspect -f '{{.Config.Hostname}}' "$OVERLAY_SERVER")" ]]
}

overlay_check_cleanup() {
  node_docker 2 rm --force "$OVERLAY_SERVER" >/dev/null 2>&1 || true
  node_docker 1 network rm "$OVERLAY_CHECK" >/dev/null 2>&1 || true
}

# Inside each node, dockerd listens on no Docker API port (only swarm's 2377
# and 7946, and ports that services publish; 127.0.0.11 is the host engine's
# DNS for the node); no node publishes a port.
no_engine_on_tcp() {
  local n name listening
  for n in 1 2 3; do
    name=$(node_name "$n")
    listening=$(docker exec "$name" ss -ltnH | awk '{print $4}' | sort -u | paste -sd' ')
    note "$name listens on TCP: ${listening:-nothing}"
    [[ " $listening " != *:2375\ * && " $listening " != *:2376\ * ]] || return 1
    [[ -z $(docker port "$name") ]] || { note "$name publishes: $(docker port "$name")"; return 1; }
  done
}

socket_dirs_root_only() {
  local n
  for n in 1 2 3; do [[ $(stat -c '%a %u' "$(node_socket_dir "$n")") == '700 0' ]] || return 1; done
}

entry_fronts_nodes() {
  local conf n bindings address
  running "$CLUSTER_ENTRY" || return 1
  bindings=$(docker inspect -f '{{range $p, $b := .NetworkSettings.Ports}}{{range $b}}{{.HostIp}} {{end}}{{end}}' "$CLUSTER_ENTRY")
  [[ -n $bindings ]] || return 1
  for address in $bindings; do [[ $address == "$BIND_ADDRESS" ]] || return 1; done
  conf=$(docker exec "$CLUSTER_ENTRY" cat /etc/nginx/nginx.conf)
  for n in 1 2 3; do grep -q "server $(node_ip "$n"):8090 " <<<"$conf" || return 1; done
  docker exec "$CLUSTER_ENTRY" nginx -t -q
}

# The nodes that run a service's tasks, one per line: `task_nodes swarm-users`.
task_nodes() {
  node_docker 1 service ps --filter desired-state=running --format '{{.Node}} {{.CurrentState}}' "$1" |
    awk '$2 == "Running" {print $1}' | sort -u
}

# Users and orders have tasks on at least two nodes each.
tasks_spread() {
  local service nodes
  for service in swarm-users swarm-orders; do
    nodes=$(task_nodes "$service")
    note "$service runs on: $(paste -sd' ' <<<"$nodes")"
    (($(grep -c . <<<"$nodes") >= 2)) || return 1
  done
}

# Node 2's gateway (its host-mode port, on the cluster network) serves
# requests with users replicas on other nodes: the overlay carries them.
crosses_nodes() {
  local served replica slot node others=0 i
  for i in $(seq 12); do
    http GET "http://$(node_ip 2):8090/api/users/1"
    status_is 200 || return 1
    served+=$(grep -i '^x-served-by:' <<<"$HTTP_HEADERS" | tr -d '\r' | awk '{print $2}')$'\n'
  done
  for replica in $(grep . <<<"$served" | sort -u); do
    slot=${replica##*-}
    node=$(node_docker 1 service ps --filter desired-state=running --format '{{.Name}} {{.Node}}' swarm-users |
      awk -v name="swarm-users.$slot" '$1 == name {print $2}')
    note "node 2's gateway was answered by $replica, on $node"
    [[ $node == "$(node_name 2)" ]] || others=$((others + 1))
  done
  ((others > 0))
}
