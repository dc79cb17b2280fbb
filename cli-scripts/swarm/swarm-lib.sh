#!/usr/bin/env bash
# Names and helpers shared by the swarm scripts: the services of challenges 3
# and 5 run as swarm services on overlay networks. Source it after lib.sh; it
# defines functions and variables and runs nothing.

CHALLENGE=swarm
SWARM_PORT=${SWARM_PORT:-8090}           # the gateway (challenge 5)
SWARM_API_PORT=${SWARM_API_PORT:-8093}   # svc-api with its stores (challenge 3)
USERS_REPLICAS=${USERS_REPLICAS:-3}
ORDERS_REPLICAS=${ORDERS_REPLICAS:-2}
SWARM_SERVICES=(swarm-db swarm-cache swarm-users-db swarm-orders-db swarm-api swarm-users swarm-orders swarm-gateway)
SWARM_NETWORKS=(swarm-edge swarm-backend swarm-stores swarm-users-data swarm-orders-data)
SWARM_VOLUMES=(swarm-pgdata swarm-redisdata swarm-users-data swarm-orders-data)
SWARM_SECRETS=(swarm-db-password swarm-redis-password swarm-redis-conf swarm-users-db-password
  swarm-orders-db-password)

# Settings, so that one set of service definitions serves a single-node swarm
# on this engine and the three-node cluster (cli-scripts/cluster):
# - the engine: DOCKER_HOST, read by docker itself (a manager of the swarm);
# - SWARM_IMAGES: a file of "name reference" lines (svc-api, svc-users,
#   svc-orders, svc-gateway, postgres, redis), the images pulled from a
#   registry by digest; unset, the images of this engine are used;
# - SWARM_URL and SWARM_API_URL: where clients reach the gateway and the API;
# - SWARM_PUBLISHED_MODE: the gateway and the API, the published services,
#   replicated (one task each) or global (one on every node);
# - SWARM_NODE_ENGINES: "hostname=DOCKER_HOST ..." for each node's engine,
#   so that a task's container can be found on the node that runs it;
# - SWARM_STATE_DIR: where the passwords and the swarm-made mark live;
# - SWARM_TRUSTED_PROXIES: the gateway's TRUSTED_PROXIES (a proxy in front of
#   it, whose X-Forwarded-For names the client its rate limit counts); none.
SWARM_IMAGES=${SWARM_IMAGES:-}
SWARM_URL=${SWARM_URL:-http://127.0.0.1:$SWARM_PORT}
SWARM_API_URL=${SWARM_API_URL:-http://127.0.0.1:$SWARM_API_PORT}
SWARM_PUBLISHED_MODE=${SWARM_PUBLISHED_MODE:-replicated}
SWARM_NODE_ENGINES=${SWARM_NODE_ENGINES:-}
SWARM_STATE_DIR=${SWARM_STATE_DIR:-$STATE_DIR}
SWARM_TRUSTED_PROXIES=${SWARM_TRUSTED_PROXIES:-}
SWARM_SECRETS_DIR="$SWARM_STATE_DIR/secrets/swarm"
# Written by up.sh when it initialised the swarm, so that down.sh leaves only a swarm it made.
SWARM_CREATED_MARK="$SWARM_STATE_DIR/swarm-created-by-up"
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

# "running/desired" tasks of a service: a global one wants a task on every
# node that is ready and active.
service_replicas() {
  local desired
  desired=$(docker service inspect -f '{{with .Spec.Mode.Replicated}}{{.Replicas}}{{end}}' "$1")
  [[ -n $desired ]] || desired=$(docker node ls --format '{{.Status}} {{.Availability}}' | grep -c '^Ready Active$')
  printf '%s/%s\n' "$(running_tasks "$1" | grep -c . || true)" "$desired"
}

# The image of a service: `swarm_image svc-users`, `swarm_image postgres`.
swarm_image() {
  if [[ -n $SWARM_IMAGES ]]; then
    awk -v name="$1" '$1 == name { print $2; found = 1 } END { exit !found }' "$SWARM_IMAGES" ||
      die "no image for $1 in $SWARM_IMAGES"
  else
    case $1 in
      postgres) echo "$POSTGRES_IMAGE" ;;
      redis) echo "$REDIS_IMAGE" ;;
      *) echo "$IMAGE_PREFIX/$1" ;;
    esac
  fi
}

# The engine of the node that runs a task (its hostname as `docker service ps` prints it).
node_engine() {
  local pair
  for pair in $SWARM_NODE_ENGINES; do
    [[ ${pair%%=*} != "$1" ]] || { echo "${pair#*=}"; return 0; }
  done
  echo "${DOCKER_HOST:-}"
}

# docker on the engine of the node that runs a task: `on_task_node TASK_ID ps ...`.
on_task_node() {
  local engine
  engine=$(task_engine "$1") || return 1
  shift
  DOCKER_HOST=$engine docker "$@"
}

# The engine of the node that runs a task.
task_engine() {
  local node
  node=$(docker inspect --type task -f '{{.NodeID}}' "$1") || return 1
  node_engine "$(docker node inspect -f '{{.Description.Hostname}}' "$node")"
}

# The container of a running task, on whichever node runs it.
task_container() { on_task_node "$1" ps -q --filter "label=com.docker.swarm.task.id=$1"; }

# True when a service has as many running tasks as it wants, each container
# healthy, and no update of it is under way (running tasks may still be old ones).
service_converged() {
  local replicas c
  [[ $(update_state "$1") =~ ^(|completed|rollback_completed)$ ]] || return 1
  replicas=$(service_replicas "$1")
  [[ $replicas =~ ^([0-9]+)/([0-9]+)$ && ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" && ${BASH_REMATCH[1]} != 0 ]] || return 1
  for c in $(service_containers "$1"); do container_healthy "$c" || return 1; done
}

# The state of a service's last update (updating, completed, rollback_completed, ...); empty when none.
update_state() { docker service inspect -f '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "$1"; }
update_finished() { [[ $(update_state "$1") =~ ^(completed|paused|rollback_completed|rollback_paused)$ ]]; }

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
