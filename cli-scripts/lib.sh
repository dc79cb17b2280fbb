#!/usr/bin/env bash
# Shared helpers for every script in cli-scripts: output, the printed docker
# commands, networks, volumes, hardened containers and stores, and waits.
# Source it; it defines functions and constants and runs nothing. The checks'
# helpers are in verify-lib.sh, the secrets' in secrets-lib.sh (setup.sh
# sources it) and apt's in apt-lib.sh (sourced at the end of this file).

# Sourced once per shell: its constants are readonly, and assigning one again
# would stop the script (cluster/verify.sh sources it twice, through setup.sh).
[[ -z ${DESAFIOS_LIB_LOADED:-} ]] || return 0
readonly DESAFIOS_LIB_LOADED=1

DESAFIOS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly DESAFIOS_ROOT
readonly CLI_DIR="$DESAFIOS_ROOT/cli-scripts"
# Secrets and other local state live outside git (and outside the repository).
readonly DEFAULT_STATE_DIR=${XDG_STATE_HOME:-$HOME/.local/state}/desafios
readonly STATE_DIR=${DESAFIOS_STATE_DIR:-$DEFAULT_STATE_DIR}
readonly BIND_ADDRESS=${BIND_ADDRESS:-127.0.0.1}
# The pid of a dockerd that set-up started (and stops again); absent otherwise.
readonly ENGINE_PIDFILE="$STATE_DIR/dockerd.pid"

# --- output ---------------------------------------------------------------

err() { printf 'error: %s\n' "$*" >&2; }
die() { err "$@"; exit 1; }
# One line per step of work, so the output reads as the lesson.
say() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }

