#!/usr/bin/env bash
# Turns a root filesystem into a local image: one layer tarball plus an image
# config written here, given to `docker load`. `docker import --change` would
# be shorter, but Engine 20.10 refuses STOPSIGNAL there, and postgres needs
# SIGINT (a fast shutdown) to stop within docker's 10 s while clients are
# connected. Source it after lib.sh and airgap-lib.sh; it defines functions.

# Prints a string as a JSON string (our values hold no control characters).
airgap_json() {
  local s=${1//\\/\\\\}
  printf '"%s"' "${s//\"/\\\"}"
}

# Prints the image config for a layer digest and Dockerfile-like instructions:
# ENV k=v, LABEL k=v, EXPOSE port, VOLUME path, ENTRYPOINT/CMD [json],
# WORKDIR, USER, STOPSIGNAL.
airgap_config() {
  local diff=$1 line key val env=() labels=() ports=() volumes=() more='' now
  shift
  for line in "$@"; do
    key=${line%% *} val=${line#* }
    case $key in
      ENV) env+=("$(airgap_json "$val")") ;;
      LABEL) labels+=("$(airgap_json "${val%%=*}"):$(airgap_json "${val#*=}")") ;;
      EXPOSE) [[ $val == */* ]] || val+=/tcp; ports+=("$(airgap_json "$val"):{}") ;;
      VOLUME) volumes+=("$(airgap_json "$val"):{}") ;;
      ENTRYPOINT) more+=",\"Entrypoint\":$val" ;;
      CMD) more+=",\"Cmd\":$val" ;;
      WORKDIR) more+=",\"WorkingDir\":$(airgap_json "$val")" ;;
      USER) more+=",\"User\":$(airgap_json "$val")" ;;
      STOPSIGNAL) more+=",\"StopSignal\":$(airgap_json "$val")" ;;
      *) err "unknown image instruction: $line"; return 1 ;;
    esac
  done
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local IFS=,
  printf '{"architecture":"%s","os":"linux","created":"%s",' "$(dpkg --print-architecture)" "$now"
  printf '"config":{"Env":[%s],"Labels":{%s},"ExposedPorts":{%s},"Volumes":{%s}%s},' \
    "${env[*]}" "${labels[*]}" "${ports[*]}" "${volumes[*]}" "$more"
  printf '"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},' "$diff"
  printf '"history":[{"created":"%s","created_by":"cli-scripts/airgap"}]}\n' "$now"
}

# Loads a root filesystem as the image, labelled with its source hash;
# further arguments are instructions for airgap_config.
airgap_import() {
  local root=$1 image=$2 hash=$3 dir=$1.image old
  shift 3
  mkdir -p "$dir"
  tar -C "$root" --numeric-owner --sort=name --exclude='./proc/*' --exclude='./sys/*' \
    --exclude='./dev/*' -cf "$dir/layer.tar" .
  airgap_config "$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)" "LABEL $AIRGAP_LABEL=$hash" "$@" \
    >"$dir/config.json"
  printf '[{"Config":"config.json","RepoTags":["%s"],"Layers":["layer.tar"]}]\n' "$image" \
    >"$dir/manifest.json"
  show docker image ls --quiet "$image"
  old=$(docker image ls --quiet "$image")
  note "one layer from $root; config: $*"
  tar -C "$dir" -cf - manifest.json config.json layer.tar | dkq load --quiet
  # The previous build is now untagged: drop it unless a container still uses it.
  if [[ -n $old ]] && ! docker image ls --quiet "$image" | grep -qx "$old"; then
    dkq image rm "$old" 2>/dev/null || note "kept the previous $image: a container uses it"
  fi
  dk image ls "$image"
}
