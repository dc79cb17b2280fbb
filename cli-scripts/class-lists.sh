#!/usr/bin/env bash
# Writes each image's class list, src/main/cds/classlist in its module: the
# classes its JVM loads as it starts and answers its first requests
# (-XX:DumpLoadedClassList), from which build-images.sh dumps the image's class
# archive. Run it after a change that loads other classes at start; a stale list
# costs start time, never correctness (a listed class that is gone is skipped).
# `class-lists.sh [svc-users ... | hello]`: the given images (default: all and
# the benchmarks' hello world). Builds each image first, without a class
# archive, and each service image again with its archive at the end; leaves no
# container.
set -Eeuo pipefail
# shellcheck source=build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/build-images.sh"
# shellcheck source=bench/bench-lib.sh
source "$CLI_DIR/bench/bench-lib.sh"

CONTAINER=class-lists-$$
WORK=$(mktemp -d)
# Left out of the lists: java.net.http's client sets TLS up when it is created
# (400 classes), though the services speak plain HTTP on their networks. In the
# archive they would take the poller's own layers over 20 MB; they load from
# the runtime image instead.
TLS_CLASSES='sun/security/|javax/net/ssl/|javax/security/|java/security/cert/'

# What each service is asked while its classes are listed: "METHOD PATH [JSON]".
# Alone, without its neighbours, each also takes its error paths (refused
# upstreams, unknown names).
requests() {
  case $1 in
    svc-api) printf '%s\n' 'GET /' 'GET /health' 'GET /missing' ;;
    svc-poller) printf '%s\n' 'GET /health' ;;
    svc-sqlite) printf '%s\n' 'POST /notes {"title":"t","body":"b"}' 'GET /notes' 'GET /notes/1' \
      'POST /notes {"title":1}' 'DELETE /notes/1' 'GET /health' ;;
    svc-users) printf '%s\n' 'GET /users' 'GET /users/1' 'POST /users {"name":"Ana","email":"ana@example.com"}' \
      'POST /users {"name":1}' 'GET /health' ;;
    svc-orders) printf '%s\n' 'GET /orders' 'POST /orders {"userId":1,"item":"book","quantity":1,"price":"9.90"}' \
      'GET /health' ;;
    svc-gateway) printf '%s\n' 'GET /api/users/1' 'GET /api/users/1/orders' 'GET /health' ;;
    hello) printf '%s\n' 'GET /' ;;
    *) die "no requests for '$1'" ;;
  esac
}

# Options each needs alone: the poller polls its own /health; svc-sqlite writes
# to a tmpfs.
# shellcheck disable=SC2054 # the commas are tmpfs options
options() {
  case $1 in
    svc-poller) printf '%s\n' --env TARGET_URL=http://127.0.0.1:8080/health --env POLL_INTERVAL=200ms ;;
    svc-sqlite) printf '%s\n' --tmpfs /data:rw,size=16m,mode=1777 --env DB_PATH=/data/notes.db ;;
  esac
}

cleanup() { docker rm --force "$CONTAINER" >/dev/null 2>&1 || true; rm -rf "$WORK"; }

# Lists NAME's classes while it answers its requests and writes the list to
# DIR/src/main/cds/classlist: `write_class_list NAME IMAGE DIR`.
write_class_list() {
  local name=$1 image=$2 dir=$3 port method path body opts
  mapfile -t opts < <(options "$name")
  rm -f "$WORK/classlist"
  dkq run --detach --name "$CONTAINER" --label desafios.challenge=build "${HARDENED[@]}" \
    --tmpfs /tmp:rw,noexec,nosuid,size=16m --memory 256m --cpus 1 --user "$(id -u):$(id -g)" --volume "$WORK:/out" \
    --env JAVA_TOOL_OPTIONS=-XX:DumpLoadedClassList=/out/classlist --publish 127.0.0.1::8080 \
    "${opts[@]}" "$image"
  port=$(docker port "$CONTAINER" 8080/tcp | head -n 1 | cut -d: -f2)
  retry 120 0.25 curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" ||
    { docker logs --tail 20 "$CONTAINER" >&2; die "$name did not answer"; }
  while read -r method path body; do
    curl -s -o /dev/null --max-time 5 -X "$method" ${body:+-H 'content-type: application/json' -d "$body"} \
      "http://127.0.0.1:$port$path" || true
  done < <(requests "$name")
  sleep 1 # the poller polls, the access log is written
  docker stop --time 10 "$CONTAINER" >/dev/null && docker rm "$CONTAINER" >/dev/null
  mkdir -p "$dir/src/main/cds"
  {
    printf '%s\n' "# The classes $name loads as it starts and answers its first requests" \
      '# (-XX:DumpLoadedClassList), without the run-specific ids and constant-pool' \
      '# lines, and without TLS. Written by cli-scripts/class-lists.sh;' \
      "# build-images.sh dumps the image's class archive from it."
    grep -v -e '^#' -e '^@cp ' "$WORK/classlist" | grep -v -E "^(@lambda-proxy )?($TLS_CLASSES)" |
      sed -E 's/ id: [0-9]+$//'
  } >"$dir/src/main/cds/classlist"
  note "$dir/src/main/cds/classlist: $(grep -vc '^#' "$dir/src/main/cds/classlist") lines"
}

main() {
  local names=("$@") name services=()
  ((${#names[@]})) || names=("${ALL_SERVICES[@]}" hello)
  setup_all
  trap cleanup EXIT
  for name in "${names[@]}"; do
    if [[ $name == hello ]]; then
      timed "Building $HELLO_IMAGE" jib_maven -f "$HELLO_POM"
      write_class_list hello "$HELLO_IMAGE" "$DESAFIOS_ROOT/${HELLO_POM%/pom.xml}"
    else
      timed "Building $IMAGE_PREFIX/$name" jib_build "$name"
      write_class_list "$name" "$IMAGE_PREFIX/$name" "$DESAFIOS_ROOT/$name"
      services+=("$name")
    fi
  done
  # The images listed were built without a class archive: built again with the new lists.
  ((${#services[@]} == 0)) || timed "Building ${services[*]} with their class archives" build_images "${services[@]}"
}

main "$@"
