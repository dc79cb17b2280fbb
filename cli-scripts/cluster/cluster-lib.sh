#!/usr/bin/env bash
# Names shared by the cluster scripts: three Docker engines in containers
# ("nodes") that form a swarm of three managers, a registry they pull from,
# and an nginx entry in front of them, all on one bridge network of fixed
# addresses. Source it after lib.sh; it defines variables and runs nothing.

CLUSTER_NETWORK=desafios-cluster
# Fixed addresses: a manager that came back on another address would confuse the others.
CLUSTER_SUBNET=${CLUSTER_SUBNET:-192.168.213.0/24}
CLUSTER_PREFIX=${CLUSTER_SUBNET%.*}      # 192.168.213
CLUSTER_NODES=(desafios-node-1 desafios-node-2 desafios-node-3)
# node N is at $CLUSTER_PREFIX.(10 + N); the registry at .10; the entry at .20.
REGISTRY_NAME=desafios-registry
REGISTRY_PORT=5000
REGISTRY_IP=$CLUSTER_PREFIX.10
REGISTRY="$REGISTRY_NAME:$REGISTRY_PORT"
REGISTRY_USER=desafios
CLUSTER_ENTRY=desafios-cluster-entry
CLUSTER_ENTRY_IP=$CLUSTER_PREFIX.20
CLUSTER_PORT=${CLUSTER_PORT:-8070}           # the entry, for the gateway (challenge 5)
CLUSTER_API_PORT=${CLUSTER_API_PORT:-8073}   # the entry, for svc-api (challenge 3)
# Root-only state outside git: the CA, the registry's certificate, key,
# htpasswd and password, and one folder per node for its engine's socket.
CLUSTER_STATE="$STATE_DIR/cluster"
# The project's CA (ca-lib.sh), shared with the gateway's HTTPS.
CLUSTER_CA_DIR="$STATE_DIR/ca"
REGISTRY_STATE="$CLUSTER_STATE/registry"
REGISTRY_PASSWORD_FILE="$REGISTRY_STATE/password"
# The Docker client config holding the registry login (root-only, never ~/.docker).
REGISTRY_DOCKER_CONFIG="$REGISTRY_STATE/docker"

# The address of node N (1-3) on the cluster network.
node_ip() { echo "$CLUSTER_PREFIX.$((10 + $1))"; }
# The folder holding node N's engine socket, bind-mounted into the node.
node_socket_dir() { echo "$CLUSTER_STATE/nodes/$1"; }
# DOCKER_HOST for node N's engine (a unix socket: no engine listens on TCP).
node_docker_host() { echo "unix://$(node_socket_dir "$1")/docker.sock"; }

# Creates the cluster network unless it exists (idempotent): a bridge with the
# fixed subnet, so that --ip can give every member the same address each time.
cluster_network() {
  CHALLENGE=cluster ensure_network "$CLUSTER_NETWORK" --subnet "$CLUSTER_SUBNET"
}

# The swarm scripts' settings (swarm/swarm-lib.sh) for the cluster: node 1's
# engine, the images by digest from the registry (with the login that pulls
# them), the gateway and the API on every node, the entry as the clients' address, each
# node's engine by its hostname, and the cluster's own passwords.
cluster_swarm_settings() {
  local n engines=()
  for n in 1 2 3; do engines+=("${CLUSTER_NODES[$((n - 1))]}=$(node_docker_host "$n")"); done
  export DOCKER_HOST SWARM_IMAGES SWARM_PUBLISHED_MODE SWARM_URL SWARM_API_URL SWARM_NODE_ENGINES SWARM_STATE_DIR \
    SWARM_TRUSTED_PROXIES
  DOCKER_HOST=$(node_docker_host 1)
  SWARM_IMAGES="$CLUSTER_STATE/digests"
  SWARM_PUBLISHED_MODE=global
  SWARM_URL="http://$BIND_ADDRESS:$CLUSTER_PORT"
  SWARM_API_URL="http://$BIND_ADDRESS:$CLUSTER_API_PORT"
  SWARM_NODE_ENGINES=${engines[*]}
  SWARM_STATE_DIR=$CLUSTER_STATE
  # Every client reaches the gateways through the entry, which names it in X-Forwarded-For.
  SWARM_TRUSTED_PROXIES=$CLUSTER_ENTRY_IP
  # Credentials belong to a client: --with-registry-auth sends this one's to the tasks.
  export DOCKER_CONFIG="$REGISTRY_DOCKER_CONFIG"
}
