#!/usr/bin/env bash
# The cluster's image registry: a Distribution registry (registry:2, or the
# air-gapped stand-in desafios/airgap-registry:2) at desafios-registry:5000 on
# the cluster network, with TLS from a CA made here and htpasswd auth. Source
# it after setup.sh (build-images.sh, to push) and cluster-lib.sh; it defines
# functions and runs nothing.
#
# What others call:
#   registry_up                  creates or keeps everything below (idempotent)
#   registry_down [--volumes]    removes it; --volumes also the data, the CA,
#                                the password and the recorded digests
#   registry_push_all [module...] builds the services, pushes them (Jib) and
#                                the base images (the engine), records the
#                                digests; needs build-images.sh sourced and
#                                setup_all run
#   registry_trust_and_login NODE_CONTAINER NODE_DOCKER_HOST
#                                makes a node's engine trust the CA (its
#                                /etc/docker/certs.d) and checks a login from it
#   registry_ref NAME            prints NAME's recorded reference by digest
#                                (svc-api..., jre, postgres, redis, nginx)
#   registry-verify.sh [--no-repush]  the registry's proofs, for cluster/verify.sh
#                                (--no-repush skips the second build and push)
#   REGISTRY_DOCKER_CONFIG       the Docker client config holding the login:
#                                export DOCKER_CONFIG to it for
#                                `docker service create --with-registry-auth`
#
# What up leaves: the container desafios-registry (192.168.213.10, no
# published port), the volume desafios-registry-data, root-only files under
# $STATE_DIR/cluster (registry/) and the project's CA in $STATE_DIR/ca, one marked line in /etc/hosts (the host
# resolves desafios-registry for Jib and its engine) and the host engine's
# trust in /etc/docker/certs.d/desafios-registry:5000/ca.crt.

# shellcheck source=../ca-lib.sh
source "$CLI_DIR/ca-lib.sh"

REGISTRY_VOLUME=desafios-registry-data
REGISTRY_CA_KEY="$PROJECT_CA_KEY"
REGISTRY_CA_CERT="$PROJECT_CA_CERT"
REGISTRY_CERT="$REGISTRY_STATE/registry.crt"
REGISTRY_KEY="$REGISTRY_STATE/registry.key"
REGISTRY_HTPASSWD="$REGISTRY_STATE/htpasswd"
REGISTRY_CONFIG="$REGISTRY_STATE/config.yml"
# A copy of the JDK's CAs plus ours, for Jib inside Maven (Central still works).
# Its password is the JDK's well-known "changeit": the store holds no secret.
REGISTRY_TRUSTSTORE="$REGISTRY_STATE/truststore.p12"
REGISTRY_DIGESTS="$CLUSTER_STATE/digests"
REGISTRY_CERTS_D="/etc/docker/certs.d/$REGISTRY"
REGISTRY_HOSTS_MARK="# desafios-cluster registry"
# The registry's debug server (health, metrics) answers on its loopback only.
REGISTRY_HEALTH_CMD='wget -q -O /dev/null http://127.0.0.1:5001/debug/health'

# Prints a command line with a redirection, as typed (show would quote the "<").
show_line() { [[ ${QUIET:-0} == 1 ]] || printf '$ %s\n' "$*"; }

# shellcheck source=registry-files.sh
source "$CLI_DIR/cluster/registry-files.sh"
# shellcheck source=registry-push.sh
source "$CLI_DIR/cluster/registry-push.sh"

registry_up() {
  registry_require
  pick_image REGISTRY_IMAGE registry:2 registry
  say "Registry: $REGISTRY from $REGISTRY_IMAGE"
  REGISTRY_FILES_CHANGED=0
  registry_ca
  registry_server_cert
  registry_password
  registry_config
  cluster_network
  CHALLENGE=cluster ensure_volume "$REGISTRY_VOLUME"
  registry_run
  registry_hosts_add
  registry_trust_host
  registry_login_host
}

