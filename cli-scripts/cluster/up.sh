#!/usr/bin/env bash
# Brings the cluster up: three Docker engines in containers ("nodes") on the
# bridge network desafios-cluster, formed into a swarm of three managers
# (node 1 labelled for the stores), each trusting the registry's CA and
# logged in to it when the registry runs, and the entry nginx in front of
# them on $BIND_ADDRESS:$CLUSTER_PORT and :$CLUSTER_API_PORT. Idempotent: a
# formed swarm is left as it is, a stopped node started. Leaves it all running;
# cluster/down.sh removes it.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../setup.sh
source "$CLI_DIR/setup.sh"
# shellcheck source=cluster-lib.sh
source "$CLI_DIR/cluster/cluster-lib.sh"
# shellcheck source=nodes-lib.sh
source "$CLI_DIR/cluster/nodes-lib.sh"
# shellcheck source=formation-lib.sh
source "$CLI_DIR/cluster/formation-lib.sh"
# shellcheck source=entry-lib.sh
source "$CLI_DIR/cluster/entry-lib.sh"

main() {
  local start=$SECONDS n
  ((EUID == 0)) || die "the cluster needs root (its state folders are root-only); run it as root"
  say "Three nodes, one swarm of three managers"
  nodes_up
  if [[ -r $REGISTRY_PASSWORD_FILE ]] && running "$REGISTRY_NAME"; then
    say "Every node logs in to the registry $REGISTRY"
    for n in 1 2 3; do node_login "$n"; done
  else
    note "no registry running yet: the nodes will log in once it runs (node_login N)"
  fi
  say "The entry: nginx in front of the three nodes"
  entry_up
  say "Cluster up in $((SECONDS - start)) s: gateway http://$BIND_ADDRESS:$CLUSTER_PORT/, API http://$BIND_ADDRESS:$CLUSTER_API_PORT/"
}

main "$@"
