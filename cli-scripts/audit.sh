#!/usr/bin/env bash
# Security audit of the running challenge containers: reads `docker inspect`
# of every container labelled desafios.challenge=1..5 (and swarm) and checks
# the rules of docs/design.md, one line per finding; exits non-zero on any.
# `audit.sh 3` audits challenge 3 only, `audit.sh swarm` the swarm services'
# containers, where two rules give way to what services cannot take (docs/design.md):
# no --security-opt (so no no-new-privileges), and no host address for a
# published port; restarts are the service's policy. `audit.sh cluster`
# audits the cluster (cli-scripts/cluster): its node containers against their
# one documented exception (exactly the flags an engine in a container needs),
# its entry and registry as any container, and, inside every node's engine,
# the swarm services as `audit.sh swarm` does on one engine. Changes nothing.
set -Eeuo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=verify-lib.sh
source "$CLI_DIR/verify-lib.sh"
# shellcheck source=cluster/cluster-lib.sh
source "$CLI_DIR/cluster/cluster-lib.sh"
# shellcheck source=loopback.sh
source "$CLI_DIR/loopback.sh"

FINDINGS=0
finding() { FINDINGS=$((FINDINGS + 1)); printf '  FINDING  %s: %s\n' "$1" "$2"; }
warning() { printf '  WARNING  %s: %s\n' "$1" "${*:2}"; }

# One inspect field of a container (Go template).
field() { docker inspect -f "$2" "$1"; }

audit_container() {
  local c=$1 user caps service
  service=$(field "$c" '{{index .Config.Labels "com.docker.swarm.service.name"}}')
  user=$(field "$c" '{{.Config.User}}')
  [[ -n $user && ! $user =~ ^(0|root)(:|$) ]] || finding "$c" "runs as root (user '$user')"
  [[ $(field "$c" '{{.HostConfig.ReadonlyRootfs}}') == true ]] || finding "$c" "root filesystem is writable"
  caps=$(field "$c" '{{join .HostConfig.CapDrop ","}}')
  [[ ,$caps, == *,ALL,* ]] || finding "$c" "capabilities not dropped (cap-drop: '$caps')"
  [[ -z $(field "$c" '{{join .HostConfig.CapAdd ","}}') ]] || finding "$c" "capabilities added back: $(field "$c" '{{join .HostConfig.CapAdd ","}}')"
  [[ -n $service || $(field "$c" '{{join .HostConfig.SecurityOpt ","}}') == *no-new-privileges* ]] ||
    finding "$c" "no-new-privileges missing"
  [[ $(field "$c" '{{.HostConfig.Privileged}}') == false ]] || finding "$c" "privileged"
  (($(field "$c" '{{.HostConfig.Memory}}') > 0)) || finding "$c" "no memory limit"
  (($(field "$c" '{{.HostConfig.NanoCpus}}') > 0)) || finding "$c" "no CPU limit"
  (($(field "$c" '{{if .HostConfig.PidsLimit}}{{.HostConfig.PidsLimit}}{{else}}0{{end}}') > 0)) || finding "$c" "no pids limit"
  [[ $(field "$c" '{{if .State.Health}}{{.State.Health.Status}}{{end}}') == healthy ]] || finding "$c" "health check missing or not healthy"
  if [[ -n $service ]]; then
    # A service restarts on any exit (a store stopped as unhealthy exits 0), bounded as a container's.
    [[ $(docker service inspect -f '{{with .Spec.TaskTemplate.RestartPolicy}}{{.Condition}} {{.MaxAttempts}}{{end}}' "$service") =~ ^(on-failure|any)\ [1-5]$ ]] ||
      finding "$c" "its service's restart policy is not bounded (on-failure or any, at most 5 attempts)"
  else
    [[ $(field "$c" '{{.HostConfig.RestartPolicy.Name}}') == on-failure ]] &&
      (($(field "$c" '{{.HostConfig.RestartPolicy.MaximumRetryCount}}') <= 5)) || finding "$c" "restart policy is not on-failure:N<=5"
  fi
  (($(field "$c" '{{.RestartCount}}') <= 5)) || finding "$c" "restarted more than 5 times"
  local ns
  for ns in NetworkMode PidMode IpcMode UTSMode UsernsMode; do
    [[ $(field "$c" "{{.HostConfig.$ns}}") != host ]] || finding "$c" "shares the host's ${ns%Mode} namespace"
  done
  local networks
  networks=" $(field "$c" '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}')"
  [[ $networks != " " && $networks != *" bridge "* ]] || finding "$c" "on Docker's default bridge, not a user-defined network"
  local binding
  for binding in $(field "$c" '{{range $p, $b := .NetworkSettings.Ports}}{{range $b}}{{.HostIp}}:{{.HostPort}} {{end}}{{end}}'); do
    [[ $binding == "$BIND_ADDRESS":* || -n $service ]] || finding "$c" "port published on $binding, not $BIND_ADDRESS"
    [[ $binding != 127.* ]] || audit_loopback "$c" "${binding##*:}"
  done
  [[ $(field "$c" '{{range .Mounts}}{{.Source}} {{end}}') != *docker.sock* ]] || finding "$c" "mounts the docker socket"
  [[ $(field "$c" '{{.HostConfig.LogConfig.Type}}') == local ||
    -n $(field "$c" '{{index .HostConfig.LogConfig.Config "max-size"}}') ]] ||
    finding "$c" "logs grow without bound (driver $(field "$c" '{{.HostConfig.LogConfig.Type}}'), no max-size)"
  local env
  while IFS= read -r env; do
    [[ $env =~ ^[A-Z_]*(PASSWORD|SECRET|TOKEN|PASSWD)[A-Z_]*= && ! $env =~ ^[A-Z_]*_FILE= ]] &&
      finding "$c" "secret in an environment variable: ${env%%=*}"
  done < <(field "$c" '{{range .Config.Env}}{{println .}}{{end}}')
  [[ ! $(field "$c" '{{join .Config.Cmd " "}} {{join .Config.Entrypoint " "}}') =~ (requirepass|password=|PASSWORD=) ]] ||
    finding "$c" "secret on the command line"
}

