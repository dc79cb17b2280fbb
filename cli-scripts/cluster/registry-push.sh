#!/usr/bin/env bash
# Pushing to the registry: the six service images by Jib (jib:build: no
# engine between Jib and the registry), the base images the cluster runs by
# the host engine (docker push), and each one's digest recorded in
# $STATE_DIR/cluster/digests as "name reference@sha256:..." for the deploy
# scripts (registry-digests.sh). Sourced by registry-lib.sh; the services
# need build-images.sh's functions (jib_build). Defines functions only.

REGISTRY_REPO="$REGISTRY/desafios"
# Where the push reads its credentials; verify points it at a wrong password.
REGISTRY_PUSH_CONFIG=${REGISTRY_PUSH_CONFIG:-$REGISTRY_DOCKER_CONFIG}
# The base images the cluster runs: digests-file name and the variable setup.sh sets.
declare -A REGISTRY_BASES=([jre]=JAVA_BASE_IMAGE [postgres]=POSTGRES_IMAGE [redis]=REDIS_IMAGE [nginx]=NGINX_IMAGE)

# Fails with one line unless the registry is up and the host logged in.
registry_ready() {
  if ! container_healthy "$REGISTRY_NAME" || ! grep -qF -- "$REGISTRY_HOSTS_MARK" /etc/hosts ||
    [[ ! -s $REGISTRY_DOCKER_CONFIG/config.json ]]; then
    die "the registry $REGISTRY is not up (or the host is not logged in); run: cluster/registry.sh up"
  fi
}

# Maven's JVM trusts the JDK's CAs plus ours: a copy of cacerts with the CA added.
registry_truststore() {
  [[ -s $REGISTRY_TRUSTSTORE && $REGISTRY_TRUSTSTORE -nt $REGISTRY_CA_CERT ]] && return 0
  local keytool=$JAVA_HOME/bin/keytool tmp=$REGISTRY_TRUSTSTORE.tmp
  rm -f "$tmp"
  show keytool -importkeystore -srckeystore "$JAVA_HOME/lib/security/cacerts" -destkeystore "$REGISTRY_TRUSTSTORE"
  show keytool -importcert -alias desafios-cluster-ca -file "$REGISTRY_CA_CERT" -keystore "$REGISTRY_TRUSTSTORE"
  if ! "$keytool" -importkeystore -noprompt -srckeystore "$JAVA_HOME/lib/security/cacerts" -srcstorepass changeit \
    -destkeystore "$tmp" -deststoretype PKCS12 -deststorepass changeit >/dev/null 2>&1 ||
    ! "$keytool" -importcert -noprompt -alias desafios-cluster-ca -file "$REGISTRY_CA_CERT" -keystore "$tmp" \
      -storepass changeit >/dev/null 2>&1; then
    rm -f "$tmp"
    die "keytool could not make $REGISTRY_TRUSTSTORE"
  fi
  mv "$tmp" "$REGISTRY_TRUSTSTORE"
}

# Builds the services, has Jib push them and the engine push the base images,
# recording every digest. Needs setup_all run. `registry_push_all [module...]`
registry_push_all() {
  timed "Building images with Jib (${*:-all services})" build_images "$@"
  timed "Pushing images to $REGISTRY with Jib (${*:-all services})" registry_push_services "$@"
  timed "Pushing the base images to $REGISTRY" registry_push_bases
  say "Digests recorded in $REGISTRY_DIGESTS"
}

