#!/usr/bin/env bash
# Proves what the images promise: Jib builds are reproducible (a second build
# of the same commit gives the same image IDs), every image runs as a numeric
# non-root user, each loads its classes from its class archive, and a bad
# setting stops a service at start with one line naming the variable. Prints
# each image's size. Leaves the images in place.
set -Eeuo pipefail
# shellcheck source=build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/build-images.sh"
# shellcheck source=verify-lib.sh
source "$CLI_DIR/verify-lib.sh"

reproducible() {
  local first second
  first=$(image_ids)
  QUIET=1 build_images >/dev/null
  second=$(image_ids)
  [[ $first == "$second" ]] || { diff <(echo "$first") <(echo "$second") >&2; return 1; }
}

numeric_non_root() {
  local module user
  for module in "${ALL_SERVICES[@]}"; do
    user=$(docker image inspect -f '{{.Config.User}}' "$IMAGE_PREFIX/$module")
    [[ $user =~ ^[1-9][0-9]*(:[0-9]+)?$ ]] || { err "$module runs as '$user'"; return 1; }
  done
}

# `docker run -e PORT=abc` exits non-zero at once, with one line naming PORT.
bad_port_refused() {
  local module output
  for module in "${ALL_SERVICES[@]}"; do
    if output=$(timeout 60 docker run --rm --read-only --cap-drop ALL --security-opt no-new-privileges \
      --memory 128m --pids-limit 64 --label desafios.challenge=images --env PORT=abc --network none \
      "$IMAGE_PREFIX/$module" 2>&1); then
      err "$module started with PORT=abc"; return 1
    fi
    [[ $(wc -l <<<"$output") == 1 && $output == *"PORT="*"abc"* ]] || { err "$module said: $output"; return 1; }
  done
}

# Each image's JVM maps its classes from the image's class archive: with
# -Xshare:on it would stop rather than start without it, and the class that
# reads the environment comes from the archive.
class_archive_used() {
  local module output
  for module in "${ALL_SERVICES[@]}"; do
    output=$(timeout 60 docker run --rm --read-only --network none --memory 256m --label desafios.challenge=images \
      --env PORT=abc --env JAVA_TOOL_OPTIONS='-Xshare:on -Xlog:class+load=info' "$IMAGE_PREFIX/$module" 2>&1) || true
    grep -q ' dev\.desafios\.common\.Config source: shared objects file$' <<<"$output" ||
      { err "$module did not load its classes from its class archive:"; tail -n 5 <<<"$output" >&2; return 1; }
  done
}

no_dockerfile() {
  ! git -C "$DESAFIOS_ROOT" ls-files | grep -Eiq '(^|/)(Dockerfile|Containerfile|[^/]*compose\.ya?ml)$'
}

main() {
  [[ -n ${JAVA_BASE_IMAGE:-} ]] || setup_all
  say "Images: verifying"
  check "a second Jib build of the same sources gives the same image IDs" reproducible
  check "every image runs as a numeric non-root user" numeric_non_root
  check "PORT=abc stops each service at start with one line naming PORT" bad_port_refused
  check "each image loads its classes from its class archive" class_archive_used
  check "no Dockerfile or Compose file in the repository" no_dockerfile
  local module
  for module in "${ALL_SERVICES[@]}"; do
    note "$IMAGE_PREFIX/$module: $(($(docker image inspect -f '{{.Size}}' "$IMAGE_PREFIX/$module") / 1000000)) MB"
  done
  checks_done "Images"
}

main "$@"
