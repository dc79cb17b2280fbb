#!/usr/bin/env bash
# Shared helpers for every script in cli-scripts: output, the printed docker
# commands, networks, volumes, hardened containers, waits and assertions.
# Source it; it defines functions and a few variables and runs nothing.

DESAFIOS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLI_DIR="$DESAFIOS_ROOT/cli-scripts"
# Secrets and other local state live outside git (and outside the repository).
STATE_DIR=${DESAFIOS_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/desafios}
BIND_ADDRESS=${BIND_ADDRESS:-127.0.0.1}
# The pid of a dockerd that set-up started (and stops again); absent otherwise.
ENGINE_PIDFILE="$STATE_DIR/dockerd.pid"

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
IMAGE_PREFIX=desafios
PROJECT_VERSION=1.0.0
D1_PORT=${D1_PORT:-8081}
D2_PORT=${D2_PORT:-8082}
D3_PORT=${D3_PORT:-8083}
D4_PORT=${D4_PORT:-8084}
D4_ORDERS_PORT=${D4_ORDERS_PORT:-8085}
D5_PORT=${D5_PORT:-8080}
D5_PROMETHEUS_PORT=${D5_PROMETHEUS_PORT:-9090}
D5_TLS_PORT=${D5_TLS_PORT:-8443}

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
HARDENED=(--read-only --cap-drop ALL --security-opt no-new-privileges
  --pids-limit 128 --restart on-failure:3 --log-driver local)

# Health checks of the stores in their own protocols (a query over TCP, a PING).
# The Redis one reads the password inside the container's shell, so that no
# value shows in ps or docker inspect.
# shellcheck disable=SC2016 # expanded by the container's shell, not here
PG_HEALTH_CMD='psql -h 127.0.0.1 -U app -d app -tAc "select 1" | grep -q 1'
# shellcheck disable=SC2016
REDIS_HEALTH_CMD='REDISCLI_AUTH="$(sed -n "s/^requirepass //p" /usr/local/etc/redis/redis.conf)" redis-cli ping | grep -q PONG'

