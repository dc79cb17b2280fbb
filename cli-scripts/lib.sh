#!/usr/bin/env bash
# Shared helpers for every script in cli-scripts: output, the printed docker
# commands, images and ports, and waits; networks, volumes and hardened
# containers (containers-lib.sh) and the stores (stores-lib.sh), both sourced
# by this file. Source it; it defines functions and constants and runs
# nothing. The checks' helpers are in verify-lib.sh, the secrets' in
# secrets-lib.sh (setup.sh sources it) and apt's in apt-lib.sh (sourced at the
# end of this file).

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
# A step that found nothing to do: said only with VERBOSE=1.
detail() { [[ ${VERBOSE:-0} != 1 ]] || say "$@"; }

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

# --- networks, volumes, containers, stores --------------------------------

# Each in a file of its own, sourced here under the guard above. (With
# source-path, shellcheck finds them from a folder below cli-scripts too.)
# shellcheck source-path=SCRIPTDIR/.. source=containers-lib.sh
source "$CLI_DIR/containers-lib.sh"
# After containers-lib.sh: the stores' flags build on HARDENED.
# shellcheck source-path=SCRIPTDIR/.. source=stores-lib.sh
source "$CLI_DIR/stores-lib.sh"

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