# Jib builds and pushes the services (all when none are given) with their
# class archives, which build_images has just dumped for the same commit.
# `registry_push_services [module...]`
registry_push_services() {
  local modules=("$@") module
  ((${#modules[@]})) || modules=("${ALL_SERVICES[@]}")
  registry_jib_push "${modules[@]}"
  for module in "${modules[@]}"; do
    registry_record "$module" "$REGISTRY_REPO/$module@$(<"$DESAFIOS_ROOT/$module/target/jib-image.digest")"
  done
}

# A users image like the pushed one but for a label naming when it was made
# (the same commit always builds the same digest; this one differs), pushed
# for a rolling update; prints its reference by digest, records nothing.
registry_push_rolled_users() {
  local label
  label="desafios.rolled=$(date +%s)"
  say "Pushing svc-users again with the label $label" >&2
  registry_jib_push svc-users -Djib.container.labels="$label" >&2
  echo "$REGISTRY_REPO/svc-users@$(<"$DESAFIOS_ROOT/svc-users/target/jib-image.digest")"
}

# jib:build of modules with their class archives, and extra Maven arguments
# after the modules: `registry_jib_push svc-users [-Dname=value...]`.
registry_jib_push() {
  local modules=() args=() list module log
  while (($#)) && [[ $1 != -* ]]; do modules+=("$1"); shift; done
  args=("$@")
  list=$(IFS=,; echo "${modules[*]}")
  registry_ready
  registry_truststore
  log=$(mktemp)
  for module in "${modules[@]}"; do rm -f "$DESAFIOS_ROOT/$module/target/jib-image.digest"; done
  note "credentials: DOCKER_CONFIG=$REGISTRY_PUSH_CONFIG; trust: MAVEN_OPTS=-Djavax.net.ssl.trustStore=$REGISTRY_TRUSTSTORE"
  if ! DOCKER_CONFIG=$REGISTRY_PUSH_CONFIG JIB_GOAL=jib:build IMAGE_PREFIX=$REGISTRY_REPO \
    MAVEN_OPTS="${MAVEN_OPTS:-} -Djavax.net.ssl.trustStore=$REGISTRY_TRUSTSTORE -Djavax.net.ssl.trustStorePassword=changeit" \
    jib_build "$list" -Djib.classArchive "${args[@]}" 2>&1 | tee "$log"; then
    registry_push_failed "the images of $list (Jib)" "$log"
  fi
  rm -f "$log"
}

# The host engine pushes the base images (all four when none are named).
# `registry_push_bases [jre|postgres|redis|nginx...]`
registry_push_bases() {
  local name image target log digest
  (($#)) || set -- jre postgres redis nginx
  registry_ready
  log=$(mktemp)
  for name in "$@"; do
    image=${!REGISTRY_BASES[$name]}
    image=${image#docker://}
    target=$REGISTRY_REPO/${image##*/}
    dkq tag "$image" "$target"
    show docker push "$target"
    if ! DOCKER_CONFIG=$REGISTRY_PUSH_CONFIG docker push "$target" >"$log" 2>&1; then
      docker image rm "$target" >/dev/null
      registry_push_failed "$image" "$log"
    fi
    digest=$(grep -o 'digest: sha256:[0-9a-f]*' "$log" | cut -d' ' -f2)
    dkq image rm "$target"
    registry_record "$name" "${target%:*}@$digest"
  done
  rm -f "$log"
}

# One line naming what failed and how to fix it, from the push's output; then exits.
registry_push_failed() {
  local what=$1 log=$2
  tail -n 5 "$log" >&2
  if grep -qiE 'unauthori[sz]ed|authentication required|401' "$log"; then
    rm -f "$log"
    die "the registry $REGISTRY refused the push of $what: wrong user or password (401); run cluster/registry.sh up, which logs in again with $REGISTRY_PASSWORD_FILE"
  elif grep -qiE 'x509|PKIX|certificate' "$log"; then
    rm -f "$log"
    die "the push of $what does not trust $REGISTRY's certificate; run cluster/registry.sh up (CA in $REGISTRY_CERTS_D and $REGISTRY_TRUSTSTORE)"
  elif grep -qiE 'no such host|UnknownHost|connection refused|timed out|unreachable' "$log"; then
    rm -f "$log"
    die "the push of $what could not reach $REGISTRY; run cluster/registry.sh up"
  fi
  rm -f "$log"
  die "the push of $what to $REGISTRY failed (the end of its output is above)"
}
