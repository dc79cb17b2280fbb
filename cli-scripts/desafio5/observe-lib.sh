#!/usr/bin/env bash
# Challenge 5 observed (OBSERVE=1): desafio5-prometheus scrapes every
# service's metrics (ADMIN_PORT 9090) on desafio5-internal, and its UI is
# published on $BIND_ADDRESS:$D5_PROMETHEUS_PORT through desafio5-observe, a
# plain bridge of its own; it joins no data network. Source it after lib.sh
# and verify-lib.sh; it defines functions and runs nothing. What others call: prometheus_up,
# prometheus_down, prometheus_targets_up, prometheus_counts_traffic,
# prometheus_bounds_queries.

PROMETHEUS_NAME=desafio5-prometheus
PROMETHEUS_VOLUME=desafio5-prometheus-data
PROMETHEUS_URL="http://$BIND_ADDRESS:$D5_PROMETHEUS_PORT"

# The official image's command, and bounds on what one query may cost: its
# UI is published, and a single query over a long range at a fine step
# (sum_over_time(vector(1)[1h:1ms])) once took it past its 256 MiB. Past
# these, a query is refused with an error, and Prometheus keeps running;
# GOMEMLIMIT makes Go's collector work harder before the limit is reached.
PROMETHEUS_ARGS=(--config.file=/etc/prometheus/prometheus.yml --storage.tsdb.path=/prometheus
  --storage.tsdb.retention.time=2d --query.max-samples=1000000 --query.timeout=20s --query.max-concurrency=2)

prometheus_config_file() { printf '%s/desafio5/prometheus.yml' "$STATE_DIR"; }

# The scrape configuration: the gateway and orders by container name, the
# users replicas by their alias through Docker's DNS (however many run), as
# the gateway finds them; every 5 s, so a check sees its traffic soon.
prometheus_config() {
  local file
  file=$(prometheus_config_file)
  install -d -m 0755 "$(dirname "$file")"
  cat >"$file.new" <<'YAML'
# Written by cli-scripts/desafio5/observe-lib.sh.
global:
  scrape_interval: 5s
  evaluation_interval: 5s
scrape_configs:
  - job_name: gateway
    static_configs:
      - targets: ["desafio5-gateway:9090"]
  - job_name: orders
    static_configs:
      - targets: ["desafio5-orders:9090"]
  - job_name: users
    dns_sd_configs:
      - names: ["users"]
        type: A
        port: 9090
        refresh_interval: 5s
YAML
  chmod 0644 "$file.new"
  mv "$file.new" "$file"
}

# Starts Prometheus (official image or its air-gapped stand-in), hardened as
# every container, as the image's user nobody on its data volume.
prometheus_up() {
  pick_image PROMETHEUS_IMAGE prom/prometheus:v2.53.0 prometheus
  port_free "$D5_PROMETHEUS_PORT" D5_PROMETHEUS_PORT "$PROMETHEUS_NAME"
  ensure_network desafio5-observe
  ensure_volume "$PROMETHEUS_VOLUME"
  prometheus_config
  run_container "$PROMETHEUS_NAME" "$PROMETHEUS_IMAGE" --network desafio5-observe --user 65534:65534 \
    --publish "$BIND_ADDRESS:$D5_PROMETHEUS_PORT:9090" \
    --volume "$PROMETHEUS_VOLUME:/prometheus" \
    --volume "$(prometheus_config_file):/etc/prometheus/prometheus.yml:ro" \
    --health-cmd 'wget -qO- http://127.0.0.1:9090/-/ready >/dev/null' --health-interval 3s \
    --health-timeout 3s --health-retries 5 --health-start-period 30s \
    --label "desafios.config=$(sha256sum "$(prometheus_config_file)" | cut -c1-16)" \
    --env GOMEMLIMIT=160MiB -- "${PROMETHEUS_ARGS[@]}"
  join_network desafio5-internal "$PROMETHEUS_NAME"
  wait_healthy "$PROMETHEUS_NAME"
}

prometheus_down() {
  remove_containers "$PROMETHEUS_NAME"
  remove_networks desafio5-observe
}

# Every target Prometheus knows is up (its first scrapes, within 30 s): as
# many as the gateway, orders and the running users replicas.
prometheus_targets_up() {
  local expected=$(($(users_replicas | grep -c .) + 2)) body up total
  body=$(curl -s --max-time 5 "$PROMETHEUS_URL/api/v1/targets?state=active") || return 1
  up=$(grep -o '"health":"up"' <<<"$body" | grep -c .) || true
  total=$(grep -o '"health":"[a-z]*"' <<<"$body" | grep -c .) || true
  note "Prometheus targets: $up of $total up (expected $expected)"
  ((total == expected && up == expected))
}

# The value of a PromQL query that returns one number (empty when none).
prometheus_value() {
  curl -s --max-time 5 -G "$PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$1" |
    sed -n 's/.*"value":\[[0-9.]*,"\([^"]*\)"\].*/\1/p'
}

# The gateway's request count, as Prometheus scraped it, grows by the GETs
# just sent to $GW (verify's gateway URL), and its request rate over the last
# minute is above zero.
PROMETHEUS_GETS=30
COUNTED=''
prometheus_counts_traffic() {
  local count='sum(http_requests_total{job="gateway",route="/api/users/**"})' before rate i counted=0
  before=$(prometheus_value "$count")
  for ((i = 0; i < PROMETHEUS_GETS; i++)); do http GET "$GW/api/users/1"; done
  retry 40 0.5 counted_since "$count" "${before:-0}" || counted=1
  rate=$(prometheus_value 'sum(rate(http_requests_total{job="gateway"}[1m]))')
  note "Prometheus: gateway /api/users/** requests $before -> $COUNTED after $PROMETHEUS_GETS GETs; request rate ${rate:-none}/s"
  ((counted == 0)) && awk -v r="${rate:-0}" 'BEGIN { exit !(r > 0) }'
}

# A query past the bounds (a sample a millisecond over an hour: 3.6 million)
# is refused with an error, and Prometheus is still up, never restarted.
prometheus_bounds_queries() {
  local status restarts
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 -G "$PROMETHEUS_URL/api/v1/query" \
    --data-urlencode 'query=sum_over_time(vector(1)[1h:1ms])') || true
  restarts=$(docker inspect -f '{{.RestartCount}} {{.State.OOMKilled}}' "$PROMETHEUS_NAME")
  note "a query of 3.6 million samples: status $status; Prometheus restarts, OOM-killed: $restarts"
  [[ $status =~ ^(422|503)$ && $restarts == '0 false' ]] && curl -sf -o /dev/null "$PROMETHEUS_URL/-/ready"
}

# True once the count query has grown by PROMETHEUS_GETS since BEFORE; COUNTED holds its value.
counted_since() {
  COUNTED=$(prometheus_value "$1")
  awk -v b="$2" -v a="${COUNTED:-0}" -v n="$PROMETHEUS_GETS" 'BEGIN { exit !(a - b >= n) }'
}
