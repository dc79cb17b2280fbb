#!/usr/bin/env bash
# Challenge 5 over HTTPS (GATEWAY_TLS=1): the gateway terminates TLS on 8443,
# published on $BIND_ADDRESS:$D5_TLS_PORT, with a certificate from the
# project's CA (ca-lib.sh); its plain port answers each request with a 308 to
# the https URL. The keystore and its password are files owned by the
# gateway's uid (1000), mode 0400, in the root-only secrets folder, mounted
# read-only: never in the image, the environment or the logs. Source it after
# lib.sh, secrets-lib.sh and verify-lib.sh; it defines functions and runs
# nothing. What others call: gateway_tls_options (up.sh), gateway_tls_on and
# the tls_* checks (verify.sh).
# (hey cannot be used against it: the Go client it is built with sends the
# port in the TLS server name, which the JDK refuses as RFC 6066 says; curl,
# wrk and openssl are fine.)

# shellcheck source=../ca-lib.sh
source "$CLI_DIR/ca-lib.sh"

TLS_SECRETS=$(secrets_dir 5)
TLS_KEYSTORE="$TLS_SECRETS/gateway.p12"
TLS_PASSWORD_FILE="$TLS_SECRETS/tls_keystore_password"
TLS_URL="https://localhost:$D5_TLS_PORT"

# The keystore: the CA's certificate for localhost, desafio5-gateway and the
# bind address, with its key, in PKCS#12 under a password of its own; made
# again when the certificate was.
gateway_tls_files() {
  local key="$TLS_SECRETS/gateway-tls.key" cert="$TLS_SECRETS/gateway-tls.crt" tmp
  CA_WROTE=0
  ca_ensure
  ca_issue localhost "DNS:localhost,DNS:desafio5-gateway,IP:127.0.0.1,IP:$BIND_ADDRESS" 0 "$key" "$cert"
  [[ -s $TLS_PASSWORD_FILE ]] || { new_password | write_secret "$TLS_PASSWORD_FILE" 1000; CA_WROTE=1; }
  [[ $CA_WROTE == 1 || ! -s $TLS_KEYSTORE ]] || { note "keystore kept: $TLS_KEYSTORE"; return 0; }
  show openssl pkcs12 -export -name gateway -inkey "$key" -in "$cert" -certfile "$PROJECT_CA_CERT" \
    -passout "file:$TLS_PASSWORD_FILE" -out "$TLS_KEYSTORE"
  tmp=$(mktemp)
  (umask 077 && openssl pkcs12 -export -name gateway -inkey "$key" -in "$cert" -certfile "$PROJECT_CA_CERT" \
    -passout "file:$TLS_PASSWORD_FILE" -out "$tmp") || { rm -f "$tmp"; die "openssl could not write $TLS_KEYSTORE"; }
  install -m 0400 -o 1000 -g 1000 "$tmp" "$TLS_KEYSTORE"
  rm -f "$tmp"
}

# The gateway's docker run options for TLS, one per line (its keystore's hash
# as a label: a new keystore recreates the container, which a bind mount needs).
gateway_tls_options() {
  gateway_tls_files >&2
  printf '%s\n' --publish "$BIND_ADDRESS:$D5_TLS_PORT:8443" \
    --env TLS_KEYSTORE_FILE=/run/secrets/gateway.p12 --env "TLS_REDIRECT_PORT=$D5_TLS_PORT" \
    --volume "$TLS_KEYSTORE:/run/secrets/gateway.p12:ro" \
    --volume "$TLS_PASSWORD_FILE:/run/secrets/tls_keystore_password:ro" \
    --label "desafios.keystore=$(sha256sum "$TLS_KEYSTORE" | cut -c1-16)"
}

# True when the running gateway terminates TLS.
gateway_tls_on() {
  docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' desafio5-gateway 2>/dev/null | grep -q '^TLS_KEYSTORE_FILE='
}

tls_curl() { curl -s --max-time 5 --resolve "localhost:$D5_TLS_PORT:$BIND_ADDRESS" --cacert "$PROJECT_CA_CERT" "$@"; }

# curl trusts the gateway through the project's CA alone, and gets 200 over TLS 1.3 or 1.2.
tls_serves() {
  local answer
  answer=$(tls_curl -o /dev/null -w '%{http_code} %{ssl_verify_result}' "$TLS_URL/api/users/1") || true
  note "GET $TLS_URL/api/users/1 with --cacert $PROJECT_CA_CERT: status and verify result $answer"
  [[ $answer == '200 0' ]]
}

