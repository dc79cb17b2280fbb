#!/usr/bin/env bash
# The cluster's nodes: three Docker engines, each in a container of its own
# (a "node", standing for a machine), that form a swarm of three managers.
# Source it after lib.sh, setup.sh (at the top level: it declares a map) and
# cluster-lib.sh; it defines functions and runs nothing; formation-lib.sh
# forms the nodes into a swarm. What others call: node_dk N ARGS... (printed),
# node_dkq (stdout dropped), node_docker N ARGS... (unprinted), node_name N,
# node_trust, node_login N, node_engine_answers N, nodes_down.

CHALLENGE=cluster
NODE_MEMORY=${NODE_MEMORY:-3g}
NODE_CPUS=${NODE_CPUS:-2}
NODE_PIDS=${NODE_PIDS:-4096}
# The registry's CA certificate alone (never its key), read-only in every
# node where the engine looks for a registry's CA (certs.d/<name>:<port>).
NODE_TRUST_DIR="$CLUSTER_STATE/trust"
# The one audited exception to the hardening rules (docs/design.md, docs/security.md):
# what an engine in a container needs here, where --privileged is refused
# (the host's bounding set lacks CAP_SYS_RESOURCE). audit.sh cluster accepts
# exactly these on the node containers and nothing more.
NODE_EXCEPTION=(--cap-add ALL --cap-drop SYS_RESOURCE
  --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined
  --device-cgroup-rule 'a *:* rwm' --volume /sys/fs/cgroup:/sys/fs/cgroup:rw --volume /lib/modules:/lib/modules:ro)

node_name() { echo "${CLUSTER_NODES[$(($1 - 1))]}"; }
node_volume() { echo "$(node_name "$1")-data"; }

# Runs docker against node N's engine, printed first: `node_dk 1 node ls`.
node_dk() {
  local host
  host=$(node_docker_host "$1"); shift
  show "DOCKER_HOST=$host" docker "$@"
  DOCKER_HOST=$host docker "$@"
}
# The same, discarding what docker prints on stdout (ids, tokens).
node_dkq() {
  local host
  host=$(node_docker_host "$1"); shift
  show "DOCKER_HOST=$host" docker "$@"
  DOCKER_HOST=$host docker "$@" >/dev/null
}
# Unprinted (reads for checks and waits).
node_docker() { local host; host=$(node_docker_host "$1"); shift; DOCKER_HOST=$host docker "$@"; }

node_engine_answers() { node_docker "$1" version -f '{{.Server.Version}}' >/dev/null 2>&1; }

# The image of the nodes: docker:dind when present or pullable, else the
# air-gapped stand-in desafios/airgap-dind:20 (built when missing or stale).
nodes_image() {
  pick_image NODE_IMAGE docker:dind dind
  say "Node image: $NODE_IMAGE"
}

# Copies the registry's CA certificate (when set-up has made it) where every
# node reads it; engines read certs.d on each pull, so no node restarts.
node_trust() {
  install -d -m 0755 "$NODE_TRUST_DIR"
  if [[ -f $CLUSTER_CA_DIR/ca.crt ]]; then
    install -m 0644 "$CLUSTER_CA_DIR/ca.crt" "$NODE_TRUST_DIR/ca.crt"
    note "the nodes trust the registry's CA ($NODE_TRUST_DIR/ca.crt)"
  fi
}

# Logs node N's engine in to the registry, the password on stdin (never an
# argument). The engine checks it against the registry, through the CA above;
# the client keeps the credentials in its config (DOCKER_CONFIG, default
# ~/.docker), and services created with --with-registry-auth carry them to
# the nodes that pull.
node_login() {
  local n=$1
  [[ -r $REGISTRY_PASSWORD_FILE ]] || { err "no registry password at $REGISTRY_PASSWORD_FILE; run the registry's set-up first"; return 1; }
  [[ ${QUIET:-0} == 1 ]] || printf '$ DOCKER_HOST=%s docker login --username %s --password-stdin %s <%s\n' \
    "$(node_docker_host "$n")" "$REGISTRY_USER" "$REGISTRY" "$REGISTRY_PASSWORD_FILE"
  local out
  # The client's warning about credentials stored unencrypted is kept for a failure.
  # The login lands in the client's config: the registry's root-only one, never ~/.docker.
  out=$(DOCKER_CONFIG="$REGISTRY_DOCKER_CONFIG" node_docker "$n" login --username "$REGISTRY_USER" --password-stdin "$REGISTRY" <"$REGISTRY_PASSWORD_FILE" 2>&1) ||
    { err "node $n could not log in to $REGISTRY ($(tail -n 1 <<<"$out")); check that the registry runs, that the nodes have its CA ($NODE_TRUST_DIR) and that the password is its own"; return 1; }
}

