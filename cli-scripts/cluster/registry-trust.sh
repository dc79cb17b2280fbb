#!/usr/bin/env bash
# Who trusts the registry and logs in to it: the marked line in /etc/hosts
# (the host resolves the registry's name), the host engine's trust of the CA
# (/etc/docker/certs.d), the host client's login into REGISTRY_DOCKER_CONFIG,
# and a node's engine's trust and login (registry_trust_and_login). Sourced by
# registry-lib.sh; defines functions only.

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
