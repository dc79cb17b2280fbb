#!/usr/bin/env bash
# Proves the cluster that up.sh made: three Ready managers that every node
# sees, one leader, node 1 labelled for the stores; an overlay network made on
# node 1 carries traffic between containers on two other nodes; the node
# containers take exactly their documented exception and no engine listens on
# TCP; the entry fronts the three nodes; the registry's proofs
# (registry-verify.sh: TLS, passwords, the same digests from a second push);
# users and orders spread over the nodes, a request crossing nodes; then
# swarm/verify.sh through the entry (routes, replicas sharing their data, a
# task killed, a rolling update to a users image pushed to the registry, a
# broken update rolled back, the stores restarted). Leaves users on the
# pushed image. Exits non-zero on any failure.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../setup.sh
source "$CLI_DIR/setup.sh"
# shellcheck source=../verify-lib.sh
source "$CLI_DIR/verify-lib.sh"
# shellcheck source=cluster-lib.sh
source "$CLI_DIR/cluster/cluster-lib.sh"
# shellcheck source=nodes-lib.sh
source "$CLI_DIR/cluster/nodes-lib.sh"
# shellcheck source=formation-lib.sh
source "$CLI_DIR/cluster/formation-lib.sh"
# shellcheck source=checks-lib.sh
source "$CLI_DIR/cluster/checks-lib.sh"

main() {
  ((EUID == 0)) || die "verifying the cluster needs root (its sockets are root-only)"
  trap overlay_check_cleanup EXIT
  say "The swarm"
  check "every node's engine answers on its socket, and each sees three Ready managers and a leader" every_node_sees_the_swarm
  note "leader: $(swarm_leader || echo none)"
  check "node 1 carries the label desafios.stores=true" stores_label_on_node_1
  if running "$REGISTRY_NAME" && [[ -r $REGISTRY_PASSWORD_FILE ]]; then
    check "every node trusts the registry's CA, logs in to $REGISTRY and pulls from it by digest" nodes_use_registry
  else
    note "the registry is not running: the nodes' login to it is not checked"
  fi
  say "Traffic between nodes"
  check "an overlay network made on node 1 carries HTTP from a container on node 3 to one on node 2" overlay_between_nodes
  say "Security"
  check "no engine listens on TCP 2375 or 2376 inside any node, and no node publishes a port" no_engine_on_tcp
  check "the socket folders are root-only (0700)" socket_dirs_root_only
  check "audit.sh cluster: nodes take exactly their exception; the entry and the services inside are hardened" \
    bash "$CLI_DIR/audit.sh" cluster
  say "The entry"
  check "the entry nginx runs, publishes only on $BIND_ADDRESS, and sends to the three nodes" entry_fronts_nodes
  local failed=0
  "$CLI_DIR/cluster/registry-verify.sh" || failed=1
  say "The services on the cluster"
  # From here on, docker speaks to node 1's engine (a manager).
  cluster_swarm_settings
  check "users and orders have tasks on at least two nodes each" tasks_spread
  check "node 2's gateway is answered by users replicas on other nodes (overlay across nodes)" crosses_nodes
  checks_done "cluster verify" || failed=1
  SWARM_ROLL_IMAGE="env -u DOCKER_HOST bash $CLI_DIR/cluster/registry.sh rolled-users" "$CLI_DIR/swarm/verify.sh" || failed=1
  ((failed == 0))
}

main "$@"
