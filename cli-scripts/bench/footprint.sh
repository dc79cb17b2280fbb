#!/usr/bin/env bash
# Footprint of challenges 1-2: each service image's size and its own layers
# (what Jib adds to the Java base), the idle memory of each running container,
# and the cost of one health check (healthcheck-cost.sh, in desafio2-sqlite).
# Runs challenges 1 and 2's up.sh when their containers are not running the
# current images; on exit takes down those it started from nothing (with a
# volume it created); leaves the rest running.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=../verify-lib.sh
source "$CLI_DIR/verify-lib.sh"
# shellcheck source=bench-lib.sh
source "$CLI_DIR/bench/bench-lib.sh"

SERVICES=(svc-api svc-poller svc-sqlite)
CONTAINERS=(desafio1-api:svc-api desafio1-poller:svc-poller desafio2-sqlite:svc-sqlite)
BROUGHT_UP=()

# Takes down the challenges this script brought up, unless their containers
# have been replaced since (then someone else is using them).
fp_cleanup() {
  local entry n ids flag
  for entry in "${BROUGHT_UP[@]}"; do
    read -r n ids flag <<<"$entry"
    if [[ $ids == any || $(fp_ids "$n") == "$ids" ]]; then
      "$CLI_DIR/desafio$n/down.sh" ${flag:+"$flag"} || true
    else
      note "challenge $n was replaced meanwhile; leaving it"
    fi
  done
}

# The ids of a challenge's containers, comma-separated.
fp_ids() { docker ps -q --no-trunc --filter "label=desafios.challenge=$1" | sort | paste -sd, -; }

# Size, and own layers: those Jib added (history "jib-..."), summed; "older
# base" marks an image built on another build of the base than the current one.
fp_images() {
  local base=${JAVA_BASE_IMAGE#docker://} base_layers svc size layers own_n own_b
  base_layers=$(docker image inspect -f '{{join .RootFS.Layers " "}}' "$base")
  say "Image sizes (MB = 10^6 bytes, uncompressed, as docker images shows them)"
  printf '%-24s %8s %11s %8s\n' image "size MB" "own layers" "own MB" \
    "$base" "$(bench_mb "$(docker image inspect -f '{{.Size}}' "$base")")" - -
  for svc in "${SERVICES[@]}"; do
    read -r size layers < <(docker image inspect -f '{{.Size}} {{join .RootFS.Layers " "}}' "$IMAGE_PREFIX/$svc")
    read -r own_n own_b < <(docker history --no-trunc --human=false --format '{{.Size}} {{.CreatedBy}}' \
      "$IMAGE_PREFIX/$svc" | awk '$2 ~ /^jib-/ { n++; b += $1 } END { print n, b }')
    printf '%-24s %8s %11s %8s %s\n' "$IMAGE_PREFIX/$svc" "$(bench_mb "$size")" "$own_n" "$(bench_mb "$own_b")" \
      "$([[ $layers == "$base_layers "* ]] || echo '(older base)')"
  done
}

# Runs a challenge's up.sh unless all its containers run the current images
# (up.sh replaces stale ones); takes it down on exit only when none was
# running before: `fp_ensure_up N NAME:SERVICE...`.
fp_ensure_up() {
  local n=$1 entry any_running=0 all_current=1 fresh_volume=''; shift
  for entry in "$@"; do
    ! running "${entry%:*}" || any_running=1
    container_current "${entry%:*}" "$IMAGE_PREFIX/${entry#*:}" || all_current=0
  done
  ((all_current == 0)) || return 0
  [[ $n != 2 ]] || docker volume inspect desafio2-data >/dev/null 2>&1 || fresh_volume=--volumes
  ((any_running)) || BROUGHT_UP+=("$n any $fresh_volume") # up.sh may fail half-way
  "$CLI_DIR/desafio$n/up.sh"
  ((any_running)) || BROUGHT_UP[-1]="$n $(fp_ids "$n") $fresh_volume"
}

# Idle memory: docker stats (cgroup usage less inactive page cache), and the
# JVM's VmRSS with its private part (RssAnon; the rest is shared file pages).
fp_idle_memory() {
  # The point of the measure is memory at rest, so this one wait is a fixed
  # sleep, not a poll: 15 s without requests (the poller's calls excepted).
  say "Letting the containers sit idle for $IDLE_SECONDS s"
  sleep "$IDLE_SECONDS"
  say "Idle memory of each container (limit 256 MiB)"
  printf '%-16s %-20s %9s %9s  %s\n' container "docker stats usage" "VmRSS" "RssAnon" image
  local entry name svc rss anon
  for entry in "${CONTAINERS[@]}"; do
    name=${entry%:*} svc=${entry#*:}
    read -r rss anon < <(docker exec "$name" awk '/^(VmRSS|RssAnon)/ { printf "%.1fMiB ", $2 / 1024 } END { print "" }' /proc/1/status)
    printf '%-16s %-20s %9s %9s  %s\n' "$name" "$(docker stats --no-stream --format '{{.MemUsage}}' "$name")" \
      "$rss" "$anon" "$(container_current "$name" "$IMAGE_PREFIX/$svc" && echo current || echo 'NOT the current one')"
  done
}

# The measure is memory at rest: this long without requests (the poller's calls excepted).
IDLE_SECONDS=${IDLE_SECONDS:-15}

main() {
  setup_all
  ensure_images "${SERVICES[@]}"
  trap fp_cleanup EXIT
  fp_images
  fp_ensure_up 1 "${CONTAINERS[@]:0:2}"
  fp_ensure_up 2 "${CONTAINERS[2]}"
  fp_idle_memory
  "$CLI_DIR/bench/healthcheck-cost.sh" desafio2-sqlite
}

main "$@"
