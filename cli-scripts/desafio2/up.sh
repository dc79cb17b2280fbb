#!/usr/bin/env bash
# Challenge 2: svc-sqlite keeps its notes in /data/notes.db on the named
# volume desafio2-data, published on $BIND_ADDRESS:$D2_PORT. Idempotent.
# Leaves the network, the volume and the container (down.sh removes them; the
# volume only with --volumes).
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
CHALLENGE=2
IMAGE="$IMAGE_PREFIX/svc-sqlite"

main() {
  setup_all
  ensure_images svc-sqlite
  say "Challenge 2: SQLite on the named volume desafio2-data"
  port_free "$D2_PORT" D2_PORT desafio2-sqlite
  ensure_network desafio2-net
  ensure_volume desafio2-data
  # A new volume's root belongs to root; the service runs as uid 1000. One
  # short-lived container with only the CHOWN capability hands it over.
  dk run --rm --user 0:0 --cap-drop ALL --cap-add CHOWN --security-opt no-new-privileges --network none \
    --read-only --memory 64m --pids-limit 16 --label desafios.challenge=2 \
    --volume desafio2-data:/data --entrypoint /bin/sh "$IMAGE" -c 'chown 1000:1000 /data'
  run_service desafio2-sqlite "$IMAGE" --network desafio2-net --network-alias sqlite \
    --publish "$BIND_ADDRESS:$D2_PORT:8080" --volume desafio2-data:/data --env DB_PATH=/data/notes.db
  wait_healthy desafio2-sqlite
  say "Challenge 2 is up: curl http://$BIND_ADDRESS:$D2_PORT/notes"
}

main "$@"