# The stores' uid: postgres and redis in the official images (and the stand-ins).
STORE_UID=999
# Same hardening as the services; running as the image's own uid on a volume it
# already owns, a store needs no capability back.
STORE_RUN_FLAGS=(--user "$STORE_UID:$STORE_UID" "${HARDENED[@]}" --tmpfs /tmp:rw,noexec,nosuid,size=16m --cpus 1
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

# A database password, written once in two copies, each owned by its reader:
# DIR/NAME.postgres (the database, uid 999) and DIR/NAME.service (the Java
# service, uid 1000): `ensure_db_password DIR NAME VOLUME`. A volume whose
# password is gone cannot be opened: one line says how to start afresh.
ensure_db_password() {
  local dir=$1 name=$2 volume=$3 password
  [[ -f $dir/$name.postgres && -f $dir/$name.service ]] && return 0
  if docker volume inspect "$volume" >/dev/null 2>&1; then
    die "the volume $volume exists but its password is gone; remove it with desafio$CHALLENGE/down.sh --volumes"
  fi
  say "Generating the password $dir/$name (mode 0400, owned by the reading uid)"
  password=$(new_password)
  printf '%s' "$password" | write_secret "$dir/$name.postgres" "$STORE_UID"
  printf '%s' "$password" | write_secret "$dir/$name.service" 1000
}

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

# --- HTTP and checks (verify.sh) ------------------------------------------

# One HTTP call with curl, bounded in time; sets HTTP_STATUS, HTTP_SECONDS,
# HTTP_BODY and HTTP_HEADERS: `http GET http://127.0.0.1:8081/ [curl options...]`.
# HTTP_OPTIONS are curl options for every call (a CA to trust, say).
HTTP_OPTIONS=()
http() {
  local method=$1 url=$2; shift 2
  local body_file headers_file outcome
  body_file=$(mktemp) headers_file=$(mktemp)
  outcome=$(curl -s -X "$method" -o "$body_file" -D "$headers_file" -w '%{http_code} %{time_total}' \
    --connect-timeout 3 --max-time 10 "${HTTP_OPTIONS[@]}" "$@" "$url") || true
  read -r HTTP_STATUS HTTP_SECONDS <<<"${outcome:-000 10}"
  HTTP_BODY=$(<"$body_file") HTTP_HEADERS=$(<"$headers_file")
  rm -f "$body_file" "$headers_file"
}

# Flat JSON field readers, enough for the services' own answers.
json_number() { grep -o "\"$2\":[0-9-]*" <<<"$1" | head -n 1 | cut -d: -f2; }
json_string() { grep -o "\"$2\":\"[^\"]*\"" <<<"$1" | head -n 1 | cut -d'"' -f4; }

CHECKS_PASSED=0
CHECKS_FAILED=0

# Runs a check and prints what it proved: `check "the API answers" cmd args...`.
check() {
  local what=$1; shift
  if "$@"; then
    CHECKS_PASSED=$((CHECKS_PASSED + 1))
    printf '  ok    %s\n' "$what"
    [[ -z ${DESAFIOS_RESULTS:-} ]] || printf 'pass\t%s\n' "$what" >>"$DESAFIOS_RESULTS"
  else
    CHECKS_FAILED=$((CHECKS_FAILED + 1))
    printf '  FAIL  %s\n' "$what" >&2
    [[ -z ${DESAFIOS_RESULTS:-} ]] || printf 'fail\t%s\n' "$what" >>"$DESAFIOS_RESULTS"
  fi
}

# The closing line of a verify; fails when any check failed.
checks_done() {
  printf '%s: %d checks passed, %d failed\n' "$1" "$CHECKS_PASSED" "$CHECKS_FAILED"
  ((CHECKS_FAILED == 0))
}

# A problem with a status matching the regex, answered within a second:
# `problem_within_a_second GET URL '50[23]'`.
problem_within_a_second() {
  http "$1" "$2"
  note "$1 $2: $HTTP_STATUS in $HTTP_SECONDS s"
  [[ $HTTP_STATUS =~ ^($3)$ ]] && header_has 'content-type: application/problem+json' &&
    awk -v s="$HTTP_SECONDS" 'BEGIN { exit !(s < 1.0) }'
}

# The project's own probe inside a service image, in a small JVM (no curl or
# wget needed): exit 0 answered 200, 3 the name does not resolve, 4 no answer
# in time. `URL_TO_PROBE=URL probe_exit docker exec NAME` prints the exit code.
PROBE=(java -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx16m -cp '/app/libs/*' dev.desafios.common.HealthProbe)
probe_exit() { "$@" "${PROBE[@]}" "${URL_TO_PROBE}" >/dev/null 2>&1 && echo 0 || echo $?; }

# Challenge 5's users replicas (desafio5-users, desafio5-users-2 ... -9), not
# its users database: the running ones, or all with `users_replicas --all`.
users_replicas() {
  docker ps ${1:+"$1"} --format '{{.Names}}' --filter label=desafios.challenge=5 | grep -E '^desafio5-users(-[0-9])?$' || true
}

# The container's address on the network; empty when it is not on it.
container_ip() { docker inspect -f "{{with index .NetworkSettings.Networks \"$2\"}}{{.IPAddress}}{{end}}" "$1"; }

# The network's IPv4 block, such as 172.20.0.0/16 (what ADMIN_SUBNET takes).
network_subnet() { docker network inspect -f '{{range .IPAM.Config}}{{println .Subnet}}{{end}}' "$1" | grep -m 1 '\.'; }

# What a connection from container FROM to port 5432 of container DB, at DB's
# address on NETWORK, comes to, as the probe's exit code (probe_exit): 1 a
# server answered (not HTTP: PostgreSQL closes on the GET), 4 no answer in
# time (the packets are dropped). `db_reach FROM DB NETWORK`.
db_reach() {
  local from=$1 db=$2 network=$3 ip
  ip=$(container_ip "$db" "$network")
  [[ -n $ip ]] || { echo none; return; }
  URL_TO_PROBE="http://$ip:5432/" probe_exit docker exec "$from"
}

# Challenge 5 publishes the gateway on $BIND_ADDRESS:$D5_PORT (and, over TLS,
# :$D5_TLS_PORT) and, observed, Prometheus on $BIND_ADDRESS:$D5_PROMETHEUS_PORT;
# any other container nothing.
# True when the container publishes exactly what it may: `d5_published_as_allowed NAME`.
d5_published_as_allowed() {
  local expected=''
  case $1 in
    desafio5-gateway)
      expected="8080/tcp -> $BIND_ADDRESS:$D5_PORT"
      ! docker inspect -f '{{json .HostConfig.PortBindings}}' "$1" | grep -q '"8443/tcp"' ||
        expected+=$'\n'"8443/tcp -> $BIND_ADDRESS:$D5_TLS_PORT"
      ;;
    desafio5-prometheus) expected="9090/tcp -> $BIND_ADDRESS:$D5_PROMETHEUS_PORT" ;;
  esac
  [[ $(docker port "$1" | sort) == "$(sort <<<"$expected" | sed '/^$/d')" ]]
}

