#!/usr/bin/env bash
# The digests file, $STATE_DIR/cluster/digests: one "name reference@sha256:..."
# line for each image pushed (registry-push.sh records them), read by the
# deploy scripts through registry_ref. Sourced by registry-lib.sh; defines
# functions only.

# Records "name reference@digest" in the digests file, replacing name's line.
registry_record() {
  local name=$1 ref=$2 tmp
  [[ $ref == *@sha256:* ]] || die "no digest for $name after its push"
  mkdir -p "$CLUSTER_STATE"
  tmp=$(mktemp "$REGISTRY_DIGESTS.XXXXXX")
  { grep -v "^$name " "$REGISTRY_DIGESTS" 2>/dev/null || true; printf '%s %s\n' "$name" "$ref"; } | sort >"$tmp"
  chmod 0644 "$tmp"
  mv "$tmp" "$REGISTRY_DIGESTS"
  note "$name $ref"
}

# Prints the recorded reference by digest of a service or base image.
registry_ref() {
  local ref
  ref=$(awk -v n="$1" '$1 == n {print $2}' "$REGISTRY_DIGESTS" 2>/dev/null)
  [[ -n $ref ]] || die "no digest recorded for $1 in $REGISTRY_DIGESTS; run: bash cli-scripts/build-images.sh --push"
  echo "$ref"
}
