#!/usr/bin/env bash
# The containers of desafio5.sh, sourced by it after build-images.sh and
# bench-lib.sh (functions only; it runs nothing): users, svc-gateway, nginx as
# the gateway and the minimal JDK proxy on one network, each published on
# 127.0.0.1 with the same limits; over TLS, the certificate both sides serve
# and their options; and their removal.

# The certificate both sides serve over TLS: challenge 5's (tls-lib.sh), its
# keystore for the gateway (uid 1000) and a copy of its key for nginx (uid 101).
tls_files() {
  # shellcheck source=../desafio5/tls-lib.sh
  source "$CLI_DIR/desafio5/tls-lib.sh"
  gateway_tls_files
  TLS_WORK=$(mktemp -d "$STATE_DIR/bench5-tls.XXXXXX")
  install -m 0400 -o 101 -g 101 "$TLS_SECRETS/gateway-tls.key" "$TLS_WORK/tls.key"
  install -m 0444 "$TLS_SECRETS/gateway-tls.crt" "$TLS_WORK/tls.crt"
}

# The gateway's and nginx's extra docker run options over TLS (none without it).
gateway_tls() {
  ((GATEWAY_TLS == 1)) || return 0
  printf '%s\n' --publish "127.0.0.1:$GATEWAY_TLS_PORT:8443" --env TLS_KEYSTORE_FILE=/run/secrets/gateway.p12 \
    --volume "$TLS_KEYSTORE:/run/secrets/gateway.p12:ro" \
    --volume "$TLS_PASSWORD_FILE:/run/secrets/tls_keystore_password:ro"
}
nginx_tls() {
  ((GATEWAY_TLS == 1)) || return 0
  printf '%s\n' --publish "127.0.0.1:$NGINX_TLS_PORT:8443" \
    --volume "$CLI_DIR/bench/nginx/tls.conf:/etc/nginx/bench-tls/tls.conf:ro" \
    --volume "$TLS_WORK/tls.key:/run/secrets/tls.key:ro" --volume "$TLS_WORK/tls.crt:/run/secrets/tls.crt:ro"
}

start_all() {
  ensure_network "$NET"
  run_service bench5-users "$IMAGE_PREFIX/svc-users" --network "$NET" --network-alias users \
    "${LIMITS[@]}" --publish "127.0.0.1:$USERS_PORT:8080"
  # The rate limiter counts every request, its limit far above the load (wrk is one address).
  local tls_options nginx_options
  mapfile -t tls_options < <(gateway_tls)
  mapfile -t nginx_options < <(nginx_tls)
  run_service bench5-gateway "$IMAGE_PREFIX/svc-gateway" --network "$NET" \
    "${LIMITS[@]}" --publish "127.0.0.1:$GATEWAY_PORT:8080" --env RATE_LIMIT=100000 "${tls_options[@]}"
  run_service bench5-jdkproxy "$HELLO_IMAGE" --network "$NET" "${LIMITS[@]}" \
    --publish "127.0.0.1:$PROXY_PORT:8080" --env PROXY_TO=http://users:8080
  remove_containers bench5-nginx
  dkq run --detach --name bench5-nginx --label desafios.challenge=bench --network "$NET" --user 101:101 \
    "${HARDENED[@]}" "${LIMITS[@]}" --tmpfs /tmp:rw,noexec,nosuid,size=16m --publish "127.0.0.1:$NGINX_PORT:8080" \
    --volume "$CLI_DIR/bench/nginx/gateway.conf:/etc/nginx/nginx.conf:ro" "${nginx_options[@]}" "$NGINX_IMAGE"
  wait_healthy bench5-users bench5-gateway bench5-jdkproxy
  local row
  local trust=()
  ((GATEWAY_TLS == 0)) || trust=(--cacert "$PROJECT_CA_CERT")
  for row in "${ROWS[@]:1}"; do
    retry 40 0.25 curl -sf "${trust[@]}" -o /dev/null "${URL[$row]}" || die "$row does not answer ${URL[$row]}"
  done
}

stop_all() {
  remove_containers "${NAMES[@]}"
  remove_networks "$NET"
  [[ -z $TLS_WORK ]] || rm -rf "$TLS_WORK"
}
