#!/usr/bin/env bash
# Challenge 1: two containers on a custom network. desafio1-api (alias api)
# answers HTTP, published on $BIND_ADDRESS:$D1_PORT; desafio1-poller calls
# http://api:8080/ by hostname every 2 s. Idempotent. Leaves the network and
# both containers running (down.sh removes them).
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
CHALLENGE=1

main() {
  setup_all
  ensure_images svc-api svc-poller
  say "Challenge 1: an API and a poller on the network desafio1-net"
  port_free "$D1_PORT" D1_PORT desafio1-api
  ensure_network desafio1-net
  run_service desafio1-api "$IMAGE_PREFIX/svc-api" \
    --network desafio1-net --network-alias api --publish "$BIND_ADDRESS:$D1_PORT:8080"
  run_service desafio1-poller "$IMAGE_PREFIX/svc-poller" \
    --network desafio1-net --env TARGET_URL=http://api:8080/ --env POLL_INTERVAL=2s --env POLL_MAX_BACKOFF=10s
  wait_healthy desafio1-api desafio1-poller
  say "Challenge 1 is up: curl http://$BIND_ADDRESS:$D1_PORT/ ; docker logs -f desafio1-poller"
}

main "$@"