# openssl, htpasswd (Debian's apache2-utils) and keytool; root for /etc.
registry_require() {
  ((EUID == 0)) || die "the registry's set-up writes /etc/hosts and /etc/docker/certs.d; run it as root"
  command -v htpasswd >/dev/null || { say "Installing apache2-utils (htpasswd -B)"; apt_install apache2-utils; }
  command -v openssl >/dev/null || { say "Installing openssl"; apt_install openssl; }
}

# Starts the hardened registry unless it already runs the current image and files.
registry_run() {
  if ((REGISTRY_FILES_CHANGED == 0)) && container_current "$REGISTRY_NAME" "$REGISTRY_IMAGE"; then
    note "$REGISTRY_NAME is already running the current $REGISTRY_IMAGE"
  else
    remove_containers "$REGISTRY_NAME"
    dkq run --detach --name "$REGISTRY_NAME" --hostname "$REGISTRY_NAME" --label desafios.challenge=cluster \
      --network "$CLUSTER_NETWORK" --ip "$REGISTRY_IP" --user "$(registry_uid):$(registry_uid)" \
      "${HARDENED[@]}" --tmpfs /tmp:rw,noexec,nosuid,size=16m --memory 256m --cpus 1 \
      --volume "$REGISTRY_VOLUME:/var/lib/registry" \
      --volume "$REGISTRY_CONFIG:/etc/docker/registry/config.yml:ro" \
      --volume "$REGISTRY_CERT:/certs/registry.crt:ro" --volume "$REGISTRY_KEY:/certs/registry.key:ro" \
      --volume "$REGISTRY_HTPASSWD:/auth/htpasswd:ro" \
      --health-cmd "$REGISTRY_HEALTH_CMD" --health-interval 3s --health-timeout 4s \
      --health-retries 3 --health-start-period 30s \
      "$REGISTRY_IMAGE" ||
      die "docker could not start $REGISTRY_NAME (its message is above); if $REGISTRY_IP is taken, see: docker network inspect $CLUSTER_NETWORK"
  fi
  registry_wait
}

# Waits until the registry is healthy (60 s); gives up at once when it has
# exited for good (its restarts spent), with its last logs and one line.
registry_wait() {
  local try state start=$SECONDS
  for ((try = 0; try < 240; try++)); do
    state=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$REGISTRY_NAME")
    [[ $state == 'running healthy' ]] && { note "healthy: $REGISTRY_NAME ($((SECONDS - start)) s)"; return 0; }
    [[ $state == exited* ]] && break
    sleep 0.25
  done
  docker logs --tail 5 "$REGISTRY_NAME" >&2 || true
  die "the registry $REGISTRY_NAME did not come up ($state; its last logs are above): fix what they name, then run cluster/registry.sh down && cluster/registry.sh up"
}

# The uid the image runs as: the stand-in's docker-registry (999), the official one's root.
registry_uid() {
  local user
  user=$(docker image inspect -f '{{.Config.User}}' "$REGISTRY_IMAGE")
  user=${user%%:*}
  echo "${user:-0}"
}

# One marked line in /etc/hosts, so that the host (Jib, its engine) resolves
# the registry's name to its address on the bridge: not 127.0.0.1, which
# the engine would treat as an insecure registry. Rewritten in place.
registry_hosts_add() {
  local line="$REGISTRY_IP $REGISTRY_NAME $REGISTRY_HOSTS_MARK"
  grep -qxF -- "$line" /etc/hosts && return 0
  registry_hosts_remove
  show_line "echo '$line' >> /etc/hosts"
  printf '%s\n' "$line" >>/etc/hosts
}
registry_hosts_remove() {
  grep -qF -- "$REGISTRY_HOSTS_MARK" /etc/hosts || return 0
  local kept
  kept=$(grep -vF -- "$REGISTRY_HOSTS_MARK" /etc/hosts)
  show_line "sed -i '/$REGISTRY_HOSTS_MARK\$/d' /etc/hosts"
  printf '%s\n' "$kept" >/etc/hosts
}

