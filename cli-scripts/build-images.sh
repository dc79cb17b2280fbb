#!/usr/bin/env bash
# Builds the service images with Jib (no Dockerfile) into the local engine:
# desafios/svc-* tagged latest and the project version. With no arguments it
# builds every service; `build-images.sh svc-api svc-poller` builds those.
# With --push first, Jib then pushes them (jib:build) to the cluster's registry,
# which cluster/registry.sh up must have started, and records their digests
# (cluster/registry-push.sh). Leaves the images in the engine and Maven's
# output under each module's target/.
set -Eeuo pipefail
# shellcheck source=setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

ALL_SERVICES=(svc-api svc-poller svc-sqlite svc-users svc-orders svc-gateway)
# Where Jib puts the images (the pom's image.prefix): desafios, or a registry's
# repository for a push. BUILD_IMAGE_PREFIX builds elsewhere, leaving the
# desafios/* images that running challenges use as they are.
IMAGE_PREFIX=${BUILD_IMAGE_PREFIX:-$IMAGE_PREFIX}

# Builds the given modules' images (all when none are given), each with its
# application class archive: Jib builds the images, each image's JVM dumps the
# archive (dump_class_archive), and Jib builds them again with it.
build_images() {
  local modules=("$@") module list
  ((${#modules[@]})) || modules=("${ALL_SERVICES[@]}")
  list=$(IFS=,; echo "${modules[*]}")
  jib_build "$list"
  for module in "${modules[@]}"; do
    dump_class_archive "$DESAFIOS_ROOT/$module" "$IMAGE_PREFIX/$module"
  done
  jib_build "$list" -Djib.classArchive
  # A rebuild moves the tags to the new image; the old one is left dangling.
  docker image prune --force --filter label=desafios.project >/dev/null
}

# The Jib build of comma-separated modules, with extra Maven arguments:
# `jib_build svc-users -Djib.to.image=desafios/svc-users:other`.
jib_build() {
  local list=$1; shift
  jib_maven -pl "$list" -am "$@"
}

# Maven's package and jib:dockerBuild (JIB_GOAL=jib:build pushes to a
# registry instead), tests skipped, with the given arguments.
jib_maven() {
  local goal=${JIB_GOAL:-jib:dockerBuild} flags=(-B -q -DskipTests -Djib.base.image="$JAVA_BASE_IMAGE") module
  [[ $IMAGE_PREFIX == desafios ]] || flags+=(-Dimage.prefix="$IMAGE_PREFIX")
  for module in "${ALL_SERVICES[@]}"; do flags+=("-Dsources.$module=$(sources_hash "$module")"); done
  show ./mvnw "${flags[@]}" "$@" package "$goal"
  (cd "$DESAFIOS_ROOT" && ./mvnw "${flags[@]}" "$@" package "$goal")
}

# Dumps the class archive of IMAGE (built without one) into
# MODULE_DIR/target/jib-cds/app.jsa, for the second build to add (the parent
# pom's class-archive profile): the image's own JVM, flags and class path, and
# the classes in MODULE_DIR/src/main/cds/classlist (cli-scripts/class-lists.sh
# writes it). The same list, jars and JVM give the same bytes, so the image
# stays reproducible. `dump_class_archive MODULE_DIR IMAGE`
dump_class_archive() {
  local dir=$1 image=$2 flags output
  [[ -f $dir/src/main/cds/classlist ]] ||
    die "no class list at $dir/src/main/cds/classlist; cli-scripts/class-lists.sh writes it"
  # The entrypoint is java, its flags, -cp and the main class: keep the flags.
  mapfile -t flags < <(docker image inspect -f '{{range .Config.Entrypoint}}{{println .}}{{end}}' "$image" |
    sed -e 1d -e '/^-cp$/,$d' | grep -v '^-XX:SharedArchiveFile=')
  rm -rf "$dir/target/jib-cds" && mkdir -p "$dir/target/jib-cds"
  local dump=(docker run --rm --network none --read-only --memory 256m --user "$(id -u):$(id -g)"
    --label desafios.challenge=build --volume "$dir/src/main/cds:/cds:ro" --volume "$dir/target/jib-cds:/out"
    --entrypoint java "$image" "${flags[@]}" -Xshare:dump -XX:SharedClassListFile=/cds/classlist
    -XX:SharedArchiveFile=/out/app.jsa -cp @/app/jib-classpath-file)
  show "${dump[@]}"
  if ! output=$("${dump[@]}" 2>&1) ||
    [[ ! -s $dir/target/jib-cds/app.jsa ]]; then
    printf '%s\n' "$output" | tail -n 20 >&2
    die "$image: the class archive dump failed"
  fi
}

# A hash of what MODULE's image is built from: its sources and pom, common's,
# and the parent pom. Each image carries it as its label desafios.sources.
sources_hash() {
  (cd "$DESAFIOS_ROOT" && find "$1/src/main" "$1/pom.xml" common/src/main common/pom.xml pom.xml -type f -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

# Builds the images that are missing or whose sources changed since they were
# built (an edited Java file shows up on the next up.sh); an image that is
# current is used as it is: `ensure_images svc-api svc-poller`.
ensure_images() {
  local module built stale=()
  for module in "$@"; do
    built=$(docker image inspect -f '{{index .Config.Labels "desafios.sources"}}' "$IMAGE_PREFIX/$module:latest" 2>/dev/null) || built=
    [[ $built == "$(sources_hash "$module")" ]] || stale+=("$module")
  done
  ((${#stale[@]} == 0)) ||
    timed "Building images that are missing or whose sources changed (${stale[*]}) with Jib" build_images "${stale[@]}"
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
  local push=0
  [[ ${1:-} == --push ]] && { push=1; shift; }
  setup_all
  timed "Building images with Jib (${*:-all services})" build_images "$@"
  image_ids "$@" | while read -r module id; do note "$IMAGE_PREFIX/$module:latest ${id:7:12}"; done
  ((push)) || return 0
  # shellcheck source=cluster/cluster-lib.sh
  source "$CLI_DIR/cluster/cluster-lib.sh"
  # shellcheck source=cluster/registry-lib.sh
  source "$CLI_DIR/cluster/registry-lib.sh"
  timed "Pushing images to $REGISTRY with Jib (${*:-all services})" registry_push_services "$@"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  main "$@"
fi
