#!/usr/bin/env bash
# Takes the cluster's nodes and entry down: removes the entry nginx and its
# config, the three node containers, their volumes (each engine's images,
# containers and swarm state: a node is a machine, and up.sh makes new ones
# in seconds; with or without --volumes), their socket folders, the CA copy
# they read and the swarm's passwords (their databases went with the nodes),
# the registry (with --volumes also its images, CA, password and the
# digests), and the network desafios-cluster. Keeps going past anything
# already gone.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=cluster-lib.sh
source "$CLI_DIR/cluster/cluster-lib.sh"
# shellcheck source=registry-lib.sh
source "$CLI_DIR/cluster/registry-lib.sh"
# shellcheck source=nodes-lib.sh
source "$CLI_DIR/cluster/nodes-lib.sh"
# shellcheck source=entry-lib.sh
source "$CLI_DIR/cluster/entry-lib.sh"

# Removes the cluster network unless a container (the registry) is still on it.
remove_cluster_network() {
  local attached
  docker network inspect "$CLUSTER_NETWORK" >/dev/null 2>&1 || return 0
  attached=$(docker network inspect -f '{{range .Containers}}{{.Name}} {{end}}' "$CLUSTER_NETWORK" | xargs)
  if [[ -n $attached ]]; then
    note "network $CLUSTER_NETWORK kept: $attached is on it"
  else
    remove_networks "$CLUSTER_NETWORK"
  fi
}

main() {
  local failed=0
  [[ ${1:-} == '' || $1 == --volumes ]] || die "usage: cluster/down.sh [--volumes]"
  say "Removing the cluster's entry and nodes"
  entry_down || failed=1
  nodes_down || failed=1
  show rm -rf "$CLUSTER_STATE/secrets" "$CLUSTER_STATE/swarm-created-by-up"
  rm -rf "$CLUSTER_STATE/secrets" "$CLUSTER_STATE/swarm-created-by-up"
  registry_down "$@" || failed=1
  remove_cluster_network || failed=1
  ((failed == 0)) || die "some of the cluster could not be removed (above); run cluster/down.sh again"
  say "Cluster removed"
}

main "$@"