# The host engine trusts the CA for this registry only (no insecure-registries).
registry_trust_host() {
  cmp -s "$REGISTRY_CA_CERT" "$REGISTRY_CERTS_D/ca.crt" && return 0
  show install -D -m 0644 "$REGISTRY_CA_CERT" "$REGISTRY_CERTS_D/ca.crt"
  install -D -m 0644 "$REGISTRY_CA_CERT" "$REGISTRY_CERTS_D/ca.crt"
}

# Logs the host's client in, its credentials in a root-only Docker config
# under the state directory (Jib reads them there through DOCKER_CONFIG).
registry_login_host() {
  install -d -m 0700 "$REGISTRY_DOCKER_CONFIG"
  registry_login "$REGISTRY_DOCKER_CONFIG" ||
    die "the registry refused the login of $REGISTRY_USER: its htpasswd and $REGISTRY_PASSWORD_FILE disagree; run: cluster/registry.sh down --volumes && cluster/registry.sh up"
  chmod 0600 "$REGISTRY_DOCKER_CONFIG/config.json"
}

# docker login with the password on stdin, into the given client config;
# the engine (DOCKER_HOST) checks the credentials against the registry.
registry_login() {
  local config=$1 output
  show_line "docker login --username $REGISTRY_USER --password-stdin $REGISTRY < $REGISTRY_PASSWORD_FILE"
  output=$(DOCKER_CONFIG=$config docker login --username "$REGISTRY_USER" --password-stdin "$REGISTRY" \
    <"$REGISTRY_PASSWORD_FILE" 2>&1) && return 0
  printf '%s\n' "$output" | grep -v -i 'password' >&2
  return 1
}

# Makes a node's engine trust the CA and checks that it can log in. The node is
# a container on the host engine (desafios-node-N) whose dockerd reads
# /etc/docker/certs.d; its DOCKER_HOST is cluster-lib.sh's node_docker_host N.
# The credentials land in REGISTRY_DOCKER_CONFIG (a client's, not an engine's):
# deploy with DOCKER_CONFIG set to it and --with-registry-auth.
# `registry_trust_and_login desafios-node-1 "$(node_docker_host 1)"`
registry_trust_and_login() {
  local node=$1 host=$2 dir="/etc/docker/certs.d/$REGISTRY"
  show_line "docker exec -i $node sh -c \"mkdir -p '$dir' && cat > '$dir/ca.crt'\" < $REGISTRY_CA_CERT"
  docker exec -i "$node" sh -c "mkdir -p '$dir' && cat > '$dir/ca.crt'" <"$REGISTRY_CA_CERT" ||
    { err "could not copy the registry's CA into $node: is the node running? (docker ps)"; return 1; }
  DOCKER_HOST=$host registry_login "$REGISTRY_DOCKER_CONFIG" ||
    { err "the engine in $node could not log in to $REGISTRY: check that it is on $CLUSTER_NETWORK and that the registry is healthy (cluster/registry.sh up)"; return 1; }
}

# Removes what registry_up made; with --volumes also the data and the state.
registry_down() {
  remove_containers "$REGISTRY_NAME"
  registry_hosts_remove
  if [[ -d $REGISTRY_CERTS_D ]]; then
    show rm -rf "$REGISTRY_CERTS_D"
    rm -rf "$REGISTRY_CERTS_D"
    rmdir --ignore-fail-on-non-empty "${REGISTRY_CERTS_D%/*}"
  fi
  # The nodes share the network: it goes only when nothing is attached.
  if docker network inspect "$CLUSTER_NETWORK" >/dev/null 2>&1 &&
    [[ $(docker network inspect -f '{{len .Containers}}' "$CLUSTER_NETWORK") == 0 ]]; then
    remove_networks "$CLUSTER_NETWORK"
  fi
  [[ ${1:-} == --volumes ]] || { note "data and state kept (--volumes removes them)"; return 0; }
  remove_volumes "$REGISTRY_VOLUME"
  # The CA is the project's (the gateway's HTTPS uses it too): clean.sh removes it.
  show rm -rf "$REGISTRY_STATE" "$REGISTRY_DIGESTS"
  rm -rf "$REGISTRY_STATE" "$REGISTRY_DIGESTS"
}
