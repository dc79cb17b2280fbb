#!/usr/bin/env bash
# Brings the cluster up and deploys challenges 3 and 5 onto it: the registry
# (desafios-registry:5000, TLS and a password) with the six service images
# pushed by Jib and the base images by the engine, each recorded by digest;
# three Docker engines in containers ("nodes") on the bridge network
# desafios-cluster, formed into a swarm of three managers (node 1 labelled
# for the stores), each trusting the registry's CA and logged in to it; the
# entry nginx in front of them on $BIND_ADDRESS:$CLUSTER_PORT and
# :$CLUSTER_API_PORT; then swarm/up.sh against node 1's engine, with the
# images by digest and the gateway and the API on every node. Idempotent: a formed swarm
# and running services are left as they are, a stopped node started.
# Leaves it all running; cluster/down.sh removes it.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=../verify-lib.sh
source "$CLI_DIR/verify-lib.sh"
# shellcheck source=cluster-lib.sh
source "$CLI_DIR/cluster/cluster-lib.sh"
# shellcheck source=registry-lib.sh
source "$CLI_DIR/cluster/registry-lib.sh"
# shellcheck source=nodes-lib.sh
source "$CLI_DIR/cluster/nodes-lib.sh"
# shellcheck source=formation-lib.sh
source "$CLI_DIR/cluster/formation-lib.sh"
# shellcheck source=entry-lib.sh
source "$CLI_DIR/cluster/entry-lib.sh"

main() {
  local start=$SECONDS n
  ((EUID == 0)) || die "the cluster needs root (its state folders are root-only); run it as root"
  setup_all
  timed "Starting the registry" registry_up
  registry_push_all
  say "Three nodes, one swarm of three managers"
  nodes_up
  say "Every node logs in to the registry $REGISTRY"
  for n in 1 2 3; do node_login "$n"; done
  say "The entry: nginx in front of the three nodes"
  entry_up
  say "Challenges 3 and 5 on the cluster's swarm (node 1's engine, images by digest)"
  cluster_swarm_settings
  "$CLI_DIR/swarm/up.sh"
  say "Cluster up in $((SECONDS - start)) s: gateway $SWARM_URL/, API $SWARM_API_URL/"
}

main "$@"
