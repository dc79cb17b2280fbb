#!/usr/bin/env bash
# Challenge 5's isolation checks, sourced by verify.sh after lib.sh and
# verify-lib.sh (functions only; it runs nothing): users and orders are
# reachable only through the gateway: only the gateway publishes a port, the
# edge network cannot reach users, nothing leaves the internal network, and
# the metrics answer on the internal network only.

only_gateway_published() {
  local name
  for name in $(docker ps --format '{{.Names}}' --filter label=desafios.challenge=5); do
    d5_published_as_allowed "$name" || { err "$name publishes $(docker port "$name" | paste -sd ' ')"; return 1; }
  done
}

# A throwaway container on the edge network cannot even resolve users; the gateway reaches it.
edge_cannot_reach() {
  local from_edge from_gateway
  show docker run --rm --network desafio5-edge ... desafios/svc-gateway "${PROBE[@]}" http://users:8080/health
  from_edge=$(URL_TO_PROBE=http://users:8080/health probe_exit docker run --rm --network desafio5-edge \
    --read-only --cap-drop ALL --security-opt no-new-privileges --memory 64m --pids-limit 32 \
    --label desafios.challenge=5 --entrypoint '' "$IMAGE_PREFIX/svc-gateway")
  from_gateway=$(URL_TO_PROBE=http://users:8080/health probe_exit docker exec desafio5-gateway)
  note "probe of http://users:8080/health: from desafio5-edge exit $from_edge (3: no such name), from the gateway exit $from_gateway"
  [[ $from_edge == 3 && $from_gateway == 0 ]]
}

# The internal network is --internal: Docker drops whatever leaves it. Proved
# without sending anything off this machine: from users, the gateway's address
# on the edge network (another bridge of this host) gives no answer in time.
no_route_out() {
  local edge_ip code
  edge_ip=$(container_ip desafio5-gateway desafio5-edge)
  [[ $(docker network inspect -f '{{.Internal}}' desafio5-internal) == true && -n $edge_ip ]] || return 1
  code=$(URL_TO_PROBE="http://$edge_ip:8080/health" probe_exit docker exec desafio5-users)
  note "probe of the gateway's edge address $edge_ip from users: exit $code (4: no answer in time)"
  [[ $code == 4 ]]
}

# Each service's metrics (ADMIN_PORT 9090) answer at its address on the
# internal network and nowhere else: the gateway's edge address refuses them
# (probe exit 1), so a client on the edge network cannot read them.
metrics_internal_only() {
  local c internal edge code_internal code_edge ok=0
  for c in desafio5-users desafio5-orders desafio5-gateway; do
    internal=$(container_ip "$c" desafio5-internal)
    code_internal=$(URL_TO_PROBE="http://$internal:9090/metrics" probe_exit docker exec "$c")
    note "$c: metrics at its internal address $internal: exit $code_internal (0: answered 200)"
    [[ $code_internal == 0 ]] || ok=1
  done
  edge=$(container_ip desafio5-gateway desafio5-edge)
  code_edge=$(URL_TO_PROBE="http://$edge:9090/metrics" probe_exit docker exec desafio5-gateway)
  note "desafio5-gateway: metrics at its edge address $edge: exit $code_edge (1: refused)"
  [[ $ok == 0 && $code_edge == 1 ]]
}
