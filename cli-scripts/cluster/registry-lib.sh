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
# shellcheck source=registry-trust.sh
source "$CLI_DIR/cluster/registry-trust.sh"
# shellcheck source=registry-digests.sh
source "$CLI_DIR/cluster/registry-digests.sh"

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
