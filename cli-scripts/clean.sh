#!/usr/bin/env bash
# Removes everything the project made: every container, network and volume
# labelled desafios.challenge, the swarm's services and secrets (and the swarm
# when its up.sh initialised it), the cluster (nodes, entry, registry, its
# /etc/hosts line and certs.d entry), the desafios/* images (air-gapped bases too),
# the state directory (generated secrets, logs; only when it is the default
# one or carries set-up's mark), and stops an engine that set-up started.
# Data in the volumes is lost.
set -Eeuo pipefail
# shellcheck source=setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

# Removes every object of a kind that carries the project's label.
remove_labelled() {
  local kind=$1 list
  list=$(docker "$kind" ls -q --filter label=desafios.challenge)
  # shellcheck disable=SC2086 # one argument per id
  [[ -z $list ]] || dkq "$kind" rm $list
}

main() {
  if engine_answers; then
    # Swarm services, secrets and a swarm that its up.sh initialised go first.
    "$CLI_DIR/swarm/down.sh" --volumes
    # The cluster: its nodes, entry and registry, and the registry's marks
    # outside the engine (its /etc/hosts line and certs.d entry).
    "$CLI_DIR/cluster/down.sh" --volumes
    say "Removing the project's containers, networks, volumes and images"
    local list
    list=$(docker container ls -q --all --filter label=desafios.challenge)
    # shellcheck disable=SC2086 # one argument per id
    [[ -z $list ]] || dkq container rm --force $list
    remove_labelled network
    remove_labelled volume
    list=$( (docker image ls -q --filter "reference=$IMAGE_PREFIX/*"
      docker image ls -q --all --filter label=desafios.project
      docker image ls -q --all --filter label=desafios.airgap.source) | sort -u)
    [[ -z $list ]] || dkq image rm --force $list
    stop_engine
  else
    note "no engine answers: nothing to remove from it"
  fi
  [[ -d $STATE_DIR ]] || return 0
  state_dir_ours || die "$STATE_DIR has no $STATE_MARK and is not the default state directory: not removed; if it holds only this project's state, remove it yourself"
  say "Removing the state directory $STATE_DIR"
  rm -rf "$STATE_DIR"
}

main "$@"
