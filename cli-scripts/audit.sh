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
# shellcheck source=audit-challenge5-lib.sh
source "$CLI_DIR/audit-challenge5-lib.sh"
# shellcheck source=audit-cluster-lib.sh
source "$CLI_DIR/audit-cluster-lib.sh"

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
