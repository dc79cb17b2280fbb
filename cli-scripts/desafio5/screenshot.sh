#!/usr/bin/env bash
# Run by hand, not in CI: the picture of challenge 5's guide, made from a real
# run. Brings challenge 5 up observed (OBSERVE=1), sends GETs through the
# gateway for a few minutes at three rates, then has headless Chromium
# (Debian's chromium, installed when missing) take the Prometheus graph of the
# gateway's request rate by route into docs/img/prometheus-gateway-rate.png.
# Leaves challenge 5 running.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

OUT="$DESAFIOS_ROOT/docs/img/prometheus-gateway-rate.png"
QUERY='sum by (route) (rate(http_requests_total{job="gateway"}[30s]))'
GW="http://$BIND_ADDRESS:$D5_PORT"

# GETs for SECONDS seconds, PAUSE seconds apart: `traffic SECONDS PAUSE`.
traffic() {
  local until=$((SECONDS + $1))
  while ((SECONDS < until)); do
    curl -s -o /dev/null "$GW/api/users/1"
    curl -s -o /dev/null "$GW/api/orders?userId=1"
    curl -s -o /dev/null "$GW/api/users/1/orders"
    sleep "$2"
  done
}

main() {
  command -v chromium >/dev/null || { say "Installing chromium (Debian package), for the screenshot"; apt_install chromium; }
  OBSERVE=1 "$CLI_DIR/desafio5/up.sh"
  say "Sending GETs through the gateway for three minutes, at three rates"
  traffic 60 0.2
  traffic 60 0.05
  traffic 60 0.5
  local url graph="http://$BIND_ADDRESS:$D5_PROMETHEUS_PORT/graph"
  # Debian's build (the air-gapped stand-in) serves its classic UI under /classic.
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://$BIND_ADDRESS:$D5_PROMETHEUS_PORT/classic/graph") != 200 ]] ||
    graph="http://$BIND_ADDRESS:$D5_PROMETHEUS_PORT/classic/graph"
  # The graph URL with the query encoded, as curl builds it (it fetches the page once, harmlessly).
  url=$(curl -s -G -o /dev/null -w '%{url_effective}' --data-urlencode "g0.expr=$QUERY" \
    --data-urlencode g0.tab=0 --data-urlencode g0.range_input=5m "$graph")
  mkdir -p "$(dirname "$OUT")"
  show chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,720 \
    --virtual-time-budget=10000 --screenshot="$OUT" "$url"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,720 \
    --virtual-time-budget=10000 --screenshot="$OUT" "$url" >/dev/null 2>&1
  [[ -s $OUT ]] || die "chromium wrote no screenshot to $OUT"
  say "Wrote $OUT"
}

main "$@"
