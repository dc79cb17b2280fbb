#!/usr/bin/env bash
# Shared helpers for every script in cli-scripts: output, the printed docker
# commands, networks, volumes, hardened containers, waits and assertions.
# Source it; it defines functions and a few variables and runs nothing.

DESAFIOS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLI_DIR="$DESAFIOS_ROOT/cli-scripts"
# Secrets and other local state live outside git (and outside the repository).
STATE_DIR=${DESAFIOS_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/desafios}
BIND_ADDRESS=${BIND_ADDRESS:-127.0.0.1}

# --- output ---------------------------------------------------------------

err() { printf 'error: %s\n' "$*" >&2; }
die() { err "$@"; exit 1; }
# One line per step of work, so the output reads as the lesson.
say() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }

# Prints a command as the reader would type it, unless QUIET=1.
show() {
  [[ ${QUIET:-0} == 1 ]] && return 0
  local out='$' arg
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then out+=" $arg"; else out+=" $(printf '%q' "$arg")"; fi
  done
  printf '%s\n' "$out"
}

# Runs docker with the command printed first: `dk network create x`.
dk() { show docker "$@"; docker "$@"; }

# Times a long step: `timed "Building images" cmd args...`.
timed() {
  local what=$1; shift
  local start=$SECONDS
  say "$what..."
  "$@" || return
  note "$what took $((SECONDS - start)) s"
}
