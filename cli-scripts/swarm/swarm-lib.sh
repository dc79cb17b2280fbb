#!/usr/bin/env bash
# Names and helpers shared by the swarm scripts: the services of challenges 3
# and 5 run as swarm services on overlay networks. Source it after lib.sh; it
# defines functions and variables and runs nothing.

CHALLENGE=swarm
SWARM_PORT=${SWARM_PORT:-8090}           # the gateway (challenge 5)
SWARM_API_PORT=${SWARM_API_PORT:-8093}   # svc-api with its stores (challenge 3)
USERS_REPLICAS=${USERS_REPLICAS:-3}
ORDERS_REPLICAS=${ORDERS_REPLICAS:-2}
SWARM_SERVICES=(swarm-db swarm-cache swarm-api swarm-users swarm-orders swarm-gateway)
SWARM_NETWORKS=(swarm-edge swarm-backend swarm-stores)
SWARM_VOLUMES=(swarm-pgdata swarm-redisdata)
SWARM_SECRETS=(swarm-db-password swarm-redis-password swarm-redis-conf)
SWARM_SECRETS_DIR="$STATE_DIR/secrets/swarm"
# Written by up.sh when it initialised the swarm, so that down.sh leaves only a swarm it made.
SWARM_CREATED_MARK="$STATE_DIR/swarm-created-by-up"
# verify.sh tags each rebuilt users image for its rolling update rolled-<time>:
# a new name, so that the service's spec changes even on a second run.
ROLLED_TAGS="$IMAGE_PREFIX/svc-users:rolled-*"

# Swarm's virtual IPs are IPVS rules in the kernel; without IPVS a VIP answers
# "no route to host". True when IPVS is loaded or there is a module to load.
ipvs_available() {
  [[ -e /proc/net/ip_vs ]] || compgen -G "/lib/modules/$(uname -r)/kernel/net/netfilter/ipvs/ip_vs.ko*" >/dev/null
}

swarm_active() { [[ $(docker info -f '{{.Swarm.LocalNodeState}}' 2>/dev/null) == active ]]; }
service_exists() { docker service inspect "$1" >/dev/null 2>&1; }

# The running containers of a service on this node.
service_containers() { docker ps -q --filter "label=com.docker.swarm.service.name=$1"; }

# The ids of a service's tasks that should run and do (a task with a health
# check is Running only once healthy).
running_tasks() {
  docker service ps --no-trunc --filter desired-state=running --format '{{.ID}} {{.CurrentState}}' "$1" |
    awk '$2 == "Running" { print $1 }'
}

# "running/desired" tasks of a replicated service.
service_replicas() {
  printf '%s/%s\n' "$(running_tasks "$1" | grep -c . || true)" \
    "$(docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$1")"
}

# True when a service has as many running tasks as it wants, each container healthy.
service_converged() {
  local replicas c
  replicas=$(service_replicas "$1")
  [[ $replicas =~ ^([0-9]+)/([0-9]+)$ && ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" && ${BASH_REMATCH[1]} != 0 ]] || return 1
  for c in $(service_containers "$1"); do container_healthy "$c" || return 1; done
}

# Waits (up to 120 s) for each service to converge; on giving up prints its tasks.
wait_converged() {
  local name start=$SECONDS
  for name in "$@"; do
    if ! retry 240 0.5 service_converged "$name"; then
      err "$name did not converge; its tasks:"
      docker service ps --no-trunc "$name" >&2 || true
      return 1
    fi
  done
  note "converged: $* ($((SECONDS - start)) s)"
}
