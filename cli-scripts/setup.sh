#!/usr/bin/env bash
# Set-up shared by every entry point: a JDK >= 21, a running Docker engine
# (started, or installed from Debian's docker.io when missing: engine-lib.sh,
# sourced below), and base images (official ones when they can be pulled,
# air-gapped stand-ins otherwise).
# Sourced, it defines setup_* functions; run, it does the whole set-up.
# `setup.sh stop-engine` stops an engine that set-up started. It leaves the
# engine running and records what it started under $STATE_DIR.

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=secrets-lib.sh
source "$CLI_DIR/secrets-lib.sh"
# shellcheck source=airgap/airgap-lib.sh
source "$CLI_DIR/airgap/airgap-lib.sh"
# shellcheck source=loopback.sh
source "$CLI_DIR/loopback.sh"
# (With source-path, shellcheck finds it from a folder below cli-scripts too.)
# shellcheck source-path=SCRIPTDIR/.. source=engine-lib.sh
source "$CLI_DIR/engine-lib.sh"

# Exports JAVA_HOME as the newest JDK >= 21 found (this machine's java may be 17),
# once: only what builds (Maven, Jib) calls it, so images that exist need no JDK.
setup_jdk() {
  [[ -z ${DESAFIOS_JDK:-} ]] || return 0
  local candidate version best='' best_version=0 java_on_path
  java_on_path=$(command -v java || true)
  [[ -z $java_on_path ]] || java_on_path=$(dirname "$(dirname "$(readlink -f "$java_on_path")")")
  for candidate in "${JAVA_HOME:-}" "$java_on_path" /usr/lib/jvm/* /opt/java/*; do
    [[ -n $candidate && -x $candidate/bin/javac && -x $candidate/bin/java ]] || continue
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 |
      awk -F' = ' '/java.specification.version/ {print $2}')
    [[ $version =~ ^[0-9]+$ ]] || continue
    if ((version >= 21 && version > best_version)); then best=$candidate best_version=$version; fi
  done
  [[ -n $best ]] || die "no JDK 21 or newer found (JAVA_HOME, PATH, /usr/lib/jvm); install one, e.g. Temurin 21+"
  export JAVA_HOME=$best DESAFIOS_JDK=$best_version
  say "JDK: Java $best_version at $JAVA_HOME"
}

# Chooses each base image: an explicit variable wins; then the official image
# when present or pullable; else the air-gapped stand-in, built when missing.
setup_base_images() {
  pick_image JAVA_BASE_IMAGE eclipse-temurin:25-jre jre
  pick_image POSTGRES_IMAGE postgres:15-bookworm postgres
  pick_image REDIS_IMAGE redis:7-bookworm redis
  pick_image NGINX_IMAGE nginx:1-bookworm nginx
  detail "Base images: Java $JAVA_BASE_IMAGE, PostgreSQL $POSTGRES_IMAGE, Redis $REDIS_IMAGE, nginx $NGINX_IMAGE"
}

# The air-gapped stand-in of each official image (the node's and the registry's only for the
# cluster, Prometheus only for challenge 5 observed).
declare -A AIRGAP_IMAGE=([jre]=desafios/airgap-jre:25 [postgres]=desafios/airgap-postgres:15
  [redis]=desafios/airgap-redis:7 [nginx]=desafios/airgap-nginx:1
  [dind]=desafios/airgap-dind:20 [registry]=desafios/airgap-registry:2 [prometheus]=desafios/airgap-prometheus:2)

# pick_image VARIABLE OFFICIAL AIRGAP_NAME: sets and exports VARIABLE.
pick_image() {
  local variable=$1 official=$2 airgap=$3 chosen
  if [[ -n ${!variable:-} ]]; then
    chosen=${!variable}
  elif docker image inspect "$official" >/dev/null 2>&1; then
    chosen=$official
  elif docker image inspect "${AIRGAP_IMAGE[$airgap]}" >/dev/null 2>&1; then
    # Rebuilt only when what it was built from has changed.
    airgap_build_all "$airgap"
    chosen=${AIRGAP_IMAGE[$airgap]}
  elif timeout 120 docker pull -q "$official" >/dev/null 2>&1; then
    chosen=$official
  else
    note "$official cannot be pulled; building the air-gapped stand-in ${AIRGAP_IMAGE[$airgap]}"
    airgap_build_all "$airgap"
    chosen=${AIRGAP_IMAGE[$airgap]}
  fi
  # Jib reads an image from the local engine through the docker:// prefix.
  if [[ $variable == JAVA_BASE_IMAGE && $chosen != docker://* ]] && docker image inspect "$chosen" >/dev/null 2>&1; then
    chosen="docker://$chosen"
  fi
  export "$variable=$chosen"
}

# Everything an entry point needs before building or running.
# The state directory, marked as the project's when set-up makes it (or finds
# it empty): clean.sh removes a state directory only when it carries the mark
# or is the default one, so that DESAFIOS_STATE_DIR=$HOME cannot cost a home.
STATE_MARK=.desafios-state
setup_state_dir() {
  if [[ ! -d $STATE_DIR || -z $(ls -A "$STATE_DIR") ]]; then
    install -d -m 0700 "$STATE_DIR"
    printf 'made by the desafios scripts; cli-scripts/clean.sh removes this folder\n' >"$STATE_DIR/$STATE_MARK"
  fi
}

# Whether clean.sh may remove the state directory: the project's mark, or the default place.
state_dir_ours() {
  [[ -e $STATE_DIR/$STATE_MARK || $STATE_DIR == "$DEFAULT_STATE_DIR" ]]
}

# What every up.sh runs first. A step that had nothing to do says so only with
# VERBOSE=1; the line at the end says the set-up is done.
setup_all() {
  setup_state_dir
  setup_engine
  setup_base_images
  local done_
  done_="Set-up: Docker engine $(docker version -f '{{.Server.Version}}' 2>/dev/null) answering, base images ready"
  [[ ${VERBOSE:-0} == 1 ]] || done_+=" (VERBOSE=1 shows each step)"
  say "$done_"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -Eeuo pipefail
  case ${1:-all} in
    all) setup_all ;;
    stop-engine) stop_engine ;;
    *) die "usage: setup.sh [all|stop-engine]" ;;
  esac
fi
