#!/usr/bin/env bash
# Helpers of the air-gapped images: local stand-ins for eclipse-temurin,
# postgres, redis and nginx, built with no image registry. Source it after
# lib.sh; it defines functions and variables and runs nothing.
# airgap_build_all builds whichever of the four images is missing or stale.
# Each image carries the label desafios.airgap.source: a hash of its build
# scripts and files, the JDK release and the Debian package versions it uses.

AIRGAP_DIR="$CLI_DIR/airgap"
AIRGAP_STATE="$STATE_DIR/airgap"
AIRGAP_LABEL=desafios.airgap.source
AIRGAP_NAMES=(jre postgres redis nginx)

# lib.sh's dkq where it has one: a printed docker command, its stdout dropped.
declare -F dkq >/dev/null || dkq() { show docker "$@"; docker "$@" >/dev/null; }

# Builds the named images (default: all four), each only when missing or stale.
airgap_build_all() {
  local name failed=()
  (($#)) || set -- "${AIRGAP_NAMES[@]}"
  for name in "$@"; do
    if [[ ! -f $AIRGAP_DIR/build-$name.sh ]]; then err "no air-gapped image called $name"; return 1; fi
    QUIET=${QUIET:-0} bash "$AIRGAP_DIR/build-$name.sh" || failed+=("$name")
  done
  ((${#failed[@]} == 0)) || { err "air-gapped images that failed to build: ${failed[*]}"; return 1; }
}

# Stops with one clear line unless we are root and every command exists;
# debootstrap, the one tool a fresh Debian lacks, is installed with apt.
airgap_require() {
  local cmd
  ((EUID == 0)) || die "building the air-gapped images needs root (debootstrap, chroot, chown)"
  for cmd in "$@"; do
    if [[ $cmd == debootstrap ]] && ! command -v debootstrap >/dev/null && command -v apt-get >/dev/null; then
      say "Installing debootstrap with apt (builds the database and proxy stand-ins)"
      apt_install debootstrap
    fi
    command -v "$cmd" >/dev/null || die "building the air-gapped images needs $cmd (apt-get install $cmd)"
  done
}

# Lets one build run at a time (set-up may start several): waits its turn.
airgap_lock() {
  mkdir -p "$AIRGAP_STATE"
  exec {AIRGAP_LOCK_FD}>"$AIRGAP_STATE/lock"
  flock --nonblock "$AIRGAP_LOCK_FD" && return 0
  note "waiting for another air-gapped build to finish"
  flock "$AIRGAP_LOCK_FD"
}

# Makes sure apt knows the packages, running `apt-get update` only if not.
airgap_apt_lists() {
  apt-cache show --no-all-versions "$@" >/dev/null 2>&1 && return 0
  say "Updating the apt package lists"
  apt-get update -qq >/dev/null || die "apt-get update failed"
  apt-cache show --no-all-versions "$@" >/dev/null 2>&1 || die "apt does not know some of: $*"
}

# Prints name=version of the packages as apt would fetch them now; with
# --deps first, of everything they depend on as well. apt-cache rereads all
# lists on every call where the host keeps no package cache (as in
# containers), so the answer is kept under $AIRGAP_STATE until they change.
airgap_pkg_versions() {
  local deps=0 cache stamp closure
  [[ ${1:-} == --deps ]] && { deps=1; shift; }
  cache="$AIRGAP_STATE/versions-$(echo "$deps $*" | sha256sum | cut -c1-16)"
  stamp=$(airgap_lists_stamp)
  if [[ -f $cache && $(head -n 1 "$cache") == "$stamp" ]]; then tail -n +2 "$cache"; return 0; fi
  airgap_apt_lists "$@"
  closure=("$@")
  if ((deps)); then
    mapfile -t closure < <(apt-cache depends --recurse --no-recommends --no-suggests \
      --no-conflicts --no-breaks --no-replaces --no-enhances "$@" | grep -v -e '^ ' -e '^<' | sort -u)
  fi
  { airgap_lists_stamp
    apt-cache show --no-all-versions "${closure[@]}" | awk '/^Package:/ {p = $2} /^Version:/ {print p "=" $2}' | sort -u
  } >"$cache.$$"
  mv "$cache.$$" "$cache"
  tail -n +2 "$cache"
}

# Prints a fingerprint of apt's package lists (names and times).
airgap_lists_stamp() {
  stat -c '%n %Y' /var/lib/apt/lists/* 2>/dev/null | sha256sum | cut -d' ' -f1
}

# Prints the source hash: the text in $1 (versions), the helpers of this
# folder and the given files (the build script and what it copies in).
airgap_hash() {
  { printf '%s\n' "$1"; shift; cat -- "$AIRGAP_DIR"/*-lib.sh "$@"; } | sha256sum | cut -d' ' -f1
}

# Builds an image with a function unless the image was built from the same
# sources: `airgap_build desafios/airgap-jre:25 HASH jre_build`. The function
# gets an empty work directory, removed afterwards, the image and the hash.
airgap_build() {
  local image=$1 hash=$2 fn=$3
  local query=(image ls --quiet --filter "label=$AIRGAP_LABEL=$hash" "$image")
  if [[ -n $(docker "${query[@]}") ]]; then detail "${image#*/} is up to date"; return 0; fi
  AIRGAP_WORK=$(mktemp -d "$AIRGAP_STATE/work.XXXXXX")
  trap 'airgap_rm_tree "$AIRGAP_WORK"' EXIT
  timed "Building ${image#*/}" "$fn" "$AIRGAP_WORK" "$image" "$hash"
}

# Removes a directory tree after unmounting anything mounted inside it.
airgap_rm_tree() {
  local dir=$1 mnt
  [[ -n $dir && -d $dir ]] || return 0
  dir=$(realpath "$dir")
  awk -v d="$dir/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r |
    while read -r mnt; do umount -l "$mnt" || true; done
  rm -rf --one-file-system -- "$dir"
}

# Runs a command with its output in a log, showing the log's end on failure.
airgap_logged() {
  local log=$1
  shift
  "$@" >>"$log" 2>&1 && return 0
  err "$1 failed; the end of $log:"
  tail -n 30 "$log" >&2
  return 1
}
