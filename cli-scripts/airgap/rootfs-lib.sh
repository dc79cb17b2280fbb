#!/usr/bin/env bash
# Helpers of the air-gapped images built from Debian bookworm (postgres,
# redis, nginx): one debootstrap minbase, cached under ${STATE_DIR}/airgap,
# copied per image, packages installed in a chroot with apt, then shrunk.
# Source it after lib.sh and airgap-lib.sh; it defines functions only.

AIRGAP_SUITE=bookworm

# The machine's own Debian mirror whose path ends in ARCHIVE (debian, or
# debian-security), read from its apt sources (deb822 .sources or one-line
# .list): the images come from wherever this machine takes its packages.
airgap_machine_mirror() {
  local archive=$1
  {
    awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' /etc/apt/sources.list.d/*.sources 2>/dev/null
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; break } }' \
      /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
  } | grep -E "/$archive/?\$" | head -n 1 | sed 's:/*$::' || true
}
AIRGAP_MIRROR=${AIRGAP_MIRROR:-$(airgap_machine_mirror debian)}
AIRGAP_SECURITY_MIRROR=${AIRGAP_SECURITY_MIRROR:-$(airgap_machine_mirror debian-security)}
# shellcheck disable=SC2153 # AIRGAP_STATE comes from airgap-lib.sh
AIRGAP_BASE="$AIRGAP_STATE/base-$AIRGAP_SUITE"

# Makes the cached minbase once; every image upgrades its own copy.
airgap_base() {
  [[ -f $AIRGAP_BASE/.complete ]] && return 0
  [[ -n $AIRGAP_MIRROR && -n $AIRGAP_SECURITY_MIRROR ]] ||
    die "no Debian mirror (…/debian and …/debian-security) in this machine's apt sources; set AIRGAP_MIRROR and AIRGAP_SECURITY_MIRROR"
  local tmp="$AIRGAP_BASE.tmp" log="$AIRGAP_STATE/debootstrap.log"
  airgap_rm_tree "$tmp"
  : >"$log"
  timed "Bootstrapping Debian $AIRGAP_SUITE (minbase)" airgap_debootstrap "$tmp" "$log" \
    || { airgap_rm_tree "$tmp"; return 1; }
  printf 'deb %s %s main\n' "$AIRGAP_MIRROR" "$AIRGAP_SUITE" "$AIRGAP_MIRROR" "$AIRGAP_SUITE-updates" \
    "$AIRGAP_SECURITY_MIRROR" "$AIRGAP_SUITE-security" >"$tmp/etc/apt/sources.list"
  # No daemon starts inside the chroot, and no docs or translations get in.
  printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
  chmod 0755 "$tmp/usr/sbin/policy-rc.d"
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' \
    'path-exclude /usr/share/locale/*/LC_MESSAGES/*.mo' >"$tmp/etc/dpkg/dpkg.cfg.d/airgap-nodoc"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
    >"$tmp/etc/apt/apt.conf.d/90airgap"
  airgap_shrink "$tmp"
  touch "$tmp/.complete"
  mv "$tmp" "$AIRGAP_BASE"
}

# Runs debootstrap into a directory, its output in a log: airgap_debootstrap DIR LOG.
airgap_debootstrap() {
  local cmd=(debootstrap --variant=minbase "$AIRGAP_SUITE" "$1" "$AIRGAP_MIRROR")
  show "${cmd[@]}"
  airgap_logged "$2" "${cmd[@]}"
}

# Runs a command inside root with a clean environment and /proc mounted.
airgap_chroot() {
  local root=$1
  shift
  mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
    DEBIAN_FRONTEND=noninteractive "$@"
}

# Copies the base into root: airgap_rootfs ROOT.
airgap_rootfs() {
  local root=$1
  airgap_base
  cp -a "$AIRGAP_BASE" "$root"
  rm -f "$root/.complete"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
}

# Adds a system user and group with a fixed id before a package makes its own:
# airgap_add_user ROOT NAME ID HOME [SHELL].
airgap_add_user() {
  local root=$1 name=$2 id=$3 home=$4 shell=${5:-/usr/sbin/nologin}
  airgap_chroot "$root" groupadd --system --gid "$id" "$name"
  airgap_chroot "$root" useradd --system --uid "$id" --gid "$id" --home-dir "$home" --no-create-home \
    --shell "$shell" "$name"
}

# Upgrades root and installs the packages with apt; the output goes to a log.
airgap_apt_install() {
  local root=$1 log=$1.apt.log
  shift
  show chroot "$root" apt-get install "$@"
  airgap_logged "$log" airgap_chroot "$root" apt-get update
  airgap_logged "$log" airgap_chroot "$root" apt-get --yes upgrade
  airgap_logged "$log" airgap_chroot "$root" apt-get --yes install "$@"
  local line
  # shellcheck disable=SC2016 # dpkg-query's own format
  airgap_chroot "$root" dpkg-query --show --showformat '${Package} ${Version}\n' "$@" |
    while read -r line; do note "installed $line"; done
}

# Removes what a container never needs: apt's lists and caches, docs, logs,
# and the setuid and setgid bits (su, mount, passwd...): the stores run as their
# own uid and never change user, and a swarm service cannot set no-new-privileges.
airgap_shrink() {
  local root=$1
  mountpoint -q "$root/proc" && umount "$root/proc"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
    "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/tmp/* "$root"/var/tmp/* \
    "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/root/.bash_history
  find "$root/usr/share/doc" -type f ! -name copyright -delete
  find "$root/usr/share/locale" -name '*.mo' -delete
  find "$root/usr/share/doc" "$root/usr/share/locale" -depth -type d -empty -delete
  find "$root" -xdev -type f -perm /6000 -exec chmod ug-s {} +
  : >"$root/etc/resolv.conf"
  : >"$root/etc/hostname"
}