# GETs the URL N times and prints which replicas answered (X-Served-By); true
# when at least two did: `served_by_several URL N`.
served_by_several() {
  local url=$1 n=$2 i seen=''
  for ((i = 0; i < n; i++)); do
    http GET "$url"
    status_is 200 || return 1
    seen+=$(grep -i '^x-served-by:' <<<"$HTTP_HEADERS" | tr -d '\r' | awk '{print $2}')$'\n'
  done
  seen=$(grep . <<<"$seen" | sort)
  note "$n answers came from: $(uniq -c <<<"$seen" | awk '{printf "%s (%s) ", $2, $1}')"
  [[ $(uniq <<<"$seen" | grep -c .) -ge 2 ]]
}

# Predicates for check.
status_is() { [[ $HTTP_STATUS == "$1" ]]; }
body_has() { [[ $HTTP_BODY == *"$1"* ]]; }
header_has() { grep -qi "^$1" <<<"$HTTP_HEADERS"; }
# The value of a response header of the last `http` call (the first, if several).
header_value() { grep -i "^$1:" <<<"$HTTP_HEADERS" | head -n 1 | cut -d: -f2- | tr -d '\r' | xargs; }
is_problem() { [[ $HTTP_STATUS == "$1" ]] && header_has 'content-type: application/problem+json'; }
running() { [[ $(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null) == true ]]; }
# "restarts OOM-killed running" of a container: "0 false true" for one never harmed.
harm_state() { docker inspect -f '{{.RestartCount}} {{.State.OOMKilled}} {{.State.Running}}' "$1"; }
# Removes a container and lets the challenge's up.sh create it anew; true when
# the new one is another container (not the old one restarted).
recreated() {
  local name=$1 up=$2 before
  before=$(docker inspect -f '{{.Id}}' "$name")
  dkq rm --force "$name"
  "$up" || return 1
  [[ $(docker inspect -f '{{.Id}}' "$name") != "$before" ]]
}

# A container's logs contain the text. (Read whole first: with pipefail, grep -q
# stopping early would fail the pipeline through docker's SIGPIPE.)
logs_have() {
  local logs
  logs=$(docker logs "$1" 2>&1)
  grep -qF -- "$2" <<<"$logs"
}

# True when no password read from the given files shows in the containers'
# docker inspect or logs, or in the host's process list:
# `passwords_hidden "FILE..." CONTAINER...`.
passwords_hidden() {
  local files=$1 file pw name; shift
  for file in $files; do
    pw=$(<"$file")
    [[ -n $pw ]] || return 1
    for name in "$@"; do
      [[ $(docker inspect "$name") != *"$pw"* ]] || { err "$name's inspect shows a password"; return 1; }
      ! logs_have "$name" "$pw" || { err "$name's logs show a password"; return 1; }
    done
    [[ $(ps -eo args) != *"$pw"* ]] || { err "a process shows a password"; return 1; }
  done
}

# POSTs a JSON document: `post_json URL '{"a":1}' [curl options...]`.
post_json() {
  local url=$1 json=$2; shift 2
  http POST "$url" -H 'Content-Type: application/json' --data-binary "$json" "$@"
}