# The plain port answers 308 to the same path and query over https; its /health still answers.
tls_plain_redirects() {
  local expected="https://$BIND_ADDRESS:$D5_TLS_PORT/api/users/1?from=verify"
  http GET "http://$BIND_ADDRESS:$D5_PORT/api/users/1?from=verify"
  note "plain GET: $HTTP_STATUS, Location: $(header_value location)"
  status_is 308 && [[ $(header_value location) == "$expected" ]] || return 1
  http GET "http://$BIND_ADDRESS:$D5_PORT/health"
  status_is 200
}

# Plain HTTP sent to the TLS port gets no HTTP answer, and the gateway stays healthy.
tls_port_refuses_plain() {
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$BIND_ADDRESS:$D5_TLS_PORT/health") || true
  note "plain HTTP to the TLS port: status ${status:-none} (000: no HTTP answer)"
  [[ $status == 000 ]] && [[ $(tls_curl -o /dev/null -w '%{http_code}' "$TLS_URL/health") == 200 ]] &&
    [[ $(harm_state desafio5-gateway) == '0 false true' ]]
}

# A TLS 1.1 hello (openssl allowed to send it at security level 0) is refused
# by the server with a protocol_version alert: curl would refuse TLS 1.1 on its
# own side, which would prove nothing about the server.
tls_old_protocols_refused() {
  local out
  out=$(openssl s_client -connect "$BIND_ADDRESS:$D5_TLS_PORT" -tls1_1 -cipher 'DEFAULT@SECLEVEL=0' </dev/null 2>&1) || true
  note "openssl s_client -tls1_1: $(grep -io 'alert protocol version' <<<"$out" | head -n 1)"
  grep -qi 'alert protocol version' <<<"$out"
}

# The key and the keystore's password appear nowhere but in their files: not
# in the image's files, the container's settings (inspect) or its logs.
tls_key_unexposed() {
  local password key_line inspect logs container files
  password=$(<"$TLS_PASSWORD_FILE")
  key_line=$(sed -n 2p "$TLS_SECRETS/gateway-tls.key")
  inspect=$(docker inspect desafio5-gateway)
  logs=$(docker logs desafio5-gateway 2>&1)
  container=$(docker create --label desafios.challenge=5 "$IMAGE_PREFIX/svc-gateway")
  files=$(docker export "$container" | tar -t | grep -E '\.(p12|key|pem)$|tls_keystore' || true)
  docker rm "$container" >/dev/null
  note "in the image: ${files:-no keystore, key or password file}"
  [[ -z $files && $inspect != *"$password"* && $logs != *"$password"* && $logs != *"$key_line"* &&
    $inspect != *'PRIVATE KEY'* && $logs != *'PRIVATE KEY'* ]]
}

# A handshake flood: 60 connections each holding a half-sent ClientHello,
# then 200 HTTPS GETs, 50 at a time. Every GET answers 200, the gateway's
# threads stay well under the container's 128 (each TLS connection once cost
# a thread blocked on a reverse DNS lookup: ForwardLookupsOnly), its /health
# answers within 2 s, and it is not restarted. Held and running together stay
# under the gateway's 141 head slots: past them its head guard cuts slow
# heads, a handshake in progress among them, by design (400 held cut 15 of
# the 200 GETs in one run), and that shedding is not what this measures.
HELD_HANDSHAKES=60
tls_survives_handshake_flood() {
  local fds=() fd i statuses threads health
  for ((i = 0; i < HELD_HANDSHAKES; i++)); do
    exec {fd}<>"/dev/tcp/$BIND_ADDRESS/$D5_TLS_PORT" || break
    printf '\x16\x03\x01\x40\x00\x01\x00\x3f\xfc\x03\x03' >&"$fd" || true
    fds+=("$fd")
  done
  statuses=$(seq 200 | xargs -P 50 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 \
    --resolve "localhost:$D5_TLS_PORT:$BIND_ADDRESS" --cacert "$PROJECT_CA_CERT" "$TLS_URL/api/users/1" | sort | uniq -c | xargs)
  threads=$(docker top desafio5-gateway -eLf | tail -n +2 | wc -l)
  health=$(tls_curl -o /dev/null -w '%{http_code} %{time_total}' "$TLS_URL/health") || true
  for fd in "${fds[@]}"; do exec {fd}>&-; done
  note "${#fds[@]} half-sent ClientHellos held; 200 GETs: $statuses; gateway threads $threads; /health $health"
  [[ $statuses == '200 200' ]] && ((threads < 100)) && [[ $(harm_state desafio5-gateway) == '0 false true' ]] &&
    awk -v h="$health" 'BEGIN { split(h, f, " "); exit !(f[1] == 200 && f[2] < 2) }'
}
