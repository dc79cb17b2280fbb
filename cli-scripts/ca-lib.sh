#!/usr/bin/env bash
# The project's one certificate authority, made by set-up with openssl when a
# TLS server first needs it: the gateway's HTTPS (challenge 5, GATEWAY_TLS=1)
# and the cluster's registry. Its key is root-only (0400) under the state
# directory, never in git, an image or a container. Source it after lib.sh;
# it defines functions and runs nothing. What others call:
#   ca_ensure                       makes the CA unless it exists
#   ca_issue NAME SAN UID KEY CERT  a server certificate for NAME (SAN: openssl's
#                                   subjectAltName list) signed by the CA, the key
#                                   owned by UID, mode 0400; kept while it is valid
#                                   for the CA and its key
# Each sets CA_WROTE=1 when it wrote a file (a container sees a replaced file
# through a bind mount only once it is recreated).

CA_WROTE=0
PROJECT_CA_DIR="$STATE_DIR/ca"
PROJECT_CA_KEY="$PROJECT_CA_DIR/ca.key"
PROJECT_CA_CERT="$PROJECT_CA_DIR/ca.crt"

# The CA: an EC P-256 key and a self-signed certificate that may sign servers only.
ca_ensure() {
  if [[ -s $PROJECT_CA_KEY && -s $PROJECT_CA_CERT ]]; then note "CA kept: $PROJECT_CA_CERT"; return 0; fi
  ensure_command openssl
  install -d -m 0700 "$STATE_DIR" "$PROJECT_CA_DIR"
  local cmd=(openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 -days 825
    -subj "/CN=desafios project CA" -addext "basicConstraints=critical,CA:TRUE,pathlen:0"
    -addext "keyUsage=critical,keyCertSign,cRLSign" -keyout "$PROJECT_CA_KEY" -out "$PROJECT_CA_CERT")
  show "${cmd[@]}"
  (umask 077 && "${cmd[@]}" 2>/dev/null) || die "openssl could not make the CA in $PROJECT_CA_DIR"
  chmod 0400 "$PROJECT_CA_KEY"
  chmod 0444 "$PROJECT_CA_CERT"
  CA_WROTE=1
}

# True when CERT was signed by the CA and matches KEY.
ca_issued() {
  local key=$1 cert=$2
  [[ -s $cert && -s $key ]] &&
    openssl verify -CAfile "$PROJECT_CA_CERT" "$cert" >/dev/null 2>&1 &&
    [[ $(openssl x509 -noout -pubkey -in "$cert") == "$(openssl pkey -pubout -in "$key" 2>/dev/null)" ]]
}

ca_issue() {
  local name=$1 san=$2 uid=$3 key=$4 cert=$5 work
  if ca_issued "$key" "$cert"; then note "server certificate kept: $cert"; return 0; fi
  install -d -m 0700 "$(dirname "$key")" "$(dirname "$cert")"
  work=$(mktemp -d)
  printf '%s\n' "subjectAltName=$san" 'extendedKeyUsage=serverAuth' 'keyUsage=critical,digitalSignature' \
    'basicConstraints=CA:FALSE' >"$work/ext"
  show openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    -keyout "$key" -out "$name.csr"
  show openssl x509 -req -in "$name.csr" -CA "$PROJECT_CA_CERT" -CAkey "$PROJECT_CA_KEY" -days 825 \
    -extfile "$name.ext" -out "$cert"
  note "$name.ext: subjectAltName=$san"
  if ! (umask 077 &&
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
      -keyout "$work/key" -out "$work/csr" 2>/dev/null &&
    openssl x509 -req -in "$work/csr" -CA "$PROJECT_CA_CERT" -CAkey "$PROJECT_CA_KEY" -sha256 -days 825 \
      -set_serial "0x$(openssl rand -hex 16)" -extfile "$work/ext" -out "$work/crt" 2>/dev/null); then
    rm -rf "$work"
    die "openssl could not make the certificate of $name"
  fi
  install -m 0400 -o "$uid" -g "$uid" "$work/key" "$key"
  install -m 0444 "$work/crt" "$cert"
  rm -rf "$work"
  CA_WROTE=1
}
