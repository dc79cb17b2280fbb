#!/usr/bin/env bash
# What audit.sh checks of challenge 5 beyond each container's rules: the
# internal network is --internal and has no route out, only the gateway (and
# Prometheus its UI) publishes, Prometheus is on its two networks only, and
# each database is reached by its own service only. Source it after lib.sh,
# verify-lib.sh and audit.sh's finding and field; it defines functions and
# runs nothing.

# Challenge 5: the internal network is --internal, only the gateway publishes,
# and each database is reached by its own service only.
audit_challenge5() {
  docker network inspect desafio5-internal >/dev/null 2>&1 || return 0
  [[ $(docker network inspect -f '{{.Internal}}' desafio5-internal) == true ]] || finding desafio5-internal "not --internal"
  # No route out: from users, the gateway's address on the edge network (another
  # bridge of this host, so nothing leaves the machine) must give no answer in time.
  local edge_ip
  edge_ip=$(container_ip desafio5-gateway desafio5-edge 2>/dev/null || true)
  if [[ -n $edge_ip ]] && running desafio5-users; then
    [[ $(URL_TO_PROBE="http://$edge_ip:8080/health" probe_exit docker exec desafio5-users) == 4 ]] ||
      finding desafio5-internal "traffic from users reaches another network ($edge_ip)"
  fi
  local c
  for c in $(docker ps --format '{{.Names}}' --filter label=desafios.challenge=5); do
    d5_published_as_allowed "$c" ||
      finding "$c" "publishes $(docker port "$c" | paste -sd ' ') (only the gateway may, and Prometheus its own port)"
  done
  audit_challenge5_prometheus
  audit_challenge5_databases
}

# Observed: Prometheus is on the internal network (to scrape) and its own
# desafio5-observe bridge (its UI), on no data network and nothing else.
audit_challenge5_prometheus() {
  running desafio5-prometheus || return 0
  local networks
  networks=$(docker inspect -f '{{range $name, $_ := .NetworkSettings.Networks}}{{println $name}}{{end}}' desafio5-prometheus | sed '/^$/d' | sort | paste -sd ' ')
  [[ $networks == 'desafio5-internal desafio5-observe' ]] ||
    finding desafio5-prometheus "on the networks $networks (expected desafio5-internal desafio5-observe)"
}

# Database per service: each database on its own --internal network, joined
# by its service only; proved by the networks each container is on and by
# connection attempts from inside the others (no answer: exit 4, db_reach).
audit_challenge5_databases() {
  local service other net c networks from
  for service in users orders; do
    net=desafio5-$service-data
    docker network inspect "$net" >/dev/null 2>&1 || continue
    [[ $(docker network inspect -f '{{.Internal}}' "$net") == true ]] || finding "$net" "not --internal"
    [[ $service == users ]] && other=orders || other=users
    for c in $(docker ps --format '{{.Names}}' --filter label=desafios.challenge=5); do
      networks=" $(field "$c" '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}')"
      [[ $networks != *" $net "* || $c == "desafio5-$service-db" || $c =~ ^desafio5-$service(-[0-9])?$ ]] ||
        finding "$c" "is on $net, the network of $service's database"
    done
    [[ $(field "desafio5-$service-db" '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}') == "$net " ]] ||
      finding "desafio5-$service-db" "is on other networks than $net"
    for from in desafio5-gateway "desafio5-$other"; do
      running "$from" && running "desafio5-$service-db" || continue
      [[ $(db_reach "$from" "desafio5-$service-db" "$net") == 4 ]] ||
        finding "$from" "reaches desafio5-$service-db, the database of $service"
    done
  done
}