# A port published on 127.0.0.1 must not answer a neighbour that sends packets
# addressed to 127.0.0.1 to this machine (loopback.sh). Probed from a network
# namespace of the audit's own; a finding when set-up started the engine (its
# guard should hold), a warning with the fix otherwise.
audit_loopback() {
  local c=$1 port=$2 reached
  if ((EUID != 0)); then
    warning "$c" "port $port: not probed from another interface (needs root)"
    return
  fi
  reached=$(loopback_probe "$port")
  if [[ $reached == "000 0" ]]; then
    note "$c: port $port takes no packet addressed to 127.0.0.1 from another interface"
    return 0
  fi
  if engine_started_by_setup; then
    finding "$c" "port $port on 127.0.0.1 is reached from another interface (HTTP status, DNAT packets: $reached); the loopback guard is missing"
  else
    warning "$c" "port $port on 127.0.0.1 is reached from another interface (HTTP status, DNAT packets: $reached)" \
      "(this engine was not started by set-up); fix: iptables -t raw -I PREROUTING ! -i lo -d 127.0.0.0/8 -j DROP" \
      "(as later engines do), see docs/security.md"
  fi
}

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

# Swarm: the backend networks are --internal, only the gateway and the API
# publish, and each database's network holds only its database and the one
# service that owns it (the gateway reaches none).
audit_swarm() {
  local name
  for name in swarm-backend swarm-stores swarm-users-data swarm-orders-data; do
    docker network inspect "$name" >/dev/null 2>&1 || continue
    [[ $(docker network inspect -f '{{.Internal}}' "$name") == true ]] || finding "$name" "not --internal"
  done
  local -A owners=([swarm-stores]="swarm-db swarm-cache swarm-api" [swarm-users-data]="swarm-users-db swarm-users"
    [swarm-orders-data]="swarm-orders-db swarm-orders")
  for name in $(docker service ls -q --filter label=desafios.challenge=swarm); do
    name=$(docker service inspect -f '{{.Spec.Name}}' "$name")
    [[ $name == swarm-gateway || $name == swarm-api ||
      -z $(docker service inspect -f '{{range .Endpoint.Ports}}{{.PublishedPort}}{{end}}' "$name") ]] ||
      finding "$name" "publishes a port (only the gateway and the API may)"
    local network
    for network in $(service_networks "$name"); do
      [[ -z ${owners[$network]:-} || " ${owners[$network]} " == *" $name "* ]] ||
        finding "$name" "is on $network, the network of a database it does not own"
    done
  done
}
service_networks() {
  local id
  for id in $(docker service inspect -f '{{range .Spec.TaskTemplate.Networks}}{{.Target}} {{end}}' "$1"); do
    docker network inspect -f '{{.Name}}' "$id"
  done
}