# Starts node N: a running one is left as it is, a stopped one started, a
# missing one created on its fixed address with its volume and socket folder.
node_start() {
  local n=$1 name socket_dir state
  name=$(node_name "$n") socket_dir=$(node_socket_dir "$n")
  state=$(docker inspect -f '{{.State.Status}}' "$name" 2>/dev/null || true)
  case $state in
    running) note "$name is running"; return 0 ;;
    '') ;;
    *) dkq start "$name"; return 0 ;;
  esac
  install -d -m 0700 "$CLUSTER_STATE" "$CLUSTER_STATE/nodes" "$socket_dir"
  ensure_volume "$(node_volume "$n")"
  dkq run --detach --name "$name" --hostname "$name" \
    --label desafios.challenge=cluster --label desafios.role=node \
    --network "$CLUSTER_NETWORK" --ip "$(node_ip "$n")" \
    "${NODE_EXCEPTION[@]}" --init --tmpfs /run:size=64m --tmpfs /tmp:size=256m \
    --memory "$NODE_MEMORY" --cpus "$NODE_CPUS" --pids-limit "$NODE_PIDS" \
    --restart on-failure:3 --log-driver local --env DOCKER_TLS_CERTDIR= \
    --health-cmd 'docker version >/dev/null' --health-interval 5s --health-timeout 4s --health-retries 3 \
    --volume "$(node_volume "$n"):/var/lib/docker" \
    --mount "type=bind,source=$socket_dir,target=/run/desafios" \
    --mount "type=bind,source=$NODE_TRUST_DIR,target=/etc/docker/certs.d/$REGISTRY,readonly" \
    --mount "type=bind,source=$CLI_DIR/cluster/node-start.sh,target=/usr/local/bin/desafios-node-start,readonly" \
    --entrypoint desafios-node-start "$NODE_IMAGE"
}

# Waits (up to 60 s, less when the node has stopped for good) for node N's
# engine to answer on its socket; on giving up prints the node's state and
# last logs and fails with one line naming the fix.
node_wait() {
  local n=$1 name start=$SECONDS try state
  name=$(node_name "$n")
  for ((try = 0; try < 120; try++)); do
    if node_engine_answers "$n"; then
      note "$name: Engine $(node_docker "$n" version -f '{{.Server.Version}}') answers ($((SECONDS - start)) s)"
      return 0
    fi
    # Exited after its last restart (on-failure:3): nothing more will come.
    state=$(docker inspect -f '{{.State.Status}} {{.RestartCount}}' "$name" 2>/dev/null || echo gone)
    [[ $state == 'exited 3' || $state == gone ]] && break
    sleep 0.5
  done
  docker inspect -f 'state={{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}}' "$name" >&2 || true
  docker logs --tail 30 "$name" >&2 || true
  err "$name: no engine answered on $(node_socket_dir "$n")/docker.sock after $((SECONDS - start)) s: dockerd did not start in the node (its logs above; NODE_IMAGE=${NODE_IMAGE:-}); fix that, then run cluster/down.sh and cluster/up.sh"
  return 1
}

# "state cluster-id" of node N's swarm membership: inactive, active, pending, error.
node_swarm_state() { node_docker "$1" info -f '{{.Swarm.LocalNodeState}} {{.Swarm.Cluster.ID}}' 2>/dev/null; }

# Removes the nodes (every container labelled a node, a spare one a check
# made included), their volumes (the engines' images and swarm state) and
# their socket folders; keeps going past what is already gone.
nodes_down() {
  local names volumes
  names=$(docker ps -a --filter label=desafios.challenge=cluster --filter label=desafios.role=node --format '{{.Names}}')
  volumes=$(docker volume ls -q | grep -E '^desafios-node-[0-9]+-data$' || true)
  # shellcheck disable=SC2086 # names: one word each
  [[ -z $names ]] || remove_containers $names || true
  # shellcheck disable=SC2086
  [[ -z $volumes ]] || remove_volumes $volumes || true
  rm -rf "$CLUSTER_STATE/nodes" "$NODE_TRUST_DIR"
}
