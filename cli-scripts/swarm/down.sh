#!/usr/bin/env bash
# Swarm: removes the services, the overlay networks and the rebuilt users
# images of verify.sh; keeps the volumes, the docker secrets and the password
# files unless --volumes is given (then all go, together). Leaves the swarm
# only when up.sh initialised it.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=swarm-lib.sh
source "$CLI_DIR/swarm/swarm-lib.sh"

no_task_containers() { [[ -z $(docker ps -aq --filter label=desafios.challenge=swarm) ]]; }

remove_services() {
  local name present=()
  for name in "${SWARM_SERVICES[@]}"; do service_exists "$name" && present+=("$name"); done
  ((${#present[@]} == 0)) || dkq service rm "${present[@]}"
  # Removing a service returns at once; its containers stop (and drain) after.
  retry 120 0.25 no_task_containers || die "the swarm services' containers are still there after 30 s"
}

main() {
  say "Swarm: removing services and networks"
  if swarm_active; then
    remove_services
    remove_networks "${SWARM_NETWORKS[@]}"
  else
    note "no active swarm: no services or networks to remove"
  fi
  local rolled
  rolled=$(docker image ls --format '{{.Repository}}:{{.Tag}}' --filter "reference=$ROLLED_TAGS")
  # shellcheck disable=SC2086 # one argument per image
  [[ -z $rolled ]] || dkq image rm $rolled
  if [[ ${1:-} == --volumes ]]; then
    say "Swarm: removing the volumes and their passwords (the data is gone)"
    remove_volumes "${SWARM_VOLUMES[@]}"
    local name
    if swarm_active; then
      for name in "${SWARM_SECRETS[@]}"; do
        if docker secret inspect "$name" >/dev/null 2>&1; then dkq secret rm "$name"; fi
      done
    fi
    show rm -rf "$SWARM_SECRETS_DIR"
    rm -rf "$SWARM_SECRETS_DIR"
  else
    note "volumes ${SWARM_VOLUMES[*]} and their passwords kept; down.sh --volumes removes them"
  fi
  if [[ -f $SWARM_CREATED_MARK ]] && swarm_active; then
    say "Leaving the swarm that up.sh initialised"
    dkq swarm leave --force
  fi
  rm -f "$SWARM_CREATED_MARK"
}

main "$@"
