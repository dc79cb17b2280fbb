#!/usr/bin/env bash
# How up.sh makes a swarm service: the flags every service, Java service and
# store gets (service_flags), a service created unless it exists, one of the
# project's rolled to a new image or made again when its settings changed, a
# PostgreSQL service, a service's database settings and its published port.
# Source it after build-images.sh and swarm-lib.sh; it defines functions and
# runs nothing (service_flags needs ENDPOINT_MODE and PUBLISH_MODE chosen).

# What every service gets: docs/design.md's hardening as far as services take it
# (read-only root, no capabilities, pids/CPU limits, bounded restarts and logs; swarm
# has no --security-opt, so no no-new-privileges), rolling updates that roll
# back on failure, and a hostname that names the replica. Tasks restart on any
# exit: PostgreSQL and Redis exit 0 when stopped, so a store stopped for
# failing its health checks on a busy machine would otherwise be "complete"
# and never run again.
service_flags() {
  SERVICE_FLAGS=(--detach --no-resolve-image --endpoint-mode "$ENDPOINT_MODE"
    ${SWARM_IMAGES:+--with-registry-auth}
    --label desafios.challenge=swarm --container-label desafios.challenge=swarm
    --hostname '{{.Service.Name}}-{{.Task.Slot}}'
    --read-only --cap-drop ALL --limit-pids 128 --limit-cpu 1 --log-driver local
    --mount type=tmpfs,destination=/tmp,tmpfs-size=16777216
    --restart-condition any --restart-delay 1s --restart-max-attempts 5 --restart-window 2m
    --update-parallelism 1 --update-delay 2s --update-monitor 5s --update-failure-action rollback
    --rollback-parallelism 1 --stop-grace-period 10s)
  # Swarm replaces an unhealthy task: a service that has been up once and
  # whose store is down answers /health with 503 DOWN and counts as alive
  # (--alive), so that a store's outage does not restart every service that
  # uses it; a new task is healthy only at its first 200, so that a rolling
  # update waits for a replica that can serve.
  # shellcheck disable=SC2034 # up.sh gives it to each Java service
  JAVA_FLAGS=("${SERVICE_FLAGS[@]}" --limit-memory 256m
    --health-cmd '/app/healthcheck --alive' --health-interval 3s --health-timeout 4s --health-retries 3
    --health-start-period 30s)
  # One writer per data directory: the old task stops before the new one starts.
  # A first start initialises the data directory: a task killed as unhealthy
  # in the middle of it would leave one that never starts, so the start
  # period is long (a healthy answer ends it early, it costs nothing).
  STORE_FLAGS=("${SERVICE_FLAGS[@]}" --user "$STORE_UID:$STORE_UID" --constraint node.labels.desafios.stores==true
    --update-order stop-first --rollback-order stop-first
    --health-interval 3s --health-timeout 10s --health-retries 5 --health-start-period 180s)
}

# create_service NAME [docker service create options...] IMAGE [COMMAND...]
create_service() {
  local name=$1; shift
  if service_exists "$name"; then
    note "service $name exists ($(service_replicas "$name") running); left as it is"
  else
    dkq service create --name "$name" "$@"
  fi
}

# One of the project's services (its image the last argument): created, or,
# when it runs another image (a new build, pushed by digest), rolled to this
# one with its own update settings. One made with other settings (a new
# health check, global instead of replicated: what an image update does not
# carry, recorded as a hash in the label desafios.spec) is removed and
# created again.
create_app_service() {
  local name=$1 image=${!#} spec running
  spec=$(printf '%s\n' "${@:1:$#-1}" | sha256sum | cut -c1-16)
  if service_exists "$name" && [[ $(docker service inspect -f '{{index .Spec.Labels "desafios.spec"}}' "$name") != "$spec" ]]; then
    note "service $name was made with other settings; removed, to be created with these"
    dkq service rm "$name"
  fi
  if service_exists "$name"; then
    running=$(docker service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Image}}' "$name")
    if [[ $running != "$image" ]]; then
      dkq service update --detach --no-resolve-image ${SWARM_IMAGES:+--with-registry-auth} --image "$image" "$name"
      return
    fi
  fi
  create_service "$name" --label "desafios.spec=$spec" "${@:2}"
}

# A PostgreSQL service on the stores node: `create_postgres NAME NETWORK ALIAS
# VOLUME SECRET MEMORY`; user and database app, the password from the secret.
create_postgres() {
  local name=$1 network=$2 alias=$3 volume=$4 secret=$5 memory=$6
  create_service "$name" "${STORE_FLAGS[@]}" --network "name=$network,alias=$alias" --limit-memory "$memory" \
    --mount type=tmpfs,destination=/var/run/postgresql,tmpfs-size=1048576,tmpfs-mode=1777 \
    --mount "type=volume,source=$volume,destination=/var/lib/postgresql/data" \
    --secret "source=$secret,target=db_password,uid=$STORE_UID,gid=$STORE_UID,mode=0400" \
    --env POSTGRES_USER=app --env POSTGRES_DB=app --env POSTGRES_PASSWORD_FILE=/run/secrets/db_password \
    --health-cmd "$PG_HEALTH_CMD" "$(swarm_image postgres)"
}

# What a Java service needs to reach its own database, into an array:
# `database_flags ARRAY SECRET HOST`.
database_flags() {
  local -n flags=$1
  flags=(--secret "source=$2,target=db_password,uid=$SERVICE_UID,gid=$SERVICE_UID,mode=0400"
    --env "DB_URL=jdbc:postgresql://$3:5432/app" --env DB_USER=app --env DB_PASSWORD_FILE=/run/secrets/db_password)
}

# --publish for a published service, in the chosen mode.
publish() { printf -- '--publish=mode=%s,published=%s,target=8080' "$PUBLISH_MODE" "$1"; }
