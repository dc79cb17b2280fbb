#!/usr/bin/env bash
# Networks, volumes and hardened containers: idempotent creation and removal,
# the hardening every container gets, and the Java services' health check.
# Sourced by lib.sh, once, under its load-once guard (HARDENED is readonly):
# source lib.sh, not this file. It defines functions and a constant and runs
# nothing.

# Creates a network unless it exists, a bridge unless a driver comes first:
# `ensure_network desafio1-net [--internal]`, `ensure_network NAME --driver overlay`.
ensure_network() {
  local name=$1 driver=bridge; shift
  if [[ ${1:-} == --driver ]]; then driver=$2; shift 2; fi
  if docker network inspect "$name" >/dev/null 2>&1; then
    note "network $name exists"
  else
    dkq network create --driver "$driver" --label "desafios.challenge=$CHALLENGE" "$@" "$name"
  fi
}

# Creates a named volume unless it exists.
ensure_volume() {
  local name=$1
  if docker volume inspect "$name" >/dev/null 2>&1; then
    note "volume $name exists (data kept)"
  else
    dkq volume create --label "desafios.challenge=$CHALLENGE" "$name"
  fi
}

# Removes containers if present (quietly when absent).
remove_containers() {
  local name
  for name in "$@"; do
    if docker container inspect "$name" >/dev/null 2>&1; then
      dkq rm --force "$name"
    fi
  done
}

# Removes networks and volumes if present.
remove_networks() {
  local name
  for name in "$@"; do
    if docker network inspect "$name" >/dev/null 2>&1; then dkq network rm "$name"; fi
  done
}
remove_volumes() {
  local name
  for name in "$@"; do
    if docker volume inspect "$name" >/dev/null 2>&1; then dkq volume rm "$name"; fi
  done
}

# The hardening every container gets (docs/design.md): read-only root, no
# capabilities, no privilege gain, bounded memory/CPU/pids, bounded restarts,
# and bounded logs: the local driver keeps five rotated 20 MB files (json-file,
# the default, grows without end) and costs Docker less CPU per line.
readonly HARDENED=(--read-only --cap-drop ALL --security-opt no-new-privileges
  --pids-limit 128 --restart on-failure:3 --log-driver local)

# Connects a container to one more network (with an alias) unless it is on it:
# `join_network NETWORK CONTAINER [ALIAS]`. docker run joins one network only.
join_network() {
  local network=$1 name=$2 alias=${3:-}
  docker inspect -f '{{json .NetworkSettings.Networks}}' "$name" | grep -q "\"$network\"" && return 0
  dkq network connect ${alias:+--alias "$alias"} "$network" "$name"
}

# Starts a hardened container, or leaves it running when it already runs the
# current image with the same options (a hash of them is its label
# desafios.spec: a setting changed, such as RATE_LIMIT, recreates it):
# `run_container NAME IMAGE [docker run options...] [-- command arguments...]`.
run_container() {
  local name=$1 image=$2 spec options=() command=(); shift 2
  spec=$(printf '%s\n' "$@" | sha256sum | cut -c1-16)
  while (($#)) && [[ $1 != -- ]]; do options+=("$1"); shift; done
  (($#)) && shift && command=("$@")
  if container_current "$name" "$image" && [[ $(docker inspect -f '{{index .Config.Labels "desafios.spec"}}' "$name") == "$spec" ]]; then
    note "$name is already running the current $image"
    return 0
  fi
  remove_containers "$name"
  dkq run --detach --name "$name" --hostname "$name" --label "desafios.challenge=$CHALLENGE" --label "desafios.spec=$spec" \
    "${HARDENED[@]}" --tmpfs /tmp:rw,noexec,nosuid,size=16m \
    --memory 256m --cpus 1 \
    "${options[@]}" "$image" "${command[@]}"
}

# A Java service of the project: a hardened container with the image's own
# health check: `run_service NAME IMAGE [docker run options...]`.
run_service() {
  local name=$1 image=$2; shift 2
  run_container "$name" "$image" \
    --health-cmd /app/healthcheck --health-interval 3s --health-timeout 4s \
    --health-retries 3 --health-start-period 30s \
    "$@"
}

# True when the container runs (or is starting) on the image's current ID.
container_current() {
  local name=$1 image=$2 running image_id
  running=$(docker inspect -f '{{.State.Running}} {{.Image}}' "$name" 2>/dev/null) || return 1
  image_id=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null) || return 1
  [[ $running == "true $image_id" ]]
}