# The cluster's node containers may take exactly what NODE_EXCEPTION in
# cluster/nodes-lib.sh gives them (an engine in a container, standing for a
# machine), and nothing else: no published port, no host namespace, no other
# mount than their own volume, socket folder, CA folder and start script.
audit_node() {
  local c=$1 n=${1##*-} mounts expected
  [[ $(field "$c" '{{join .HostConfig.CapAdd ","}}') == ALL ]] || finding "$c" "capabilities added other than ALL: $(field "$c" '{{join .HostConfig.CapAdd ","}}')"
  [[ $(field "$c" '{{join .HostConfig.CapDrop ","}}') =~ ^(CAP_)?SYS_RESOURCE$ ]] || finding "$c" "cap-drop is not exactly SYS_RESOURCE"
  [[ $(field "$c" '{{join .HostConfig.SecurityOpt " "}}' | tr ' ' '\n' | sort | paste -sd,) == apparmor=unconfined,seccomp=unconfined ]] ||
    finding "$c" "security options other than seccomp and apparmor unconfined: $(field "$c" '{{join .HostConfig.SecurityOpt ","}}')"
  [[ $(field "$c" '{{json .HostConfig.DeviceCgroupRules}}') == '["a *:* rwm"]' ]] || finding "$c" "device rules other than 'a *:* rwm'"
  [[ $(field "$c" '{{.HostConfig.Privileged}}') == false ]] || finding "$c" "privileged"
  [[ -z $(docker port "$c") ]] || finding "$c" "publishes a port (a node's engine and services are reached on the cluster network only)"
  expected=$(sort <<<"desafios-node-$n-data /var/lib/docker true
$(node_socket_dir "$n") /run/desafios true
$CLUSTER_STATE/trust /etc/docker/certs.d/$REGISTRY_NAME:$REGISTRY_PORT false
/sys/fs/cgroup /sys/fs/cgroup true
/lib/modules /lib/modules false
node-start.sh /usr/local/bin/desafios-node-start false")
  # The start script is read from whichever checkout started the node.
  mounts=$(field "$c" '{{range .Mounts}}{{if .Name}}{{.Name}}{{else}}{{.Source}}{{end}} {{.Destination}} {{.RW}}{{println}}{{end}}' |
    sed '/^$/d; s|^[^ ]*/cli-scripts/cluster/node-start.sh |node-start.sh |' | sort)
  [[ $mounts == "$expected" ]] ||
    finding "$c" "mounts other than its volume, socket folder, CA folder, start script, cgroups and modules: $(paste -sd';' <<<"$mounts")"
  (($(field "$c" '{{.HostConfig.Memory}}') > 0)) || finding "$c" "no memory limit"
  (($(field "$c" '{{.HostConfig.NanoCpus}}') > 0)) || finding "$c" "no CPU limit"
  (($(field "$c" '{{if .HostConfig.PidsLimit}}{{.HostConfig.PidsLimit}}{{else}}0{{end}}') > 0)) || finding "$c" "no pids limit"
  [[ $(field "$c" '{{.HostConfig.LogConfig.Type}}') == local ]] || finding "$c" "log driver is not local"
  [[ $(field "$c" '{{.HostConfig.RestartPolicy.Name}}') == on-failure ]] &&
    (($(field "$c" '{{.HostConfig.RestartPolicy.MaximumRetryCount}}') <= 5)) || finding "$c" "restart policy is not on-failure:N<=5"
  [[ $(field "$c" '{{if .State.Health}}{{.State.Health.Status}}{{end}}') == healthy ]] || finding "$c" "health check missing or not healthy"
  local ns
  for ns in NetworkMode PidMode IpcMode UTSMode UsernsMode CgroupnsMode; do
    [[ $(field "$c" "{{.HostConfig.$ns}}") != host || $ns == CgroupnsMode ]] || finding "$c" "shares the host's ${ns%Mode} namespace"
  done
  [[ $(field "$c" '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}') == "$CLUSTER_NETWORK " ]] ||
    finding "$c" "on networks other than $CLUSTER_NETWORK"
}

# Inside node N's engine: every swarm service's container, as on one engine,
# and (once, from the first node that answers) the swarm's networks and ports.
audit_node_engine() {
  local n=$1 c count=0
  local -x DOCKER_HOST
  DOCKER_HOST=$(node_docker_host "$n")
  docker version >/dev/null 2>&1 || { warning "node $n" "its engine does not answer; its containers are not audited"; return 0; }
  for c in $(docker ps --format '{{.Names}}' --filter label=desafios.challenge=swarm); do
    audit_container "$c"
    count=$((count + 1))
  done
  note "node $n: $count service containers audited"
  ((AUDITED_SWARM)) || { audit_swarm; AUDITED_SWARM=1; }
  AUDITED=$((AUDITED + count))
}

audit_cluster() {
  local c n
  AUDITED_SWARM=0
  for c in $(docker ps --format '{{.Names}}' --filter label=desafios.challenge=cluster); do
    if [[ $(field "$c" '{{index .Config.Labels "desafios.role"}}') == node ]]; then audit_node "$c"; else audit_container "$c"; fi
    AUDITED=$((AUDITED + 1))
  done
  for n in 1 2 3; do
    if running "${CLUSTER_NODES[$((n - 1))]}"; then audit_node_engine "$n"; fi
  done
}

main() {
  local challenges=("${@:-1 2 3 4 5 swarm}") n c
  AUDITED=0
  for n in ${challenges[*]}; do
    if [[ $n == cluster ]]; then audit_cluster; continue; fi
    for c in $(docker ps --format '{{.Names}}' --filter "label=desafios.challenge=$n"); do
      audit_container "$c"
      AUDITED=$((AUDITED + 1))
    done
    [[ $n != 5 ]] || audit_challenge5
    [[ $n != swarm ]] || audit_swarm
  done
  local count=$AUDITED
  printf 'audit: %d containers, %d findings\n' "$count" "$FINDINGS"
  ((count > 0 && FINDINGS == 0))
}

main "$@"
