#!/usr/bin/env bash
# Challenge 2: svc-sqlite keeps its notes in /data/notes.db on the named
# volume desafio2-data, published on $BIND_ADDRESS:$D2_PORT. Idempotent. An
# existing volume is used as it is, whatever its driver (a small tmpfs one
# shows what a full disk does); D2_VOLUME names another volume (the fault
# suite's desafio2-full), and a container on a different volume is replaced.
# Leaves the network, the volume and the container (down.sh removes them; the
# volume only with --volumes).
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=volume-lib.sh
source "$CLI_DIR/desafio2/volume-lib.sh"
CHALLENGE=2

# True when the container exists with another volume at /data than D2_VOLUME.
on_other_volume() {
  local mounted
  mounted=$(docker inspect -f '{{range .Mounts}}{{if eq .Destination "/data"}}{{.Name}}{{end}}{{end}}' desafio2-sqlite 2>/dev/null) ||
    return 1
  [[ $mounted != "$D2_VOLUME" ]]
}

main() {
  setup_all
  ensure_images svc-sqlite
  say "Challenge 2: SQLite on the named volume $D2_VOLUME"
  if on_other_volume; then
    note "desafio2-sqlite runs on another volume: replacing it"
    remove_containers desafio2-sqlite
  fi
  port_free "$D2_PORT" D2_PORT desafio2-sqlite
  ensure_network desafio2-net
  ensure_volume "$D2_VOLUME"
  hand_volume_over "$D2_VOLUME"
  run_service desafio2-sqlite "$D2_IMAGE" --network desafio2-net --network-alias sqlite \
    --publish "$BIND_ADDRESS:$D2_PORT:8080" --volume "$D2_VOLUME:/data" --env DB_PATH=/data/notes.db
  wait_healthy desafio2-sqlite
  say "Challenge 2 is up: curl http://$BIND_ADDRESS:$D2_PORT/notes"
}

main "$@"
