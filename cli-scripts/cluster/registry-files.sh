#!/usr/bin/env bash
# The registry's files, made once and kept under $STATE_DIR/cluster: the CA
# (its key root-only, 0400), the server certificate and key, the password
# (root-only, 0400) and its htpasswd, the config. Each step keeps what is
# already right and sets REGISTRY_FILES_CHANGED=1 when it writes a file the
# container mounts (a replaced file is not seen through a bind mount).
# Sourced by registry-lib.sh; defines functions only.

# The CA: the project's (ca-lib.sh), shared with the gateway's HTTPS.
registry_ca() {
  CA_WROTE=0
  ca_ensure
  ((CA_WROTE == 0)) || REGISTRY_FILES_CHANGED=1
}

# The server certificate: the registry's name, its address and 127.0.0.1 as
# subject alternative names, signed by the CA; the key readable by the
# registry's uid only. Made again when it no longer matches the CA or its key.
registry_server_cert() {
  CA_WROTE=0
  ca_issue "$REGISTRY_NAME" "DNS:$REGISTRY_NAME,IP:127.0.0.1,IP:$REGISTRY_IP" "$(registry_uid)" \
    "$REGISTRY_KEY" "$REGISTRY_CERT"
  ((CA_WROTE == 0)) || REGISTRY_FILES_CHANGED=1
}

# The password (made once, root-only) and its bcrypt htpasswd entry, rewritten
# when it no longer matches the password. htpasswd reads the password on stdin.
registry_password() {
  if [[ ! -s $REGISTRY_PASSWORD_FILE ]]; then
    new_password | write_secret "$REGISTRY_PASSWORD_FILE" 0
    note "new password for $REGISTRY_USER in $REGISTRY_PASSWORD_FILE (root-only)"
  fi
  if [[ -s $REGISTRY_HTPASSWD ]] &&
    htpasswd -v -i "$REGISTRY_HTPASSWD" "$REGISTRY_USER" <"$REGISTRY_PASSWORD_FILE" >/dev/null 2>&1; then
    note "htpasswd kept: $REGISTRY_HTPASSWD"
    return 0
  fi
  local tmp
  tmp=$(mktemp)
  show_line "htpasswd -B -i -c $REGISTRY_HTPASSWD $REGISTRY_USER < $REGISTRY_PASSWORD_FILE"
  htpasswd -B -i -c "$tmp" "$REGISTRY_USER" <"$REGISTRY_PASSWORD_FILE" 2>/dev/null ||
    { rm -f "$tmp"; die "htpasswd could not write the registry's password file"; }
  install -m 0400 -o "$(registry_uid)" -g "$(registry_uid)" "$tmp" "$REGISTRY_HTPASSWD"
  rm -f "$tmp"
  REGISTRY_FILES_CHANGED=1
}

# The registry's config: the official image's, plus TLS, htpasswd auth and a
# debug server on the container's loopback for the health check. No secret in it.
registry_config() {
  local tmp
  tmp=$(mktemp)
  cat >"$tmp" <<'EOF'
version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
  tls:
    certificate: /certs/registry.crt
    key: /certs/registry.key
  debug:
    addr: 127.0.0.1:5001
auth:
  htpasswd:
    realm: desafios-registry
    path: /auth/htpasswd
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
EOF
  if cmp -s "$tmp" "$REGISTRY_CONFIG"; then rm -f "$tmp"; return 0; fi
  install -m 0444 "$tmp" "$REGISTRY_CONFIG"
  rm -f "$tmp"
  note "config written: $REGISTRY_CONFIG"
  REGISTRY_FILES_CHANGED=1
}