# Prints a command as the reader would type it, unless QUIET=1. A long one is
# broken before each option, with the shell's line continuations.
show() {
  [[ ${QUIET:-0} == 1 ]] && return 0
  local out='$' line='$' arg word
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then
      word=$arg
    else
      word="'${arg//\'/\'\\\'\'}'"
    fi
    if [[ $arg == --* && ${#line} -gt 70 ]]; then
      out+=$' \\\n   ' line='   '
    fi
    out+=" $word" line+=" $word"
  done
  printf '%s\n' "$out"
}

# Runs docker with the command printed first: `dk network create x`.
dk() { show docker "$@"; docker "$@"; }
# The same, discarding what docker prints on stdout (ids, names).
dkq() { show docker "$@"; docker "$@" >/dev/null; }

# Times a long step: `timed "Building images" cmd args...`.
timed() {
  local what=$1; shift
  local start=$SECONDS
  say "$what..."
  "$@" || return
  note "$what took $((SECONDS - start)) s"
}

# --- images and ports -----------------------------------------------------

# The project's images, one per service; tagged latest and the project version.
# Not readonly: build-images.sh builds under another prefix when asked.
IMAGE_PREFIX=desafios
readonly PROJECT_VERSION=1.0.0
readonly D1_PORT=${D1_PORT:-8081}
readonly D2_PORT=${D2_PORT:-8082}
readonly D3_PORT=${D3_PORT:-8083}
readonly D4_PORT=${D4_PORT:-8084}
readonly D4_ORDERS_PORT=${D4_ORDERS_PORT:-8085}
readonly D5_PORT=${D5_PORT:-8080}
readonly D5_PROMETHEUS_PORT=${D5_PROMETHEUS_PORT:-9090}
readonly D5_TLS_PORT=${D5_TLS_PORT:-8443}

# The scripts' folder of a challenge: 1..5, or swarm (challenges 3 and 5 on Docker Swarm).
challenge_dir() { if [[ $1 == swarm ]]; then echo "$CLI_DIR/swarm"; else echo "$CLI_DIR/desafio$1"; fi; }

# Fails with one line when a host port is taken by something other than the
# named container: `port_free 8081 D1_PORT desafio1-api`.
port_free() {
  local port=$1 variable=$2 owner=$3 holder
  holder=$(docker ps --filter "publish=$port" --format '{{.Names}}' | head -n 1)
  [[ -n $holder && $holder == "$owner" ]] && return 0
  if [[ -n $holder ]] || (exec 3<>"/dev/tcp/$BIND_ADDRESS/$port") 2>/dev/null; then
    die "port $port on $BIND_ADDRESS is taken${holder:+ by container $holder}; set $variable to another port"
  fi
}

# --- networks, volumes, containers ----------------------------------------

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

# --- stores ---------------------------------------------------------------

# Health checks of the stores in their own protocols (a query over TCP, a PING).
# The Redis one reads the password inside the container's shell, so that no
# value shows in ps or docker inspect.
# shellcheck disable=SC2016 # expanded by the container's shell, not here
readonly PG_HEALTH_CMD='psql -h 127.0.0.1 -U app -d app -tAc "select 1" | grep -q 1'
# shellcheck disable=SC2016
readonly REDIS_HEALTH_CMD='REDISCLI_AUTH="$(sed -n "s/^requirepass //p" /usr/local/etc/redis/redis.conf)" redis-cli ping | grep -q PONG'

# The stores' uid: postgres and redis in the official images (and the stand-ins);
# the services' uid, the user Jib sets in their images.
readonly STORE_UID=999
# shellcheck disable=SC2034 # used by the scripts that source this file
readonly SERVICE_UID=1000
# Same hardening as the services; running as the image's own uid on a volume it
# already owns, a store needs no capability back.
readonly STORE_RUN_FLAGS=(--user "$STORE_UID:$STORE_UID" "${HARDENED[@]}" --tmpfs /tmp:rw,noexec,nosuid,size=16m --cpus 1
  --health-interval 3s --health-timeout 3s --health-retries 5 --health-start-period 60s)

# Starts a hardened PostgreSQL (user and database app, alias db, data in the
# volume, password from the file) unless it already runs the current image:
# `run_postgres NAME NETWORK VOLUME PASSWORD_FILE`. The health check goes
# through TCP: during its first initialisation the image runs a temporary
# server on the Unix socket only, which must not count as ready.
run_postgres() {
  local name=$1 network=$2 volume=$3 password_file=$4
  container_current "$name" "$POSTGRES_IMAGE" && { note "$name is already running"; return 0; }
  remove_containers "$name"
  dkq run --detach --name "$name" --hostname "$name" --network "$network" --network-alias db \
    --label "desafios.challenge=$CHALLENGE" "${STORE_RUN_FLAGS[@]}" \
    --memory 512m --tmpfs "/var/run/postgresql:rw,noexec,nosuid,size=1m,uid=$STORE_UID,gid=$STORE_UID" \
    --volume "$volume:/var/lib/postgresql/data" \
    --volume "$password_file:/run/secrets/db_password:ro" \
    --env POSTGRES_USER=app --env POSTGRES_DB=app --env POSTGRES_PASSWORD_FILE=/run/secrets/db_password \
    --health-cmd "$PG_HEALTH_CMD" \
    "$POSTGRES_IMAGE"
}

# The config file of a Redis with a password and an append-only file in /data:
# the official image reads no *_FILE variable, so the password goes in it.
# `redis_config PASSWORD | write_secret FILE UID`.
redis_config() {
  printf 'bind 0.0.0.0\nport 6379\nrequirepass %s\nappendonly yes\nappendfsync everysec\ndir /data\n' "$1"
}

# --- waiting --------------------------------------------------------------

# Retries a command until it succeeds: `retry TRIES DELAY cmd args...`.
retry() {
  local tries=$1 delay=$2 i; shift 2
  for ((i = 1; i <= tries; i++)); do
    "$@" && return 0
    ((i < tries)) && sleep "$delay"
  done
  return 1
}

container_healthy() {
  [[ $(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1" 2>/dev/null) == healthy ]]
}

# Waits until each container's health check passes (60 s each); on giving up
# prints its state and last logs, then fails.
wait_healthy() {
  local name start=$SECONDS
  for name in "$@"; do
    if ! retry 240 0.25 container_healthy "$name"; then
      err "$name did not become healthy; its state and last logs:"
      docker inspect -f 'state={{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}}' "$name" >&2 || true
      docker logs --tail 40 "$name" >&2 || true
      return 1
    fi
  done
  note "healthy: $* ($((SECONDS - start)) s)"
}

# shellcheck source=apt-lib.sh
source "$CLI_DIR/apt-lib.sh"
