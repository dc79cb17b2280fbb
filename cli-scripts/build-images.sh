#!/usr/bin/env bash
# Builds the service images with Jib (no Dockerfile) into the local engine:
# desafios/svc-* tagged latest and the project version. With no arguments it
# builds every service; `build-images.sh svc-api svc-poller` builds those.
# Leaves the images in the engine and Maven's output under each module's target/.
set -Eeuo pipefail
# shellcheck source=setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ALL_SERVICES=(svc-api svc-poller svc-sqlite svc-users svc-orders svc-gateway)

# Builds the given modules' images (all when none are given).
build_images() {
  local modules=("$@")
  ((${#modules[@]})) || modules=("${ALL_SERVICES[@]}")
  jib_build "$(IFS=,; echo "${modules[*]}")"
  # A rebuild moves the tags to the new image; the old one is left dangling.
  docker image prune --force --filter label=desafios.project >/dev/null
}

# The Jib build of comma-separated modules, with extra Maven arguments:
# `jib_build svc-users -Djib.to.image=desafios/svc-users:other`.
jib_build() {
  local list=$1; shift
  show ./mvnw -B -q -DskipTests -Djib.base.image="$JAVA_BASE_IMAGE" -pl "$list" -am package jib:dockerBuild "$@"
  (cd "$DESAFIOS_ROOT" && ./mvnw -B -q -DskipTests -Djib.base.image="$JAVA_BASE_IMAGE" \
    -pl "$list" -am package jib:dockerBuild "$@")
}

# Builds only the images that are missing: `ensure_images svc-api svc-poller`.
ensure_images() {
  local module missing=()
  for module in "$@"; do
    docker image inspect "$IMAGE_PREFIX/$module:latest" >/dev/null 2>&1 || missing+=("$module")
  done
  ((${#missing[@]} == 0)) || timed "Building missing images (${missing[*]}) with Jib" build_images "${missing[@]}"
}

# Prints "name id" for each service image.
image_ids() {
  local module modules=("$@")
  ((${#modules[@]})) || modules=("${ALL_SERVICES[@]}")
  for module in "${modules[@]}"; do
    printf '%s %s\n' "$module" "$(docker image inspect -f '{{.Id}}' "$IMAGE_PREFIX/$module:latest")"
  done
}

main() {
  setup_all
  timed "Building images with Jib (${*:-all services})" build_images "$@"
  image_ids "$@" | while read -r module id; do note "$IMAGE_PREFIX/$module:latest ${id:7:12}"; done
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  main "$@"
fi
