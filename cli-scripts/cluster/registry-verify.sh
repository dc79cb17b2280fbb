#!/usr/bin/env bash
# Proves the cluster's registry as it runs (registry.sh up and push first):
# hardened, TLS that only the project's CA vouches for, 401 without or with a
# wrong password, a push with a wrong password refused with one clear line,
# every recorded digest served, a second up that changes nothing, no secret
# in inspect or logs, and a second build and push of the same commit giving
# the same digests (skipped with --no-repush).
# Leaves the registry as it found it, plus the re-pushed (identical) images.
set -Eeuo pipefail

# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=../verify-lib.sh
source "$CLI_DIR/verify-lib.sh"
# shellcheck source=cluster-lib.sh
source "$CLI_DIR/cluster/cluster-lib.sh"
# shellcheck source=registry-lib.sh
source "$CLI_DIR/cluster/registry-lib.sh"

URL="https://$REGISTRY/v2"
ACCEPT='Accept: application/vnd.docker.distribution.manifest.v2+json'

# curl with the CA and the credentials in a config read from a pipe (never on a command line).
authed() {
  http "$@" --cacert "$REGISTRY_CA_CERT" -K <(printf 'user = "%s:%s"\n' "$REGISTRY_USER" "$(<"$REGISTRY_PASSWORD_FILE")")
}

hardened() {
  local flags
  flags=$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}} {{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.LogConfig.Type}} ports={{len .HostConfig.PortBindings}} ip={{(index .NetworkSettings.Networks "desafios-cluster").IPAddress}}' "$REGISTRY_NAME")
  note "$flags"
  [[ $flags == "true [ALL] [no-new-privileges] 268435456 128 local ports=0 ip=$REGISTRY_IP" ]]
}

untrusted_refused() {
  local code=0
  curl -s -o /dev/null --max-time 5 "$URL/" || code=$?
  note "curl without the CA: exit $code (60: certificate not trusted)"
  ((code == 60))
}

# Every recorded reference answers by its digest, and only with credentials.
digests_served() {
  local name ref outcome=0
  while read -r name ref; do
    authed GET "https://$REGISTRY/v2/$(registry_repo_path "$ref")/manifests/${ref#*@}" -H "$ACCEPT"
    header_has "docker-content-digest: ${ref#*@}" || { note "$name: $HTTP_STATUS"; outcome=1; }
  done <"$REGISTRY_DIGESTS"
  note "$(wc -l <"$REGISTRY_DIGESTS") references answered by digest"
  return "$outcome"
}
registry_repo_path() { local path=${1%@*}; echo "${path#*/}"; }

anonymous_pull_refused() {
  local ref
  ref=$(registry_ref svc-api)
  http GET "https://$REGISTRY/v2/$(registry_repo_path "$ref")/manifests/${ref#*@}" --cacert "$REGISTRY_CA_CERT" -H "$ACCEPT"
  status_is 401
}

# A push with a wrong password, by Jib and by the engine: refused, one clear line.
wrong_password_refused() {
  local bad output outcome=0
  bad=$(mktemp -d)
  printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REGISTRY" "$(printf '%s:wrong' "$REGISTRY_USER" | base64)" >"$bad/config.json"
  for push in "registry_push_services svc-poller" "registry_push_bases jre"; do
    output=$( (REGISTRY_PUSH_CONFIG=$bad QUIET=1 $push) 2>&1) && { note "$push was accepted"; outcome=1; continue; }
    output=$(grep '^error:' <<<"$output")
    note "${push%% *}: $output"
    [[ $output == *"refused the push"*"wrong user or password"* ]] || outcome=1
  done
  rm -rf "$bad"
  return "$outcome"
}

# A second up changes nothing: the same container, still healthy.
second_up_idempotent() {
  local before
  before=$(docker inspect -f '{{.Id}}' "$REGISTRY_NAME")
  QUIET=1 registry_up >/dev/null
  [[ $(docker inspect -f '{{.Id}}' "$REGISTRY_NAME") == "$before" ]] && container_healthy "$REGISTRY_NAME"
}

no_secret_shown() {
  local password
  password=$(<"$REGISTRY_PASSWORD_FILE")
  ! docker inspect "$REGISTRY_NAME" | grep -qF -- "$password" && ! docker logs "$REGISTRY_NAME" 2>&1 | grep -qF -- "$password"
}

root_only() {
  [[ $(stat -c '%a %U' "$REGISTRY_CA_KEY" "$REGISTRY_PASSWORD_FILE" "$REGISTRY_DOCKER_CONFIG/config.json" | tr '\n' ' ') == '400 root 400 root 600 root ' ]] &&
    [[ $(stat -c '%a' "$REGISTRY_KEY" "$REGISTRY_HTPASSWD" | tr '\n' ' ') == '400 400 ' ]]
}

# Pushes everything again from the same commit and compares the digests.
same_digests_again() {
  local before start=$SECONDS log=$REGISTRY_STATE/repush.log
  before=$(<"$REGISTRY_DIGESTS")
  QUIET=1 registry_push_all >"$log" 2>&1 || { tail -n 20 "$log" >&2; return 1; }
  note "second build and push took $((SECONDS - start)) s (output: $log)"
  diff <(echo "$before") "$REGISTRY_DIGESTS" >&2
}

main() {
  setup_all >/dev/null
  say "Registry $REGISTRY ($REGISTRY_IP)"
  check "the registry is healthy (its debug server's /debug/health)" container_healthy "$REGISTRY_NAME"
  check "hardened: read-only, no capabilities, no new privileges, 256 MiB, 128 pids, no published port, fixed address" hardened
  check "a client without the project's CA refuses its certificate" untrusted_refused
  http GET "$URL/" --cacert "$REGISTRY_CA_CERT"
  check "no credentials: 401 with a Basic challenge" eval 'status_is 401 && header_has "www-authenticate: Basic"'
  http GET "$URL/" --cacert "$REGISTRY_CA_CERT" -K <(printf 'user = "%s:wrong"\n' "$REGISTRY_USER")
  check "a wrong password: 401" status_is 401
  authed GET "$URL/_catalog"
  check "the password: 200, and the catalog lists the pushed repositories" eval 'status_is 200 && body_has "desafios/svc-gateway"'
  check "a pull without credentials: 401" anonymous_pull_refused
  check "every recorded digest is served (services and base images)" digests_served
  check "a push with a wrong password is refused with one clear line (Jib and the engine)" wrong_password_refused
  check "a second up keeps the same container, healthy" second_up_idempotent
  check "the password is in no docker inspect output and no registry log" no_secret_shown
  check "the CA key, the password and the login are root-only; the server key and htpasswd 0400" root_only
  if [[ ${1:-} != --no-repush ]]; then
    check "a second build and push of the same commit gives the same digests" same_digests_again
  fi
  checks_done "registry"
}

main "$@"