# A JSON body the service cannot read is a 415 problem naming what it cannot
# read: a content coding other than identity (on a plain body, a real gzip
# body, one in a list), answered with Accept-Encoding: identity, and a charset
# other than utf-8 (a UTF-16 body, a quoted ISO-8859-1); two Content-Type
# lines are a 400 (one checked, the other read). Extra curl options go
# on every request: `unreadable_bodies_refused URL '{"a":1}' [curl options...]`.
unreadable_bodies_refused() {
  local url=$1 json=$2 file coding outcome=0; shift 2
  file=$(mktemp)
  for coding in gzip 'identity, br' DEFLATE; do
    post_json "$url" "$json" -H "Content-Encoding: $coding" "$@"
    is_problem 415 && header_has 'accept-encoding: identity' && body_has "'${coding##*, }'" ||
      { note "Content-Encoding: $coding -> $HTTP_STATUS $HTTP_BODY"; outcome=1; }
  done
  printf '%s' "$json" | gzip -c >"$file"
  http POST "$url" -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' --data-binary "@$file" "$@"
  is_problem 415 && header_has 'accept-encoding: identity' || { note "a gzip body -> $HTTP_STATUS"; outcome=1; }
  printf '%s' "$json" | iconv -f UTF-8 -t UTF-16 >"$file"
  http POST "$url" -H 'Content-Type: application/json; charset=utf-16' --data-binary "@$file" "$@"
  is_problem 415 && body_has "'utf-16'" || { note "charset=utf-16 -> $HTTP_STATUS $HTTP_BODY"; outcome=1; }
  http POST "$url" -H 'Content-Type: application/json;charset="ISO-8859-1"' --data-binary "$json" "$@"
  is_problem 415 && body_has "'ISO-8859-1'" || { note "charset=\"ISO-8859-1\" -> $HTTP_STATUS $HTTP_BODY"; outcome=1; }
  http POST "$url" -H 'Content-Type: application/json' -H 'Content-Type: application/json; charset=iso-8859-1' \
    --data-binary "$json" "$@"
  is_problem 400 && body_has 'Content-Type' || { note "two Content-Type lines -> $HTTP_STATUS $HTTP_BODY"; outcome=1; }
  rm -f "$file"
  return "$outcome"
}

# A file of N bytes of 'a' for oversized-body checks; the caller removes it.
big_file() {
  local file
  file=$(mktemp)
  head -c "$1" /dev/zero | tr '\0' a >"$file"
  printf '%s' "$file"
}

# --- secrets --------------------------------------------------------------

# A challenge's secrets live outside git, in a directory only root can list.
secrets_dir() { printf '%s/secrets/desafio%s' "$STATE_DIR" "$1"; }

# A new random password: 32 letters and digits (safe in any config file).
new_password() {
  local chars
  chars=$(head -c 1024 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
  printf '%s' "${chars:0:32}"
}

# Writes a secret file (content on stdin) owned by the uid that reads it,
# mode 0400: `printf %s "$pw" | write_secret FILE UID`.
write_secret() {
  local file=$1 uid=$2
  ((EUID == 0)) || die "writing $file owned by uid $uid needs root; run this script as root"
  mkdir -p "$(dirname "$file")"
  chmod 700 "$STATE_DIR/secrets" "$(dirname "$file")" 2>/dev/null || true
  (umask 077 && cat >"$file")
  chown "$uid:$uid" "$file"
  chmod 0400 "$file"
}

# --- packages -------------------------------------------------------------

# Installs Debian packages quietly (as root), apt's own output in a log file;
# refreshes the package lists once when the install fails on stale or no lists.
apt_install() {
  ((EUID == 0)) && command -v apt-get >/dev/null || die "installing $* needs root and apt-get; install it yourself"
  mkdir -p "$STATE_DIR"
  if ! apt_quiet install -y -qq "$@" && ! { apt_quiet update -qq && apt_quiet install -y -qq "$@"; }; then
    tail -n 5 "$STATE_DIR/apt.log" >&2
    die "apt-get could not install $* (log: $STATE_DIR/apt.log)"
  fi
}

# A command from its Debian package when it is missing: `ensure_command ab apache2-utils`
# (the package defaults to the command's name).
ensure_command() {
  command -v "$1" >/dev/null || { say "Installing $1 (Debian package ${2:-$1})"; apt_install "${2:-$1}"; }
}
apt_quiet() {
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get "$@" </dev/null >>"$STATE_DIR/apt.log" 2>&1
}

# promtool, Prometheus' checker, taken out of Debian's prometheus package
# without installing it (installing would set up the server as a service);
# prints its path. Kept in the state directory.
PROMTOOL="$STATE_DIR/tools/promtool"
ensure_promtool() {
  if [[ ! -x $PROMTOOL ]]; then
    local work
    work=$(mktemp -d)
    (cd "$work" && apt_quiet download prometheus) || { apt_quiet update -qq && (cd "$work" && apt_quiet download prometheus); } ||
      { rm -rf "$work"; die "apt-get could not download Debian's prometheus package (log: $STATE_DIR/apt.log)"; }
    dpkg-deb -x "$work"/prometheus_*.deb "$work/x" && mkdir -p "$(dirname "$PROMTOOL")" &&
      install -m 0755 "$work/x/usr/bin/promtool" "$PROMTOOL"
    rm -rf "$work"
  fi
  echo "$PROMTOOL"
}
