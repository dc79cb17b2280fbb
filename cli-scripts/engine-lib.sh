#!/usr/bin/env bash
# The Docker engine for set-up: use the one that answers, else start dockerd
# (with the loopback guard of loopback.sh), else install Debian's docker.io
# with apt; and stop a dockerd that set-up started. Sourced by setup.sh after
# lib.sh, apt-lib.sh and loopback.sh (source setup.sh); it defines functions
# and runs nothing.

engine_answers() { docker info >/dev/null 2>&1; }

# Uses the engine that answers; else starts dockerd; else installs docker.io.
setup_engine() {
  if command -v docker >/dev/null && engine_answers; then
    detail "Docker engine: $(docker version -f '{{.Server.Version}}' 2>/dev/null) answering"
    # An engine that an earlier set-up started keeps its loopback guard.
    if engine_started_by_setup; then loopback_guard_add; fi
    return 0
  fi
  command -v dockerd >/dev/null || install_engine
  mkdir -p "$STATE_DIR" && chmod 700 "$STATE_DIR"
  say "Docker engine: starting dockerd in the background (log: $STATE_DIR/dockerd.log)"
  [[ $(id -u) == 0 ]] || die "dockerd is installed but not running, and starting it needs root"
  # Published ports by iptables NAT alone, without a docker-proxy process copying
  # every byte: more requests/s through a published port (docs/benchmarks.md).
  # Either way a published port takes packets to 127.0.0.1 from any interface:
  # the loopback guard (loopback.sh) goes with the engine.
  setsid dockerd --userland-proxy=false >"$STATE_DIR/dockerd.log" 2>&1 </dev/null &
  echo $! >"$ENGINE_PIDFILE"
  if ! retry 120 0.5 engine_answers; then
    tail -n 20 "$STATE_DIR/dockerd.log" >&2
    die "dockerd did not answer within 60 s; see $STATE_DIR/dockerd.log"
  fi
  loopback_guard_add
  say "Docker engine: $(docker version -f '{{.Server.Version}}') started; packets to 127.0.0.0/8 from other interfaces dropped"
}

# Installs Debian's docker.io with apt, asking first on a terminal.
install_engine() {
  [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null ||
    die "no Docker engine: install Docker Engine (https://docs.docker.com/engine/install/) and start it"
  if [[ -t 0 ]]; then
    local answer
    read -r -p "No Docker engine found. Install Debian's docker.io with apt now? [y/N] " answer
    [[ $answer == [yY]* ]] || die "no Docker engine; install docker.io and run this again"
  else
    say "Docker engine: none found; installing Debian's docker.io with apt (not on a terminal, so not asking)"
  fi
  local start=$SECONDS
  apt_install docker.io
  note "docker.io installed in $((SECONDS - start)) s"
}

# Stops dockerd if set-up started it.
stop_engine() {
  [[ -f $ENGINE_PIDFILE ]] || { note "the engine was not started by set-up; leaving it"; return 0; }
  local pid
  pid=$(<"$ENGINE_PIDFILE")
  if kill -0 "$pid" 2>/dev/null && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == dockerd ]]; then
    say "Stopping the Docker engine that set-up started (pid $pid)"
    kill "$pid"
    retry 60 0.5 bash -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid"
  fi
  loopback_guard_remove
  rm -f "$ENGINE_PIDFILE"
}
