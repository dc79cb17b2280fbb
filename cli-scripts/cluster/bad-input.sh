#!/usr/bin/env bash
# What a learner meets when a cluster step fails, proved on the running
# cluster with a spare fourth node (desafios-node-4, never a member):
#   - a node whose engine never comes up (too little memory for dockerd):
#     up gives up with one line naming the node and the fix;
#   - a join whose token the swarm refuses: one line naming the fix, and the
#     swarm still three managers;
#   - a node that logs in with a wrong registry password: one line naming the
#     fix, and the right password still works.
# down.sh removes the spare node with the others (it removes every node); this
# script removes it too. Exits non-zero on any failure.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=../verify-lib.sh
source "$CLI_DIR/verify-lib.sh"
# shellcheck source=cluster-lib.sh
source "$CLI_DIR/cluster/cluster-lib.sh"
# shellcheck source=nodes-lib.sh
source "$CLI_DIR/cluster/nodes-lib.sh"
# shellcheck source=formation-lib.sh
source "$CLI_DIR/cluster/formation-lib.sh"

SPARE=4
CLUSTER_NODES+=(desafios-node-4)
WORK=$(mktemp -d)

# Runs a step that must fail, its errors kept in $WORK/err: true when it
# failed with exactly one "error:" line matching the regex.
fails_with_one_line() {
  local pattern=$1; shift
  if ("$@") >"$WORK/out" 2>"$WORK/err"; then
    note "it succeeded"
    return 1
  fi
  local lines
  lines=$(grep '^error: ' "$WORK/err" || true)
  note "${lines:-no error line}"
  [[ $(grep -c . <<<"$lines") == 1 ]] && grep -Eq "$pattern" <<<"$lines"
}

spare_down() {
  remove_containers "$(node_name "$SPARE")" || true
  remove_volumes "$(node_volume "$SPARE")" || true
  rm -rf "$(node_socket_dir "$SPARE")"
}

cleanup() {
  spare_down >/dev/null 2>&1 || true
  rm -rf "$WORK"
}

# The spare node started with the given memory, waited for as up.sh waits.
spare_up() { NODE_MEMORY=$1 node_start "$SPARE" && node_wait "$SPARE"; }

wrong_password_login() {
  printf 'not-the-password\n' >"$WORK/password"
  REGISTRY_PASSWORD_FILE="$WORK/password" REGISTRY_DOCKER_CONFIG="$WORK/docker" node_login "$SPARE"
}
right_password_login() { REGISTRY_DOCKER_CONFIG="$WORK/docker" node_login "$SPARE"; }

main() {
  ((EUID == 0)) || die "the cluster's bad-input checks need root (its sockets are root-only)"
  swarm_formed 1 || die "the cluster is not three Ready managers; run cluster/up.sh first"
  trap cleanup EXIT
  nodes_image >/dev/null
  QUIET=1
  say "A node whose engine never comes up (6 MiB of memory)"
  spare_down >/dev/null 2>&1 || true
  check "up gives up on it with one line naming the node and what to run" \
    fails_with_one_line "$(node_name "$SPARE"): no engine answered .* run cluster/down.sh and cluster/up.sh" spare_up 6m
  spare_down >/dev/null
  say "A spare node with room: a refused join, a wrong registry password"
  spare_up "$NODE_MEMORY" >/dev/null || die "the spare node did not come up"
  local token
  token=$(node_docker 1 swarm join-token -q manager) || die "node 1 gave no manager token"
  # The swarm's own CA digest with a secret it never issued: a rotated token.
  check "a join with a token the swarm refuses (its secret rotated): one line naming the fix" \
    fails_with_one_line "could not join the swarm as a manager .*run cluster/down.sh, then cluster/up.sh" \
    join_with_token "$SPARE" "${token%-*}-$(printf '0%.0s' {1..25})"
  check "the swarm is still three Ready managers" swarm_formed 1
  if [[ -r $REGISTRY_PASSWORD_FILE ]]; then
    check "a node logging in with a wrong registry password: one line naming the fix" \
      fails_with_one_line "could not log in to $REGISTRY .*the password is its own" wrong_password_login
    check "the right password logs the same node in" right_password_login
  else
    check "the registry's password is there ($REGISTRY_PASSWORD_FILE)" false
  fi
  spare_down >/dev/null
  check "the spare node and its volume are gone" eval \
    '! docker container inspect "$(node_name "$SPARE")" >/dev/null 2>&1 && ! docker volume inspect "$(node_volume "$SPARE")" >/dev/null 2>&1'
  checks_done "cluster bad input"
}

main "$@"
