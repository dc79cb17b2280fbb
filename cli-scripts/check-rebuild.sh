#!/usr/bin/env bash
# Proves that up.sh's ensure_images rebuilds an image whose sources changed
# and leaves one whose sources did not: in a copy of the project, with images
# of its own (desafios-rebuild-check/*), so neither the working tree nor the
# desafios/* images are touched. Builds svc-poller and svc-api, edits one of
# svc-poller's Java files, and checks that the next ensure_images rebuilds
# svc-poller alone and the one after rebuilds nothing. Exits non-zero on a
# failed check; removes its copy and images.
set -Eeuo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COPY="$STATE_DIR/rebuild-check"
PREFIX=desafios-rebuild-check

image_id() { docker image inspect -f '{{.Id}}' "$PREFIX/$1:latest" 2>/dev/null || true; }

# Runs set-up and ensure_images in the copy, as up.sh does: `ensure_in_copy MODULE...`.
ensure_in_copy() {
  (cd "$COPY" && BUILD_IMAGE_PREFIX=$PREFIX QUIET=1 bash -c 'source cli-scripts/build-images.sh && setup_all && ensure_images "$@"' _ "$@") \
    >"$STATE_DIR/rebuild-check.log" 2>&1 || die "the build failed; see $STATE_DIR/rebuild-check.log"
}

cleanup() {
  docker image ls -q "$PREFIX/*" | sort -u | xargs -r docker image rm --force >/dev/null 2>&1 || true
  rm -rf "$COPY"
}

main() {
  trap cleanup EXIT
  cleanup
  say "Checking that an edited source is rebuilt and an untouched one is not"
  mkdir -p "$COPY"
  (cd "$DESAFIOS_ROOT" && git ls-files -z | xargs -0 cp --parents -t "$COPY")
  ensure_in_copy svc-poller svc-api
  local poller api failed=0
  poller=$(image_id svc-poller) api=$(image_id svc-api)
  [[ -n $poller && -n $api ]] || die "the first build made no images"
  printf '\n// edited\n' >>"$COPY/svc-poller/src/main/java/dev/desafios/poller/PollerService.java"
  ensure_in_copy svc-poller svc-api
  if [[ $(image_id svc-poller) != "$poller" && $(image_id svc-api) == "$api" ]]; then
    note "ok    an edited svc-poller source rebuilt svc-poller, and svc-api was left as it was"
  else
    note "FAIL  after editing svc-poller: svc-poller $( [[ $(image_id svc-poller) != "$poller" ]] && echo rebuilt || echo 'not rebuilt'), svc-api $( [[ $(image_id svc-api) == "$api" ]] && echo kept || echo rebuilt)"
    failed=1
  fi
  poller=$(image_id svc-poller)
  ensure_in_copy svc-poller svc-api
  if [[ $(image_id svc-poller) == "$poller" && $(image_id svc-api) == "$api" ]]; then
    note "ok    with nothing edited, nothing was rebuilt"
  else
    note "FAIL  with nothing edited, an image was rebuilt"
    failed=1
  fi
  return "$failed"
}

main "$@"
