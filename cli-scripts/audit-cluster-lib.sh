#!/usr/bin/env bash
# What audit.sh checks beyond one engine's containers: the swarm's networks,
# published ports and who joins each database's network (`audit.sh swarm`),
# and the cluster (`audit.sh cluster`): its node containers against their one
# documented exception, and inside each node's engine its service containers
# and the swarm. Source it after lib.sh, cluster-lib.sh and audit.sh's
# finding, warning, field and audit_container; it defines functions, adds to
# audit.sh's AUDITED count, and runs nothing.

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
